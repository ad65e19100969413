import { deflateSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemorySource, readSquashfsSource, SquashfsError, SquashfsReader, type SquashfsLimits } from "../src/index.js";
import { decompressorFor } from "../src/squashfs/decompress.js";
import { mksquashfs, trySetXattr } from "./helpers/tree.js";

/** Flags that leave inode, directory, id, fragment, data and xattr tables uncompressed, so tests can patch them in place. */
const UNCOMPRESSED = ["-noI", "-noD", "-noF", "-noX", "-b", "4096", "-processors", "1"];

let workDir: string;
let plain: Uint8Array;

/** False when setfattr is missing or the filesystem rejects user xattrs; xattr tests are then skipped. */
let xattrsSet = false;

function buildTree(root: string): void {
  mkdirSync(join(root, "dir", "sub", "deeper", "deepest"), { recursive: true });
  writeFileSync(join(root, "abc"), "abc\n");
  writeFileSync(join(root, "q"), "q\n");
  writeFileSync(join(root, "xy"), "xy\n");
  writeFileSync(join(root, "file-a"), "a\n");
  writeFileSync(join(root, "file-b"), "b\n");
  writeFileSync(join(root, "..."), "three dots are a valid name\n");
  writeFileSync(join(root, ".hidden"), "hidden\n");
  writeFileSync(join(root, "multi-block.bin"), randomBytes(10_000));
  writeFileSync(join(root, "dir", "sub", "deeper", "deepest", "leaf"), "leaf\n");
  symlinkSync("t".repeat(100), join(root, "link"));
  xattrsSet = trySetXattr(join(root, "abc"), "user.note", "x".repeat(100));
}

function build(name: string, args: readonly string[]): Uint8Array {
  const image = join(workDir, `${name}.squashfs`);
  mksquashfs(join(workDir, "tree"), image, args);
  return new Uint8Array(readFileSync(image));
}

async function open(bytes: Uint8Array, limits?: Partial<SquashfsLimits>) {
  const reader = await SquashfsReader.open(new MemorySource(bytes), { limits, file: "test.squashfs" });
  return { reader, entries: await reader.list() };
}

/** Reads every entry and every file's content; returns the error code, or undefined when all reads succeed. */
async function readAll(bytes: Uint8Array, limits?: Partial<SquashfsLimits>): Promise<string | undefined> {
  try {
    const data = await readSquashfsSource(new MemorySource(bytes), { content: [{ glob: "/**", maxBytes: 1 << 30 }], limits }, "test.squashfs");
    expect(data.files.length).toBeGreaterThan(0);
    return undefined;
  } catch (error) {
    if (!(error instanceof SquashfsError)) throw error;
    expect(typeof error.offset === "number" || error.offset === undefined).toBe(true);
    return error.code;
  }
}

function patched(bytes: Uint8Array, edit: (copy: Uint8Array, view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy, new DataView(copy.buffer));
  return copy;
}

function findBytes(bytes: Uint8Array, needle: string, from: number): number {
  const encoded = new TextEncoder().encode(needle);
  outer: for (let i = from; i <= bytes.length - encoded.length; i++) {
    for (let j = 0; j < encoded.length; j++) if (bytes[i + j] !== encoded[j]) continue outer;
    return i;
  }
  throw new Error(`${needle} not found`);
}

/** Absolute offset of the directory entry name `name` (the name bytes; the 8-byte entry header precedes them). */
function directoryName(bytes: Uint8Array, name: string): number {
  const directoryStart = Number(new DataView(bytes.buffer).getBigUint64(72, true));
  // Entry header: offset u16, inode delta s16, type u16, name size - 1 u16, then the name.
  const view = new DataView(bytes.buffer);
  for (let at = findBytes(bytes, name, directoryStart); ; at = findBytes(bytes, name, at + 1)) {
    const type = view.getUint16(at - 4, true);
    if (view.getUint16(at - 2, true) === name.length - 1 && type >= 1 && type <= 7) return at;
  }
}

