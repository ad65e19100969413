import { createImageView } from "@checks/sdk";
import type { ImageData } from "@checks/sdk";
import { describe, expect, it } from "vitest";
import { filterImageData } from "../src/index.js";
import type { DeclaredNeeds } from "../src/index.js";
import { PASSWD, testImage } from "./helpers.js";

const needs = (partial: Partial<DeclaredNeeds>): DeclaredNeeds => ({ paths: [], content: [], maxBytes: 1024, capabilities: [], ...partial });
const paths = (data: ImageData): string[] => data.files.map((file) => file.path);
/** Returns what a read returned, or the code of what it threw. */
const outcome = (read: () => unknown): unknown => {
  try {
    return read();
  } catch (error) {
    return { threw: (error as { code?: string }).code };
  }
};
const text = (bytes: Uint8Array | undefined): string | undefined => bytes && new TextDecoder().decode(bytes);

describe("filterImageData", () => {
  it("keeps declared paths and their ancestors", () => {
    const filtered = filterImageData(testImage(), [needs({ paths: ["/etc/passwd"] })]);
    expect(paths(filtered)).toEqual(["/", "/etc", "/etc/passwd"]);
  });

  it("drops content that was not declared", () => {
    const filtered = filterImageData(testImage(), [needs({ paths: ["/etc/*"], content: ["/etc/passwd"] })]);
    const byPath = new Map(filtered.files.map((file) => [file.path, file]));
    expect(text(byPath.get("/etc/passwd")?.content)).toBe(PASSWD);
    expect(byPath.get("/etc/shadow")?.content).toBeUndefined();
    expect(byPath.get("/etc/shadow")?.size).toBeGreaterThan(0);
  });

  it("cuts content to the largest declared maxBytes", () => {
    const filtered = filterImageData(testImage(), [needs({ paths: ["/etc/passwd"], content: ["/etc/passwd"], maxBytes: 4 })]);
    const passwd = filtered.files.find((file) => file.path === "/etc/passwd");
    expect(text(passwd?.content)).toBe("root");
    expect(passwd?.contentTruncated).toBe(true);
  });

  it("keeps data of declared capabilities only", () => {
    const without = filterImageData(testImage(), [needs({})]);
    expect(without.config).toBeUndefined();
    expect(without.osRelease?.id).toBe("debian");
    const withConfig = filterImageData(testImage(), [needs({ capabilities: ["config"] })]);
    expect(withConfig.config?.env.SECRET_TOKEN).toBe("config-secret");
  });

  it("keeps targets reached through a folder symlink", () => {
    const filtered = filterImageData(testImage(), [needs({ paths: ["/etc/ssl/**"], content: ["/etc/ssl/**"] })]);
    expect(paths(filtered)).toContain("/usr/lib/ssl/openssl.cnf");
    const handle = createImageView(filtered, { checkId: "ssl", paths: ["/etc/ssl/**"], content: ["/etc/ssl/**"], maxBytes: 1024, capabilities: [] });
    expect(handle.view.files.readText("/etc/ssl/openssl.cnf")).toBe("[openssl_init]\n");
  });

  it("keeps a file symlink's target with content", () => {
    const filtered = filterImageData(testImage(), [needs({ paths: ["/etc/shadow-link"], content: ["/etc/shadow-link"] })]);
    const handle = createImageView(filtered, { checkId: "link", paths: ["/etc/shadow-link"], content: ["/etc/shadow-link"], maxBytes: 1024, capabilities: [] });
    expect(handle.view.files.readText("/etc/shadow-link")).toContain("imagesecretvalue");
  });

  it("reads the same through the filter as on full data", () => {
    const policy = { checkId: "etc", paths: ["/etc/**", "/bin/*"], content: ["/etc/passwd", "/etc/ssl/**"], maxBytes: 1024, capabilities: [] as const };
    const full = createImageView(testImage(), policy).view;
    const filtered = createImageView(filterImageData(testImage(), [needs(policy)]), policy).view;
    expect(filtered.files.walk()).toEqual(full.files.walk());
    for (const path of ["/etc/passwd", "/etc/shadow", "/etc/ssl/openssl.cnf", "/etc/escape", "/etc/host-root/etc/passwd", "/bin/su", "/usr/lib/ssl/openssl.cnf"]) {
      expect(outcome(() => filtered.files.stat(path)), path).toEqual(outcome(() => full.files.stat(path)));
      expect(outcome(() => filtered.files.readText(path)), path).toEqual(outcome(() => full.files.readText(path)));
    }
  });

  it("filters layer entries by the declared paths", () => {
    const data = testImage();
    data.layers = [{ index: 0, entries: [{ path: "/etc/passwd", type: "file", mode: 0o644, uid: 0, gid: 0, size: 5 }, { path: "/etc/shadow", type: "file", mode: 0o600, uid: 0, gid: 0, size: 5, content: new TextEncoder().encode("secret") }] }];
    expect(filterImageData(data, [needs({ paths: ["/etc/passwd"] })]).layers).toBeUndefined();
    const layers = filterImageData(data, [needs({ paths: ["/etc/passwd"], capabilities: ["layers"] })]).layers;
    expect(layers?.[0]?.entries.map((entry) => entry.path)).toEqual(["/etc/passwd"]);
  });
});
