import { describe, expect, it } from "vitest";
import { DEFAULT_TAR_LIMITS, MarketplaceError, packPackageTarball, readPackageTarball } from "../src/index.js";
import { craftTarball, fixtureEntries } from "./helpers.js";
import type { RawEntry } from "./helpers.js";

const NAME = "checks-plugin-fixture@1.0.0";
const valid = fixtureEntries({ name: "checks-plugin-fixture", version: "1.0.0" });

/** Encodes one pax record: `LENGTH KEY=VALUE\n`, where LENGTH counts its own digits. */
function paxRecord(text: string): Buffer {
  const line = ` ${text}\n`;
  let length = line.length + 1;
  while (String(length).length + line.length !== length) length = String(length).length + line.length;
  return Buffer.from(`${length}${line}`);
}

async function rejection(entries: RawEntry[], limits = DEFAULT_TAR_LIMITS): Promise<MarketplaceError> {
  const error = await readPackageTarball(await craftTarball(entries), NAME, limits).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe("readPackageTarball", () => {
  it("reads a packed package without the package/ prefix", async () => {
    const tarball = await packPackageTarball([
      { path: "package.json", data: Buffer.from("{}") },
      { path: "dist/plugin.js", data: Buffer.from("x") },
    ]);
    const files = await readPackageTarball(tarball, NAME);
    expect(files.map((file) => file.path).sort()).toEqual(["dist/plugin.js", "package.json"]);
    expect(files.find((file) => file.path === "dist/plugin.js")?.data.toString()).toBe("x");
  });

  it("accepts folder entries and any first folder name", async () => {
    const files = await readPackageTarball(await craftTarball([{ path: "other/", type: "5" }, { path: "other/a.txt", data: Buffer.from("a") }]), NAME);
    expect(files.map((file) => file.path)).toEqual(["a.txt"]);
  });

  it.each<[string, RawEntry, string]>([
    ["symbolic link", { path: "package/dist/link.js", type: "2", linkname: "/etc/passwd" }, "UNSAFE_TARBALL"],
    ["hard link", { path: "package/dist/hard.js", type: "1", linkname: "package/package.json" }, "UNSAFE_TARBALL"],
    ["path traversal", { path: "package/../../escaped.txt", data: Buffer.from("x") }, "UNSAFE_TARBALL"],
    ["absolute path", { path: "/tmp/escaped.txt", data: Buffer.from("x") }, "UNSAFE_TARBALL"],
    ["character device", { path: "package/dev", type: "3" }, "UNSAFE_TARBALL"],
    ["duplicate path", { path: "package/package.json", data: Buffer.from("{}") }, "UNSAFE_TARBALL"],
    ["backslash path", { path: "package\\..\\x", data: Buffer.from("x") }, "UNSAFE_TARBALL"],
  ])("rejects a %s", async (_name, entry, code) => {
    const error = await rejection([...valid, entry]);
    expect(error.code).toBe(code);
    expect(error.package).toBe(NAME);
  });

  it("reads a pax path", async () => {
    const pax = paxRecord("path=package/dist/" + "long-name-".repeat(12) + "js");
    const files = await readPackageTarball(await craftTarball([{ path: "PaxHeader", type: "x", data: pax }, { path: "package/short", data: Buffer.from("x") }]), NAME);
    expect(files.map((file) => file.path)).toEqual(["dist/" + "long-name-".repeat(12) + "js"]);
  });

  it.each<[string, string, string]>([
    ["pax path traversal", "path=package/../../escaped.txt", "UNSAFE_TARBALL"],
    ["pax size mismatch", "size=999", "INVALID_TARBALL"],
  ])("rejects a %s", async (_name, text, code) => {
    const error = await rejection([{ path: "PaxHeader", type: "x", data: paxRecord(text) }, { path: "package/file", data: Buffer.from("x") }]);
    expect(error.code).toBe(code);
  });

  it("rejects a file that is also a folder", async () => {
    const error = await rejection([{ path: "package/a", data: Buffer.from("x") }, { path: "package/a/b", data: Buffer.from("y") }]);
    expect(error.code).toBe("UNSAFE_TARBALL");
  });

  it("rejects more entries than the limit", async () => {
    const entries = Array.from({ length: 5 }, (_, index) => ({ path: `package/f${index}`, data: Buffer.from("x") }));
    const error = await rejection(entries, { ...DEFAULT_TAR_LIMITS, maxEntries: 4 });
    expect(error.code).toBe("TARBALL_TOO_LARGE");
  });

  it("rejects a file over the size limit", async () => {
    const error = await rejection([{ path: "package/big", data: Buffer.alloc(2048) }], { ...DEFAULT_TAR_LIMITS, maxFileBytes: 1024 });
    expect(error.code).toBe("TARBALL_TOO_LARGE");
  });

  it("rejects an archive that expands over the limit", async () => {
    const error = await rejection([{ path: "package/zeros", data: Buffer.alloc(1024 * 1024) }], { ...DEFAULT_TAR_LIMITS, maxUnpackedBytes: 64 * 1024 });
    expect(error.code).toBe("TARBALL_TOO_LARGE");
  });

  it("rejects data that is not gzip", async () => {
    const error = await readPackageTarball(Buffer.from("not a tarball"), NAME).catch((caught: unknown) => caught);
    expect((error as MarketplaceError).code).toBe("INVALID_TARBALL");
  });

  it("rejects a header with a bad checksum", async () => {
    const { gunzipSync, gzipSync } = await import("node:zlib");
    const archive = gunzipSync(await craftTarball(valid));
    archive[0] = "X".charCodeAt(0);
    const error = await readPackageTarball(gzipSync(archive), NAME).catch((caught: unknown) => caught);
    expect((error as MarketplaceError).code).toBe("INVALID_TARBALL");
  });
});