async function inodeAt(bytes: Uint8Array, path: string): Promise<number> {
  const { entries } = await open(bytes);
  const entry = entries.find((candidate) => candidate.path === path)!;
  return entry.inode.position + 2 + entry.inode.ref.offset;
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "checks-squashfs-errors-"));
  buildTree(join(workDir, "tree"));
  plain = build("plain", UNCOMPRESSED);
}, 60_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("pristine image", () => {
  it("reads without error", async () => {
    expect(await readAll(plain)).toBeUndefined();
  });

  it("accepts names that only start with dots", async () => {
    const { entries } = await open(plain);
    expect(entries.map((entry) => entry.path)).toEqual(expect.arrayContaining(["/...", "/.hidden"]));
  });
});

describe("directory names", () => {
  it.each([
    ["a slash", "abc", "a/c"],
    ["a NUL byte", "abc", "a\0c"],
    ["the name .", "q", "."],
    ["the name ..", "xy", ".."],
  ])("rejects %s", async (_case, original, replacement) => {
    const at = directoryName(plain, original);
    const bytes = patched(plain, (copy) => copy.set(new TextEncoder().encode(replacement), at));
    expect(await readAll(bytes)).toBe("INVALID_NAME");
  });

  it("rejects a duplicate name", async () => {
    const at = directoryName(plain, "file-b");
    const bytes = patched(plain, (copy) => copy.set(new TextEncoder().encode("file-a"), at));
    expect(await readAll(bytes)).toBe("DUPLICATE_ENTRY");
  });
});

describe("directory structure", () => {
  it("detects a directory that contains the root", async () => {
    const { reader } = await open(plain);
    const at = directoryName(plain, "dir");
    const bytes = patched(plain, (copy, view) => view.setUint16(at - 8, reader.superblock.rootInode.offset, true));
    expect(reader.superblock.rootInode.block).toBe(0);
    expect(await readAll(bytes)).toBe("DIRECTORY_LOOP");
  });

  it("rejects a header with more than 256 entries", async () => {
    const at = directoryName(plain, "...");
    // The root listing's first header is 12 bytes before its first entry (8 bytes before "...").
    const bytes = patched(plain, (copy, view) => view.setUint32(at - 8 - 12, 300, true));
    expect(await readAll(bytes)).toBe("INVALID_DIRECTORY");
  });

  it("rejects an entry whose type differs from its inode", async () => {
    const at = directoryName(plain, "abc");
    const bytes = patched(plain, (copy, view) => view.setUint16(at - 4, 1, true));
    expect(await readAll(bytes)).toBe("INVALID_DIRECTORY");
  });
});

describe("inodes and tables", () => {
  it("rejects an unknown inode type", async () => {
    const at = await inodeAt(plain, "/abc");
    expect(await readAll(patched(plain, (copy, view) => view.setUint16(at, 15, true)))).toBe("INVALID_INODE");
  });

  it("rejects a uid index past the id table", async () => {
    const { reader } = await open(plain);
    const at = await inodeAt(plain, "/abc");
    expect(await readAll(patched(plain, (copy, view) => view.setUint16(at + 4, reader.superblock.idCount, true)))).toBe("INVALID_TABLE_INDEX");
    expect(await readAll(patched(plain, (copy, view) => view.setUint16(at + 4, reader.superblock.idCount - 1, true)))).toBeUndefined();
  });

  it("rejects a fragment index past the fragment table", async () => {
    const { reader } = await open(plain);
    const at = await inodeAt(plain, "/file-a");
    const count = reader.superblock.fragmentCount;
    // Basic file inode: 16-byte header, then start block, fragment index, fragment offset, size.
    expect(await readAll(patched(plain, (copy, view) => view.setUint32(at + 20, count, true)))).toBe("INVALID_TABLE_INDEX");
    expect(await readAll(patched(plain, (copy, view) => view.setUint32(at + 20, count - 1, true)))).toBeUndefined();
  });

  it("rejects a data block larger than the block size", async () => {
    const at = await inodeAt(plain, "/multi-block.bin");
    const blockList = at + 32;
    const original = new DataView(plain.buffer).getUint32(blockList, true);
    expect(original & 0xffffff).toBe(4096);
    expect(await readAll(patched(plain, (copy, view) => view.setUint32(blockList, (1 << 24) | 4097, true)))).toBe("INVALID_DATA_BLOCK");
  });

  it("rejects a metadata block longer than 8 KiB", async () => {
    const inodeTable = Number(new DataView(plain.buffer).getBigUint64(64, true));
    expect(await readAll(patched(plain, (copy, view) => view.setUint16(inodeTable, 0x8000 | 8193, true)))).toBe("INVALID_METADATA_BLOCK");
    expect(await readAll(patched(plain, (copy, view) => view.setUint16(inodeTable, 0x8000 | 0, true)))).toBe("INVALID_METADATA_BLOCK");
  });

  it("rejects an unknown xattr prefix type", async (context) => {
    if (!xattrsSet) context.skip("setfattr (Debian package attr) could not set an xattr");
    const view = new DataView(plain.buffer);
    const xattrIdTable = Number(view.getBigUint64(56, true));
    const keyValueStart = Number(view.getBigUint64(xattrIdTable, true));
    expect(view.getUint16(keyValueStart + 2, true)).toBe(0);
    expect(await readAll(patched(plain, (copy, patch) => patch.setUint16(keyValueStart + 2, 7, true)))).toBe("INVALID_XATTR");
  });
});

