import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectSifSource, MemorySource, readSifSource, readSquashfsSource, type SquashfsLimits } from "../src/index.js";
import { decompressorFor } from "../src/squashfs/decompress.js";
import { fuzz } from "./helpers/fuzz.js";
import { DATA, writeSif } from "./helpers/sif-writer.js";
import { mksquashfs, trySetXattr } from "./helpers/tree.js";

/** Scales the number of mutated inputs; 1 runs 115,000 in all. */
const SCALE = Number(process.env.CHECKS_FUZZ_SCALE ?? "1");
/** Small limits keep each input fast; they are part of what is fuzzed. */
const LIMITS: Partial<SquashfsLimits> = { maxEntries: 5000, maxMetadataBytes: 4 << 20, maxContentBytes: 16 << 20 };
const CONTENT = [{ glob: "/**", maxBytes: 1 << 20 }];

let workDir: string;
const seeds = new Map<string, Uint8Array>();

/** Byte ranges worth mutating in a squashfs image: the superblock and everything from the inode table on. */
function squashfsHotRanges(bytes: Uint8Array, base = 0): [number, number][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + base);
  const inodeTable = Number(view.getBigUint64(64, true));
  return [
    [base, base + 96],
    [base + inodeTable, base + Number(view.getBigUint64(40, true))],
  ];
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "checks-sif-fuzz-"));
  const tree = join(workDir, "tree");
  mkdirSync(join(tree, "etc", "nested"), { recursive: true });
  mkdirSync(join(tree, ".singularity.d", "env"), { recursive: true });
  writeFileSync(join(tree, "etc", "passwd"), "root:x:0:0::/root:/bin/sh\n");
  writeFileSync(join(tree, "etc", "nested", "big"), "z".repeat(9000));
  writeFileSync(join(tree, ".singularity.d", "runscript"), "#!/bin/sh\nexec \"$@\"\n");
  writeFileSync(join(tree, ".singularity.d", "env", "90-environment.sh"), "export A=1\n");
  writeFileSync(join(tree, ".singularity.d", "labels.json"), '{"a":"b"}');
  symlinkSync("etc/passwd", join(tree, "link"));
  // Without setfattr the seeds have no xattr table, and the fuzzing still runs.
  trySetXattr(join(tree, "etc", "passwd"), "user.k", "v");

  for (const [name, args] of Object.entries({
    gzip: ["-comp", "gzip"],
    lz4: ["-comp", "lz4"],
    zstd: ["-comp", "zstd"],
    xz: ["-comp", "xz"],
    uncompressed: ["-noI", "-noD", "-noF", "-noX"],
  })) {
    const image = join(workDir, `${name}.squashfs`);
    // Fixed times make the seed images, and so every mutated input, the same on every run.
    const fixedTimes = ["-all-time", "0", "-mkfs-time", "0"];
    mksquashfs(tree, image, [...args, ...fixedTimes, "-b", "4096", "-processors", "1", "-p", "dev d 755 0 0", "-p", "dev/null c 666 0 0 1 3"]);
    seeds.set(name, new Uint8Array(readFileSync(image)));
  }
}, 60_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("squashfs reader under mutation", () => {
  it.each([
    ["uncompressed", 30_000],
    ["gzip", 25_000],
    ["lz4", 20_000],
    ["zstd", 15_000],
    ["xz", 2_000],
  ])("%s seed: only typed errors", async (name, count) => {
    const seed = seeds.get(name)!;
    const result = await fuzz(seed, squashfsHotRanges(seed), Math.round(count * SCALE), name.length * 1_000_000, (bytes) =>
      readSquashfsSource(new MemorySource(bytes), { content: CONTENT, limits: LIMITS }, "fuzz.squashfs"),
    );
    console.info(`squashfs ${name}: ${JSON.stringify({ ...result, crashes: result.crashes.length })}`);
    expect(result.crashes.slice(0, 3)).toEqual([]);
    expect(result.inputs).toBe(Math.round(count * SCALE));
    expect(result.typedErrors).toBeGreaterThan(0);
  }, 600_000);
});

describe("xz BCJ rewriting under mutation", () => {
  it("x86 BCJ stream: only typed errors", async () => {
    const program = new Uint8Array(readFileSync("/bin/bash")).subarray(0, 65_536);
    const seed = new Uint8Array(execFileSync("xz", ["-c", "--check=crc32", "--x86", "--lzma2"], { input: program }));
    const decompress = decompressorFor(4, "xz");
    // Headers, the start of the LZMA2 data, and the check, index and footer at the end.
    const hot: [number, number][] = [
      [0, 64],
      [seed.length - 48, seed.length],
    ];
    const count = Math.round(3_000 * SCALE);
    const result = await fuzz(seed, hot, count, 9_000_000, (bytes) => decompress(bytes, 65_536, 0));
    console.info(`xz bcj: ${JSON.stringify({ ...result, crashes: result.crashes.length })}`);
    expect(result.crashes.slice(0, 3)).toEqual([]);
    expect(result.inputs).toBe(count);
    expect(result.typedErrors).toBeGreaterThan(0);
  }, 600_000);
});

describe("SIF reader under mutation", () => {
  it("SIF seed: only typed errors", async () => {
    const squashfs = seeds.get("uncompressed")!;
    const sif = writeSif(
      [
        { dataType: DATA.deffile, data: new TextEncoder().encode("Bootstrap: scratch\n"), group: 1 },
        { dataType: DATA.labels, data: new TextEncoder().encode('{"x":"y"}'), group: 1 },
        { dataType: DATA.partition, data: squashfs, group: 1, partition: { fsType: 1, partType: 2, arch: "02" } },
        { dataType: DATA.signature, data: new TextEncoder().encode("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\n{}\n"), link: { id: 1, group: true }, signature: { hashType: 1 } },
      ],
      { descriptorsTotal: 6 },
    );
    const partitionOffset = Number(new DataView(sif.buffer).getBigInt64(4096 + 2 * 585 + 17, true));
    const hot: [number, number][] = [
      [0, 128],
      [4096, 4096 + 6 * 585],
      ...squashfsHotRanges(sif, partitionOffset),
    ];
    const count = Math.round(20_000 * SCALE);
    const result = await fuzz(sif, hot, count, 7_000_000, async (bytes) => {
      const source = new MemorySource(bytes);
      await inspectSifSource(source, "fuzz.sif");
      await readSifSource(source, { content: CONTENT, limits: LIMITS }, "fuzz.sif");
    });
    console.info(`sif: ${JSON.stringify({ ...result, crashes: result.crashes.length })}`);
    expect(result.crashes.slice(0, 3)).toEqual([]);
    expect(result.inputs).toBe(count);
    expect(result.typedErrors).toBeGreaterThan(0);
  }, 600_000);
});
