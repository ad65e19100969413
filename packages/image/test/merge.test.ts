import type { ImageData } from "@checks/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { openImage, readImage } from "../src/index.js";
import { blob, cleanScratch, LAYER_GZIP, LAYER_TAR, scratchDir, simpleLayout } from "./helpers/layout.js";
import { gzip, tar, text, type TarSpec } from "./helpers/tar.js";

afterAll(cleanScratch);

/** Builds an OCI layout from layer specs and reads it with content for every path. */
async function layers(specs: TarSpec[][], options: { rawLayers?: boolean } = {}): Promise<ImageData> {
  const dir = scratchDir();
  const blobs = specs.map((spec, i) => (i % 2 === 0 ? blob(tar(spec), LAYER_TAR) : blob(gzip(tar(spec)), LAYER_GZIP)));
  simpleLayout(dir, blobs);
  const image = await openImage(dir);
  try {
    return await readImage(image, { content: [{ glob: "/**", maxBytes: 1 << 20 }], rawLayers: options.rawLayers ?? true });
  } finally {
    await image.close();
  }
}

const paths = (data: ImageData): string[] => data.files.map((f) => f.path);
const file = (data: ImageData, path: string) => data.files.find((f) => f.path === path);

describe("merged view: whiteouts", () => {
  it("`.wh.NAME` hides NAME from the layers below and is never visible", async () => {
    const data = await layers([
      [{ name: "etc/", type: "dir" }, { name: "etc/secret", content: "s" }, { name: "etc/keep", content: "k" }],
      [{ name: "etc/.wh.secret" }],
    ]);
    expect(paths(data)).toEqual(["/", "/etc", "/etc/keep"]);
  });

  it("a whiteout deletes a whole folder from below", async () => {
    const data = await layers([[{ name: "opt/app/a", content: "1" }, { name: "opt/app/sub/b", content: "2" }], [{ name: "opt/.wh.app" }]]);
    expect(paths(data)).toEqual(["/", "/opt"]);
  });

  it("a whiteout never deletes entries of its own layer", async () => {
    const data = await layers([[{ name: "x", content: "old" }], [{ name: "x", content: "new" }, { name: ".wh.x" }]]);
    expect(text(file(data, "/x")!.content)).toBe("new");
  });

  it("`.wh..wh..opq` empties its folder of lower entries wherever it sits in the tar", async () => {
    for (const order of ["before", "after"] as const) {
      const upper: TarSpec[] = [{ name: "d/", type: "dir" }, { name: "d/new", content: "n" }];
      if (order === "before") upper.splice(1, 0, { name: "d/.wh..wh..opq" });
      else upper.push({ name: "d/.wh..wh..opq" });
      const data = await layers([[{ name: "d/old", content: "o" }, { name: "d/sub/deep", content: "o" }, { name: "other", content: "o" }], upper]);
      expect(paths(data), order).toEqual(["/", "/d", "/d/new", "/other"]);
    }
  });

  it("only the exact name `.wh..wh..opq` is opaque", async () => {
    const data = await layers([[{ name: "d/old", content: "o" }], [{ name: "d/.wh..wh..opqx" }, { name: "d/.wh..wh.plnk/1.2", content: "" }]]);
    expect(paths(data)).toEqual(["/", "/d", "/d/old"]);
  });

  it("a bare `.wh.` never deletes its parent", async () => {
    const data = await layers([[{ name: "d/f", content: "o" }], [{ name: "d/.wh." }]]);
    expect(paths(data)).toEqual(["/", "/d", "/d/f"]);
  });

  it("a folder re-created after deletion starts empty", async () => {
    const data = await layers([[{ name: "d/old", content: "o" }], [{ name: ".wh.d" }, { name: "d/", type: "dir", mode: 0o700 }, { name: "d/new", content: "n" }]]);
    expect(paths(data)).toEqual(["/", "/d", "/d/new"]);
    expect(file(data, "/d")!.mode).toBe(0o700);
  });

  it("keeps the deleted file in the raw layer view, marked hidden, with its content", async () => {
    const data = await layers([[{ name: "app/.env", content: "TOKEN=abc" }], [{ name: "app/.wh..env" }]]);
    expect(file(data, "/app/.env")).toBeUndefined();
    const lower = data.layers![0]!.entries.find((e) => e.path === "/app/.env")!;
    expect(lower.hiddenInMerged).toBe(true);
    expect(text(lower.content)).toBe("TOKEN=abc");
    expect(data.layers![1]!.entries).toEqual([expect.objectContaining({ path: "/app/.env", whiteout: true })]);
  });
});