describe("superblock", () => {
  it.each([
    ["NOT_SQUASHFS", (view: DataView) => view.setUint32(0, 0x12345678, true)],
    ["UNSUPPORTED_VERSION", (view: DataView) => view.setUint16(28, 3, true)],
    ["INVALID_SUPERBLOCK", (view: DataView) => view.setUint16(22, 13, true)],
    ["TRUNCATED", (view: DataView) => view.setBigUint64(40, BigInt(view.byteLength + 1), true)],
    ["INVALID_SUPERBLOCK", (view: DataView) => view.setBigUint64(64, view.getBigUint64(72, true), true)],
  ] as const)("raises %s", async (code, edit) => {
    expect(await readAll(patched(plain, (_copy, view) => edit(view)))).toBe(code);
  });

  it("raises TRUNCATED for a cut-off image", async () => {
    expect(await readAll(plain.subarray(0, Math.floor(plain.length / 2)))).toBe("TRUNCATED");
  });

  it.each(["lzo", "lzma"])("rejects %s compression", async (compressor) => {
    const bytes = build(`comp-${compressor}`, ["-comp", compressor, "-processors", "1"]);
    expect(await readAll(bytes)).toBe("UNSUPPORTED_COMPRESSION");
  });
});

describe("limits", () => {
  it("maxEntries rejects and accepts at the boundary", async () => {
    const { entries } = await open(plain);
    expect(await readAll(plain, { maxEntries: entries.length - 1 })).toBe("LIMIT_EXCEEDED");
    expect(await readAll(plain, { maxEntries: entries.length })).toBeUndefined();
  });

  it("maxDepth rejects and accepts at the boundary", async () => {
    // /dir/sub/deeper/deepest is four directories below the root.
    expect(await readAll(plain, { maxDepth: 3 })).toBe("LIMIT_EXCEEDED");
    expect(await readAll(plain, { maxDepth: 4 })).toBeUndefined();
  });

  it("maxPathLength rejects and accepts at the boundary", async () => {
    const longest = "/dir/sub/deeper/deepest/leaf".length;
    expect(await readAll(plain, { maxPathLength: longest - 1 })).toBe("LIMIT_EXCEEDED");
    expect(await readAll(plain, { maxPathLength: longest })).toBeUndefined();
  });

  it("maxSymlinkLength rejects and accepts at the boundary", async () => {
    expect(await readAll(plain, { maxSymlinkLength: 99 })).toBe("LIMIT_EXCEEDED");
    expect(await readAll(plain, { maxSymlinkLength: 100 })).toBeUndefined();
  });

  it("maxXattrBytesPerInode rejects and accepts at the boundary", async (context) => {
    if (!xattrsSet) context.skip("setfattr (Debian package attr) could not set an xattr");
    // "user.note": stored as type + name "note" (4 + 4 bytes) and a value of 4 + 100 bytes.
    expect(await readAll(plain, { maxXattrBytesPerInode: 111 })).toBe("LIMIT_EXCEEDED");
    expect(await readAll(plain, { maxXattrBytesPerInode: 112 })).toBeUndefined();
  });

  it("maxContentBytes rejects and accepts at the boundary", async () => {
    const { entries } = await open(plain);
    const total = entries.filter((entry) => entry.type === "file").reduce((sum, entry) => sum + entry.size, 0);
    expect(await readAll(plain, { maxContentBytes: total - 1 })).toBe("LIMIT_EXCEEDED");
    expect(await readAll(plain, { maxContentBytes: total })).toBeUndefined();
  });

  it("maxMetadataBytes rejects a small budget", async () => {
    expect(await readAll(plain, { maxMetadataBytes: 100 })).toBe("LIMIT_EXCEEDED");
  });
});

