import { join } from "node:path";
import type { ImageData } from "@checks/sdk";
import { createImageView } from "@checks/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { ImageError, openImage, readImage, type ReadProgress } from "../src/index.js";
import type { ImageLimits } from "../src/index.js";
import { blob, cleanScratch, LAYER_GZIP, LAYER_TAR, LAYER_ZSTD, scratchDir, simpleLayout, writeFile } from "./helpers/layout.js";
import { concat, gzip, tar, text, zstdRleBomb, zstdStore, type TarSpec } from "./helpers/tar.js";

afterAll(cleanScratch);

async function readLayers(specs: TarSpec[][], content: { glob: string; maxBytes: number }[], options: { rawLayers?: boolean; limits?: Partial<ImageLimits>; progress?: ReadProgress[] } = {}): Promise<ImageData> {
  const dir = scratchDir();
  simpleLayout(dir, specs.map((spec) => blob(gzip(tar(spec)), LAYER_GZIP)));
  const image = await openImage(dir, options.limits ? { limits: options.limits } : {});
  try {
    return await readImage(image, { content, rawLayers: options.rawLayers ?? false, ...(options.progress ? { onProgress: (e) => options.progress!.push(e) } : {}) });
  } finally {
    await image.close();
  }
}

const file = (data: ImageData, path: string) => data.files.find((f) => f.path === path);

describe("one pass: content only where declared", () => {
  const layer: TarSpec[] = [
    { name: "etc/passwd", content: "root:x:0:0\n" },
    { name: "etc/shadow", content: "root:*:1::::::\n" },
    { name: "usr/bin/tool", content: "B".repeat(10_000) },
  ];

  it("keeps metadata for every entry and content only for matching globs", async () => {
    const data = await readLayers([layer], [{ glob: "/etc/passwd", maxBytes: 100 }]);
    expect(text(file(data, "/etc/passwd")!.content)).toBe("root:x:0:0\n");
    expect(file(data, "/etc/shadow")!.content).toBeUndefined();
    expect(file(data, "/usr/bin/tool")).toMatchObject({ size: 10_000 });
    expect(file(data, "/usr/bin/tool")!.content).toBeUndefined();
  });

  it("caps content at the largest cap among the matching needs, and marks truncation", async () => {
    const data = await readLayers([layer], [
      { glob: "/usr/**", maxBytes: 10 },
      { glob: "/usr/bin/*", maxBytes: 300 },
      { glob: "**/tool", maxBytes: 200 },
    ]);
    expect(file(data, "/usr/bin/tool")!.content!.length).toBe(300);
    expect(file(data, "/usr/bin/tool")!.contentTruncated).toBe(true);
  });

  it("reads each layer once, with progress for each", async () => {
    const progress: ReadProgress[] = [];
    await readLayers([layer, [{ name: "etc/motd", content: "hi" }]], [{ glob: "/**", maxBytes: 10 }], { progress });
    expect(progress.map((p) => `${p.phase}:${p.layer}:${p.done}`)).toEqual(["layer:0:false", "layer:0:true", "layer:1:false", "layer:1:true"]);
    expect(progress[1]).toMatchObject({ entries: 3, layers: 2 });
  });

  it("reads once however many checks declared needs", async () => {
    const progress: ReadProgress[] = [];
    const needs = Array.from({ length: 500 }, (_, i) => ({ glob: `/opt/check-${i}/**`, maxBytes: 100 + i }));
    needs.push({ glob: "/etc/passwd", maxBytes: 5 });
    const data = await readLayers([layer, [{ name: "etc/motd", content: "hi" }]], needs, { progress });
    expect(progress.map((p) => `${p.phase}:${p.layer}:${p.done}`)).toEqual(["layer:0:false", "layer:0:true", "layer:1:false", "layer:1:true"]);
    expect(text(file(data, "/etc/passwd")!.content)).toBe("root:");
  });

  it("records a truncation, not an error, past maxContentBytes", async () => {
    const data = await readLayers([layer], [{ glob: "/**", maxBytes: 100_000 }], { limits: { maxContentBytes: 5_000 } });
    const tool = file(data, "/usr/bin/tool")!;
    expect(tool.contentTruncated).toBe(true);
    expect(data.notes?.join("\n")).toMatch(/maxContentBytes/);
  });
});

