import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, ImageError } from "../src/index.js";
import { TarParser, type TarEntry } from "../src/tar.js";
import { bytes, concat, entryBlocks, header, paxData, tar, text, withChecksum, type TarSpec } from "./helpers/tar.js";

interface Parsed {
  entries: TarEntry[];
  content: Map<string, { data: Uint8Array; truncated: boolean }>;
}

function parse(archive: Uint8Array, options: { keep?: number; chunk?: number; limits?: Partial<typeof DEFAULT_LIMITS> } = {}): Parsed {
  const entries: TarEntry[] = [];
  const content = new Map<string, { data: Uint8Array; truncated: boolean }>();
  const parser = new TarParser(
    {
      onEntry: (entry) => (entries.push(entry), options.keep ?? 1 << 20),
      onContent: (entry, data, truncated) => content.set(entry.path, { data, truncated }),
    },
    { ...DEFAULT_LIMITS, ...options.limits },
  );
  const chunk = options.chunk ?? archive.length;
  for (let at = 0; at < archive.length; at += chunk) parser.write(archive.subarray(at, at + chunk));
  parser.end();
  return { entries, content };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ImageError) return error.code;
    throw error;
  }
  return undefined;
}

describe("tar reader: headers", () => {
  it.each([
    ["plain names", "etc/passwd", "/etc/passwd"],
    ["./ prefix", "./etc/passwd", "/etc/passwd"],
    ["absolute", "/etc/passwd", "/etc/passwd"],
    ["dot-dot stays inside the root", "../../etc/../etc/shadow", "/etc/shadow"],
    ["the root itself", "./", "/"],
  ])("normalizes %s", (_label, name, path) => {
    const { entries } = parse(tar([{ name, content: "x" }]));
    expect(entries[0]!.path).toBe(path);
  });

  it("reads type, mode bits, owner and mtime from the header", () => {
    const { entries } = parse(
      tar([
        { name: "usr/bin/su", mode: 0o4755, uid: 0, gid: 0, content: "x" },
        { name: "usr/bin/wall", mode: 0o2755, gid: 5, content: "x" },
        { name: "tmp/", type: "dir", mode: 0o1777 },
        { name: "bin/sh", type: "symlink", linkname: "dash" },
        { name: "dev/null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 },
        { name: "dev/sda", type: "block", devmajor: 8, devminor: 0 },
        { name: "run/fifo", type: "fifo" },
        { name: "home/big", uid: 3_000_000, gid: 4_000_000, content: "x" },
      ]),
    );
    const byPath = Object.fromEntries(entries.map((e) => [e.path, e]));
    expect(byPath["/usr/bin/su"]!.mode).toBe(0o4755);
    expect(byPath["/usr/bin/wall"]!.mode).toBe(0o2755);
    expect(byPath["/usr/bin/wall"]!.gid).toBe(5);
    expect(byPath["/tmp"]!).toMatchObject({ type: "directory", mode: 0o1777 });
    expect(byPath["/bin/sh"]!).toMatchObject({ type: "symlink", linkName: "dash", size: 0 });
    expect(byPath["/dev/null"]!).toMatchObject({ type: "char-device", device: { major: 1, minor: 3 } });
    expect(byPath["/dev/sda"]!).toMatchObject({ type: "block-device", device: { major: 8, minor: 0 } });
    expect(byPath["/run/fifo"]!.type).toBe("fifo");
    expect(byPath["/home/big"]!).toMatchObject({ uid: 3_000_000, gid: 4_000_000, mtime: 1700000000 });
  });

  it("joins the ustar prefix field", () => {
    const name = "a".repeat(90) + "/" + "b".repeat(60) + "/file";
    const { entries } = parse(tar([{ name, content: "x", prefix: true }]));
    expect(entries[0]!.path).toBe("/" + name);
  });

  it("reads GNU long names and long link names", () => {
    const name = "deep/" + "d".repeat(150) + "/file";
    const link = "/target/" + "t".repeat(150);
    const { entries } = parse(tar([{ name, content: "hello", gnuLong: true }, { name: name + "2", type: "symlink", linkname: link, gnuLong: true }]));
    expect(entries.map((e) => e.path)).toEqual(["/" + name, "/" + name + "2"]);
    expect(entries[1]!.linkName).toBe(link);
  });

  it("applies PAX path, linkpath, size, uid, gid and mtime", () => {
    const name = "p/" + "x".repeat(300);
    const { entries, content } = parse(
      tar([
        { name: "short", content: "0123456789", pax: { path: name, uid: "70000", gid: "80000", mtime: "1234567890.5" } },
        { name: "l", type: "symlink", pax: { linkpath: "/" + "y".repeat(200) } },
      ]),
    );
    expect(entries[0]).toMatchObject({ path: "/" + name, uid: 70000, gid: 80000, mtime: 1234567890 });
    expect(text(content.get("/" + name)!.data)).toBe("0123456789");
    expect(entries[1]!.linkName).toBe("/" + "y".repeat(200));
  });

  it("takes the PAX size over a header size of 0", () => {
    const { entries, content } = parse(tar([{ name: "big", content: "0123456789", size: 0, pax: { size: "10" } }]));
    expect(entries[0]!.size).toBe(10);
    expect(text(content.get("/big")!.data)).toBe("0123456789");
  });

  it("keeps xattrs from SCHILY.xattr.* (binary) and LIBARCHIVE.xattr.* records", () => {
    const capability = new Uint8Array([1, 0, 0, 2, 0, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const { entries } = parse(
      tar([
        { name: "usr/bin/ping", content: "x", pax: { "SCHILY.xattr.security.capability": capability } },
        { name: "usr/bin/other", content: "x", pax: { "LIBARCHIVE.xattr.user.note": Buffer.from("hi").toString("base64") } },
      ]),
    );
    expect(entries[0]!.xattrs!["security.capability"]).toEqual(capability);
    expect(text(entries[1]!.xattrs!["user.note"])).toBe("hi");
  });

  it("applies global PAX headers to later entries", () => {
    const data = paxData({ uid: "4242" });
    const archive = concat([header({ name: "g", typeflag: "g", size: data.length }), pad(data), tar([{ name: "a", content: "x" }])]);
    expect(parse(archive).entries[0]!.uid).toBe(4242);
  });

  it("reads base-256 numbers", () => {
    const big = 2 ** 40;
    const block = header({ name: "huge-owner", typeflag: "0", size: 0, uid: big });
    expect(parse(concat([block, new Uint8Array(1024)])).entries[0]!.uid).toBe(big);
  });

  it("treats header-only types as carrying no data, whatever their size field says", () => {
    const archive = concat([entryBlocks({ name: "link", type: "symlink", linkname: "x", size: 512 }), entryBlocks({ name: "after", content: "ok" }), new Uint8Array(1024)]);
    const { entries, content } = parse(archive);
    expect(entries.map((e) => e.path)).toEqual(["/link", "/after"]);
    expect(text(content.get("/after")!.data)).toBe("ok");
  });

  it("gives the same result whatever the chunk size", () => {
    const archive = tar([
      { name: "a/" + "x".repeat(120), content: "long", gnuLong: true },
      { name: "b", content: "y".repeat(1500), pax: { "SCHILY.xattr.user.a": "1" } },
      { name: "c", type: "dir" },
    ]);
    const whole = parse(archive);
    for (const chunk of [1, 7, 512, 513, 4096]) {
      const split = parse(archive, { chunk });
      expect(split.entries).toEqual(whole.entries);
      expect(split.content).toEqual(whole.content);
    }
  });

  it("keeps only the requested bytes and says when content is truncated", () => {
    const { content } = parse(tar([{ name: "big", content: "z".repeat(5000) }]), { keep: 100 });
    expect(content.get("/big")!.data.length).toBe(100);
    expect(content.get("/big")!.truncated).toBe(true);
  });
});

function pad(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

describe("tar reader: sparse files", () => {
  const segments = [
    { offset: 0, data: "head" },
    { offset: 10_000, data: "middle" },
    { offset: 20_000, data: "tail" },
  ];
  const realSize = 20_004;
  const packed = bytes(segments.map((s) => s.data).join(""));
  const expected = new Uint8Array(realSize);
  for (const s of segments) expected.set(bytes(s.data), s.offset);

  it("expands old GNU sparse entries ('S'), with an extension block", () => {
    const block = header({ name: "sparse-old", typeflag: "S", size: packed.length, magic: "gnu" });
    // Two segments in the header, one in an extension block.
    const put = (b: Uint8Array, at: number, value: number, length: number) => b.set(bytes(value.toString(8).padStart(length - 1, "0") + "\0"), at);
    put(block, 386, 0, 12);
    put(block, 398, 4, 12);
    put(block, 410, 10_000, 12);
    put(block, 422, 6, 12);
    block[482] = 1;
    put(block, 483, realSize, 12);
    withChecksum(block);
    const ext = new Uint8Array(512);
    put(ext, 0, 20_000, 12);
    put(ext, 12, 4, 12);
    const archive = concat([block, ext, pad(packed), new Uint8Array(1024)]);
    const { entries, content } = parse(archive);
    expect(entries[0]).toMatchObject({ path: "/sparse-old", size: realSize });
    expect(content.get("/sparse-old")!.data).toEqual(expected);
  });

  it("expands PAX sparse 0.0 (offset/numbytes records)", () => {
    const records = paxData({ "GNU.sparse.size": String(realSize), "GNU.sparse.numblocks": "3" });
    const pairs = segments.map((s) => paxData({ "GNU.sparse.offset": String(s.offset), "GNU.sparse.numbytes": String(s.data.length) }));
    const data = concat([records, ...pairs]);
    const archive = concat([header({ name: "x", typeflag: "x", size: data.length }), pad(data), header({ name: "sparse00", typeflag: "0", size: packed.length }), pad(packed), new Uint8Array(1024)]);
    const { entries, content } = parse(archive);
    expect(entries[0]!.size).toBe(realSize);
    expect(content.get("/sparse00")!.data).toEqual(expected);
  });

  it("expands PAX sparse 0.1 (GNU.sparse.map)", () => {
    const map = segments.map((s) => `${s.offset},${s.data.length}`).join(",");
    const archive = tar([{ name: "GNUSparseFile.0/s01", content: packed, pax: { "GNU.sparse.name": "sparse01", "GNU.sparse.size": String(realSize), "GNU.sparse.map": map } }]);
    const { entries, content } = parse(archive);
    expect(entries[0]!.path).toBe("/sparse01");
    expect(content.get("/sparse01")!.data).toEqual(expected);
  });

  it("expands PAX sparse 1.0 (map at the start of the data), with a cap", () => {
    const mapText = [segments.length, ...segments.flatMap((s) => [s.offset, s.data.length])].join("\n") + "\n";
    const data = concat([pad(bytes(mapText)), packed]);
    const archive = tar([{ name: "GNUSparseFile.0/s10", content: data, pax: { "GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "sparse10", "GNU.sparse.realsize": String(realSize) } }]);
    const { entries, content } = parse(archive);
    expect(entries[0]).toMatchObject({ path: "/sparse10", size: realSize });
    expect(content.get("/sparse10")!.data).toEqual(expected);
    const capped = parse(archive, { keep: 10_003 });
    expect(capped.content.get("/sparse10")!.data).toEqual(expected.subarray(0, 10_003));
    expect(capped.content.get("/sparse10")!.truncated).toBe(true);
  });

  it("rejects a sparse map that does not add up", () => {
    const archive = tar([{ name: "bad", content: packed, pax: { "GNU.sparse.size": "10", "GNU.sparse.map": "0,4,2,6" } }]);
    expect(code(() => parse(archive))).toBe("INVALID_TAR");
  });
});

describe("tar reader: untrusted input", () => {
  const cases: [string, () => Uint8Array, Partial<typeof DEFAULT_LIMITS>, string][] = [
    ["a bad checksum", () => { const a = tar([{ name: "a", content: "x" }]); a[0] = 0x62; return a; }, {}, "INVALID_TAR"],
    ["a non-octal size", () => { const b = header({ name: "a", typeflag: "0", size: 0 }); b.set(bytes("zzzz"), 124); return concat([withChecksum(b), new Uint8Array(1024)]); }, {}, "INVALID_TAR"],
    ["a stream cut inside an entry", () => tar([{ name: "a", content: "x".repeat(2000) }]).subarray(0, 1200), {}, "TRUNCATED"],
    ["a stream cut inside a header", () => tar([{ name: "a", content: "x" }]).subarray(0, 300), {}, "TRUNCATED"],
    ["a malformed PAX record", () => concat([header({ name: "x", typeflag: "x", size: 8 }), pad(bytes("99 a=b\n")), tar([{ name: "a" }])]), {}, "INVALID_TAR"],
    ["a path over maxPathLength", () => tar([{ name: "a".repeat(200), pax: { path: "b".repeat(5000) } }]), {}, "LIMIT_EXCEEDED"],
    ["a path over maxPathDepth", () => tar([{ name: "x", pax: { path: "d/".repeat(50) + "f" } }]), { maxPathDepth: 20 }, "LIMIT_EXCEEDED"],
    ["a PAX header over maxHeaderBytes", () => tar([{ name: "x", pax: { comment: "c".repeat(4000) } }]), { maxHeaderBytes: 1024 }, "LIMIT_EXCEEDED"],
    ["a GNU long name over maxHeaderBytes", () => tar([{ name: "n".repeat(3000), gnuLong: true }]), { maxHeaderBytes: 1024 }, "LIMIT_EXCEEDED"],
    ["a file over maxFileBytes", () => tar([{ name: "x", content: "y".repeat(100) }]), { maxFileBytes: 10 }, "LIMIT_EXCEEDED"],
  ];
  it.each(cases)("rejects %s with a typed error", (_label, make, limits, expected) => {
    expect(code(() => parse(make(), { limits }))).toBe(expected);
  });

  it("tolerates a missing end-of-archive marker", () => {
    expect(parse(tar([{ name: "a", content: "x" }], { end: false })).entries).toHaveLength(1);
  });

  it("ignores anything after the end-of-archive marker", () => {
    const archive = concat([tar([{ name: "a", content: "x" }]), bytes("garbage after the end")]);
    expect(parse(archive).entries).toHaveLength(1);
  });

  it("treats an unknown type flag as a regular file, as POSIX says", () => {
    const { entries } = parse(tar([{ name: "vendor", type: "Z", content: "abc" }]));
    expect(entries[0]).toMatchObject({ type: "file", size: 3 });
  });

  it("lets a random-access reader skip data it does not want", () => {
    const archive = tar([{ name: "a", content: "x".repeat(3000) }, { name: "b", content: "y" }]);
    const seen: string[] = [];
    const parser = new TarParser({ onEntry: (e) => (seen.push(e.path), 0) }, DEFAULT_LIMITS);
    let at = 0;
    while (!parser.ended && at < archive.length) {
      const skip = parser.skippable();
      if (skip > 0) {
        parser.skip(skip);
        at += skip;
        continue;
      }
      parser.write(archive.subarray(at, at + 512));
      at += 512;
    }
    expect(seen).toEqual(["/a", "/b"]);
  });
});

export type { TarSpec };