describe("decompression caps", () => {
  const text = new Uint8Array(16_384).fill(0x61);

  function compressWith(tool: string, args: readonly string[]): Uint8Array {
    return new Uint8Array(execFileSync(tool, args, { input: text }));
  }

  const cases: [string, number, () => Uint8Array][] = [
    ["gzip", 1, () => new Uint8Array(deflateSync(text))],
    ["xz", 4, () => compressWith("xz", ["-c", "--check=crc32"])],
    ["zstd", 6, () => compressWith("zstd", ["-c", "-q"])],
    // LZ4 block: token 0x1f, one literal "a", a match at distance 1 of 4 + 15 + 64 * 255 + 44 = 16383 bytes, then an empty final token.
    ["lz4", 5, () => Uint8Array.from([0x1f, 0x61, 0x01, 0x00, ...Array<number>(64).fill(255), 44, 0x00])],
  ];

  it.each(cases)("%s rejects output past the cap", async (_name, id, make) => {
    const decompress = decompressorFor(id, _name);
    const error = await decompress(make(), 8192, 1234).catch((caught: unknown) => caught as SquashfsError);
    expect(error).toBeInstanceOf(SquashfsError);
    expect(["DECOMPRESSED_TOO_LARGE", "DECOMPRESSION_FAILED"]).toContain((error as SquashfsError).code);
    expect((error as SquashfsError).offset).toBe(1234);
  });

  it.each(cases)("%s decodes within the cap", async (_name, id, make) => {
    const output = await decompressorFor(id, _name)(make(), 16_384, 0);
    expect(output).toEqual(text);
  });

  it.each([
    ["x86", ["--x86", "--lzma2"]],
    ["x86 with a start offset", ["--x86=start=4096", "--lzma2"]],
  ])("xz decodes the BCJ %s filter", async (_name, filters) => {
    const program = new Uint8Array(readFileSync("/bin/bash"));
    const compressed = new Uint8Array(execFileSync("xz", ["-c", "--check=crc32", ...filters], { input: program, maxBuffer: 64 << 20 }));
    expect(await decompressorFor(4, "xz")(compressed, program.length, 0)).toEqual(program);
  });

  it("xz rejects the BCJ ARM filter", async () => {
    const compressed = new Uint8Array(execFileSync("xz", ["-c", "--check=crc32", "--arm", "--lzma2"], { input: text }));
    const error = await decompressorFor(4, "xz")(compressed, 16_384, 9).catch((caught: unknown) => caught as SquashfsError);
    expect((error as SquashfsError).code).toBe("UNSUPPORTED_COMPRESSION");
  });

  it("xz rejects a BCJ block that fails its CRC32", async () => {
    const program = new Uint8Array(readFileSync("/bin/bash")).subarray(0, 100_000);
    const compressed = new Uint8Array(execFileSync("xz", ["-c", "--check=crc32", "--x86", "--lzma2"], { input: program }));
    // The CRC32 check field sits right before the index, which is 12 bytes plus the 12-byte footer here.
    const corrupt = compressed.slice();
    const footer = corrupt.length - 12;
    const indexSize = (new DataView(corrupt.buffer).getUint32(footer + 4, true) + 1) * 4;
    corrupt[footer - indexSize - 1]! ^= 0xff;
    const error = await decompressorFor(4, "xz")(corrupt, program.length, 0).catch((caught: unknown) => caught as SquashfsError);
    expect((error as SquashfsError).code).toBe("DECOMPRESSION_FAILED");
  });

  it("rejects corrupt gzip input", async () => {
    const error = await decompressorFor(1, "gzip")(Uint8Array.from([1, 2, 3, 4]), 8192, 7).catch((caught: unknown) => caught as SquashfsError);
    expect((error as SquashfsError).code).toBe("DECOMPRESSION_FAILED");
  });
});