describe("content reached through links", () => {
  it("reads the target of a declared symlink, across layers, so the SDK view can follow it", async () => {
    const progress: ReadProgress[] = [];
    const data = await readLayers(
      [
        [{ name: "usr/lib/os-release", content: 'ID=debian\nVERSION_ID="12"\n' }],
        [{ name: "etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" }],
      ],
      [{ glob: "/etc/os-release", maxBytes: 4096 }],
      { progress },
    );
    expect(text(file(data, "/usr/lib/os-release")!.content)).toMatch(/ID=debian/);
    expect(progress.filter((p) => p.phase === "fill").map((p) => p.layer)).toEqual([0, 0]);
    const { view } = createImageView(data, { checkId: "t", paths: ["/**"], content: ["/etc/os-release"], maxBytes: 4096, capabilities: [] });
    expect(view.files.readText("/etc/os-release")).toMatch(/VERSION_ID="12"/);
  });

  it("collects a link's target in the first pass when the link comes first, with no second pass", async () => {
    const progress: ReadProgress[] = [];
    const data = await readLayers(
      [[{ name: "etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" }, { name: "lib", type: "symlink", linkname: "usr/lib" }, { name: "usr/lib/os-release", content: "ID=debian\n" }, { name: "usr/lib/x/libc.so", content: "ELF" }]],
      [{ glob: "/etc/os-release", maxBytes: 4096 }, { glob: "/lib/x/*.so", maxBytes: 16 }],
      { progress },
    );
    expect(text(file(data, "/usr/lib/os-release")!.content)).toBe("ID=debian\n");
    expect(text(file(data, "/usr/lib/x/libc.so")!.content)).toBe("ELF");
    expect(progress.filter((p) => p.phase === "fill")).toEqual([]);
  });

  it("reads files reached through a symlinked folder", async () => {
    const data = await readLayers(
      [[{ name: "usr/lib/x/libc.so", content: "ELF" }, { name: "lib", type: "symlink", linkname: "usr/lib" }]],
      [{ glob: "/lib/x/*.so", maxBytes: 16 }],
    );
    expect(text(file(data, "/usr/lib/x/libc.so")!.content)).toBe("ELF");
  });

  it("reads a declared hardlink's bytes from its target's entry", async () => {
    const data = await readLayers([[{ name: "usr/bin/perl", content: "#!perl" }, { name: "usr/bin/perl5", type: "hardlink", linkname: "usr/bin/perl" }]], [{ glob: "/usr/bin/perl5", maxBytes: 100 }]);
    expect(text(file(data, "/usr/bin/perl5")!.content)).toBe("#!perl");
  });

  it("skips a symlink loop and goes on", async () => {
    const data = await readLayers([[{ name: "a", type: "symlink", linkname: "b" }, { name: "b", type: "symlink", linkname: "a" }, { name: "c", content: "ok" }]], [{ glob: "/**", maxBytes: 100 }]);
    expect(text(file(data, "/c")!.content)).toBe("ok");
    expect(data.notes).toEqual(expect.arrayContaining(["Symlink loop at /a; skipped.", "Symlink loop at /b; skipped."]));
  });
});

describe("untrusted input: caps", () => {
  it("stops at maxEntries with a typed error", async () => {
    const specs = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, content: "x" }));
    const error = await readLayers([specs], [], { limits: { maxEntries: 20 } }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "maxEntries" });
  });

  it("stops a gzip bomb at the ratio cap", async () => {
    const error = await readLayers([[{ name: "zeros", content: new Uint8Array(8 * 1024 * 1024) }]], [], { limits: { ratioGraceBytes: 1024 * 1024, maxCompressionRatio: 50 } }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "maxCompressionRatio" });
  });

  it("stops a zstd bomb (RLE blocks) at the ratio cap, a slice at a time", async () => {
    const dir = scratchDir();
    const header = tar([{ name: "zeros", content: "", size: 1 << 30 }], { end: false });
    simpleLayout(dir, [blob(concat([zstdStore(header), zstdRleBomb(20_000)]), LAYER_ZSTD)]);
    const image = await openImage(dir, { limits: { ratioGraceBytes: 1024 * 1024, maxCompressionRatio: 100 } });
    const before = process.memoryUsage().rss;
    const error = await readImage(image, { content: [], rawLayers: false }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "maxCompressionRatio" });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it("stops at maxTotalBytes", async () => {
    const error = await readLayers([[{ name: "big", content: new Uint8Array(200_000) }]], [], { limits: { maxTotalBytes: 100_000 } }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "maxTotalBytes" });
  });

  it("refuses a zstd window over the cap before allocating it", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(zstdStore(tar([{ name: "a", content: "x" }]), { windowLog: 30 }), LAYER_ZSTD)]);
    const image = await openImage(dir);
    const error = await readImage(image, { content: [], rawLayers: false }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "LIMIT_EXCEEDED", limit: "maxZstdWindowBytes" });
  });

  it("reports a truncated gzip layer", async () => {
    const dir = scratchDir();
    const full = gzip(tar([{ name: "a", content: "x".repeat(100_000) }]));
    const path = writeFile(join(dir, "cut.tgz"), full.subarray(0, full.length - 200));
    const error = await openImage(path)
      .then((image) => readImage(image, { content: [], rawLayers: false }))
      .catch((e: ImageError) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).code).toBe("TRUNCATED");
  });

  it("rejects unknown limit names", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(tar([{ name: "a" }]), LAYER_TAR)]);
    const error = await openImage(dir, { limits: { maxBananas: 1 } as never }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
  });
});
