import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { register } from "../src/commands/inspect.js";
import { UserError } from "../src/errors.js";

let work: string;
let output: string[];

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "checks-inspect-"));
  output = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(work, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  const program = new Command("checks").exitOverride();
  register(program);
  await program.parseAsync(["node", "checks", ...args]);
  return output.join("");
}

/** A minimal ustar archive of regular files. */
function tar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
    header.write("14533242000\0", 136);
    header.write("0", 156);
    header.write("ustar\0" + "00", 257);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(header, Buffer.alloc(Math.ceil(content.length / 512) * 512));
    blocks[blocks.length - 1]!.write(content);
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const digest = (data: Buffer) => "sha256:" + createHash("sha256").update(data).digest("hex");

/** An OCI layout with one gzip layer and a config with a secret-looking env var. */
function ociLayout(): string {
  const dir = join(work, "layout");
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const put = (data: Buffer) => {
    writeFileSync(join(dir, "blobs", "sha256", digest(data).slice(7)), data);
    return { digest: digest(data), size: data.length };
  };
  const layer = gzipSync(tar({ "etc/os-release": "ID=test\n", "etc/passwd": "root:x:0:0::/root:/bin/sh\n" }));
  const config = Buffer.from(JSON.stringify({ os: "linux", architecture: "amd64", config: { Env: ["DB_PASSWORD=hunter2"], Cmd: ["/bin/sh"] }, history: [{ created_by: "ADD rootfs.tar /" }] }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...put(config) },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...put(layer) }],
    }),
  );
  const m = put(manifest);
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...m, annotations: { "org.opencontainers.image.ref.name": "latest" } }] }));
  return dir;
}

describe("checks inspect", () => {
  it("prints format, platform, layers and a config summary without env values", async () => {
    const text = await run("inspect", ociLayout());
    expect(text).toMatch(/Format\s+oci-layout/);
    expect(text).toMatch(/Platform\s+linux\/amd64/);
    expect(text).toMatch(/0\s+sha256:[0-9a-f]{12}\s+gzip\s+\S+ B\s+\S+ KiB\s+2\s+ADD rootfs.tar \//);
    expect(text).toMatch(/Env\s+DB_PASSWORD \(values not shown\)/);
    expect(text).toMatch(/User\s+\(not set: runs as root\)/);
    expect(text).not.toContain("hunter2");
  });

  it("prints JSON with --json", async () => {
    const inspection = JSON.parse(await run("inspect", ociLayout(), "--json"));
    expect(inspection).toMatchObject({ format: "oci-layout", platform: "linux/amd64", files: 4 });
    expect(inspection.layers).toEqual([expect.objectContaining({ index: 0, compression: "gzip", entries: 2 })]);
    expect(inspection.config.envNames).toEqual(["DB_PASSWORD"]);
  });

  it("inspects a plain tar and a root filesystem folder", async () => {
    const file = join(work, "rootfs.tgz");
    writeFileSync(file, gzipSync(tar({ "etc/hostname": "box\n" })));
    expect(JSON.parse(await run("inspect", file, "--json"))).toMatchObject({ format: "tar", layers: [{ compression: "gzip", entries: 1 }] });
    output = [];
    mkdirSync(join(work, "root", "etc"), { recursive: true });
    writeFileSync(join(work, "root", "etc", "hostname"), "box\n");
    expect(await run("inspect", join(work, "root"))).toMatch(/Format\s+rootfs/);
  });

  it("turns a missing platform into a usage error that lists the available ones", async () => {
    const error = await run("inspect", ociLayout(), "--platform", "linux/arm64").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toMatch(/linux\/amd64/);
  });

  it("turns an unreadable image into a scan error", async () => {
    const file = join(work, "junk.tar");
    writeFileSync(file, "not an image ".repeat(100));
    const error = await run("inspect", file).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 3 });
  });
});