describe("merged view: replacement", () => {
  it("a non-directory over a directory hides the whole lower subtree", async () => {
    const data = await layers([[{ name: "d/a", content: "1" }, { name: "d/b/c", content: "2" }], [{ name: "d", type: "symlink", linkname: "/elsewhere" }]]);
    expect(paths(data)).toEqual(["/", "/d"]);
    expect(file(data, "/d")!.type).toBe("symlink");
  });

  it("a directory over a directory keeps the lower children and takes the new metadata", async () => {
    const data = await layers([[{ name: "d/", type: "dir", mode: 0o755 }, { name: "d/a", content: "1" }], [{ name: "d/", type: "dir", mode: 0o777 }]]);
    expect(paths(data)).toEqual(["/", "/d", "/d/a"]);
    expect(file(data, "/d")).toMatchObject({ mode: 0o777, layer: 1 });
  });

  it("the last duplicate entry in a tar wins", async () => {
    const data = await layers([[{ name: "f", content: "first", mode: 0o600 }, { name: "f", content: "second", mode: 0o644 }]]);
    expect(file(data, "/f")).toMatchObject({ mode: 0o644, size: 6 });
    expect(text(file(data, "/f")!.content)).toBe("second");
    expect(data.layers![0]!.entries.filter((e) => e.path === "/f").map((e) => e.hiddenInMerged ?? false)).toEqual([true, false]);
  });

  it("creates missing parent folders, replacing a lower symlink as overlayfs shows it", async () => {
    const data = await layers([[{ name: "bin", type: "symlink", linkname: "usr/bin" }, { name: "usr/bin/sh", content: "x" }], [{ name: "bin/extra", content: "y" }]]);
    expect(file(data, "/bin")).toMatchObject({ type: "directory", layer: 1 });
    expect(paths(data)).toContain("/bin/extra");
    expect(paths(data)).toContain("/usr/bin/sh");
  });

  it("records which layer last wrote each entry", async () => {
    const data = await layers([[{ name: "a", content: "1" }, { name: "b", content: "1" }], [{ name: "b", content: "2" }]]);
    expect(file(data, "/a")!.layer).toBe(0);
    expect(file(data, "/b")!.layer).toBe(1);
  });
});

describe("merged view: hardlinks", () => {
  it("binds to the target's content as of that layer, and reports every name", async () => {
    const data = await layers([
      [{ name: "usr/bin/perl", content: "v1", mode: 0o755 }, { name: "usr/bin/perl5", type: "hardlink", linkname: "./usr/bin/perl" }, { name: "usr/bin/perl5.36", type: "hardlink", linkname: "/usr/bin/perl5" }],
      [{ name: "usr/bin/perl", content: "v2-longer" }],
    ]);
    expect(text(file(data, "/usr/bin/perl")!.content)).toBe("v2-longer");
    expect(file(data, "/usr/bin/perl")!.hardlinks).toBeUndefined();
    // The chain perl5.36 -> perl5 -> perl is followed; both keep layer 0's bytes.
    for (const name of ["/usr/bin/perl5", "/usr/bin/perl5.36"]) {
      expect(file(data, name)).toMatchObject({ type: "file", mode: 0o755, size: 2 });
      expect(text(file(data, name)!.content)).toBe("v1");
    }
    expect(file(data, "/usr/bin/perl5")!.hardlinks).toEqual(["/usr/bin/perl5.36"]);
    expect(file(data, "/usr/bin/perl5.36")!.hardlinks).toEqual(["/usr/bin/perl5"]);
  });

  it("lists all names of one file on each of them", async () => {
    const data = await layers([[{ name: "a", content: "x" }, { name: "b", type: "hardlink", linkname: "a" }, { name: "c", type: "hardlink", linkname: "a" }]]);
    expect(file(data, "/a")!.hardlinks).toEqual(["/b", "/c"]);
    expect(file(data, "/c")!.hardlinks).toEqual(["/a", "/b"]);
  });

  it("binds to a target in a lower layer", async () => {
    const data = await layers([[{ name: "a", content: "lower" }], [{ name: "b", type: "hardlink", linkname: "a" }]]);
    expect(text(file(data, "/b")!.content)).toBe("lower");
    expect(file(data, "/b")!.layer).toBe(1);
  });

  it("keeps a hardlink to a missing target as an empty file, with a note", async () => {
    const data = await layers([[{ name: "b", type: "hardlink", linkname: "missing" }]]);
    expect(file(data, "/b")).toMatchObject({ type: "file", size: 0 });
    expect(data.notes?.join("\n")).toMatch(/hardlink \/b points to \/missing/);
  });
});

describe("merged view: every entry", () => {
  it("includes every folder, implicit ones too, and the root", async () => {
    const data = await layers([[{ name: "a/b/c/file", content: "x" }]]);
    expect(paths(data)).toEqual(["/", "/a", "/a/b", "/a/b/c", "/a/b/c/file"]);
    expect(file(data, "/a/b")!.type).toBe("directory");
  });
});
