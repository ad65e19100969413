/**
 * SIF images and bare squashfs files go to @checks/sif. Real SIF files come
 * from $CHECKS_SHARED_IMAGES/sif, else ../shared/images/sif beside the
 * repository; the squashfs file from the test images.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSifReader } from "../src/delegate.js";
import { ImageError, inspectImage, openImage, readImage } from "../src/index.js";
import { REPO } from "./helpers/layout.js";

const shared = join(process.env.CHECKS_SHARED_IMAGES ?? join(REPO, "..", "shared", "images"), "sif");
const images = process.env.CHECKS_TEST_IMAGES ?? join(REPO, ".cache", "images");
const reader = await loadSifReader();

describe.skipIf(!reader || !existsSync(shared))("SIF through @checks/sif", () => {
  it("reads the primary partition of a real SIF file, with content for declared paths", async () => {
    const image = await openImage(join(shared, "one-group.sif"));
    expect(image.info.format).toBe("sif");
    const data = await readImage(image, { content: [{ glob: "/hello.txt", maxBytes: 100 }], rawLayers: true });
    expect(data.info).toMatchObject({ format: "sif", platform: "linux/386" });
    expect(data.files.find((f) => f.path === "/hello.txt")?.content).toBeInstanceOf(Uint8Array);
  });

  it("inspects a signed SIF file: header, objects and its one layer", async () => {
    const inspection = await inspectImage(join(shared, "two-groups-signed-pgp.sif"));
    expect(inspection).toMatchObject({ format: "sif", platform: "linux/386", files: 2 });
    expect(inspection.layers).toHaveLength(1);
    expect((inspection.sif as { signed: boolean }).signed).toBe(true);
  });

  it("inspects a SIF file without a root filesystem, and says why it cannot be read", async () => {
    const path = join(shared, "one-object-oci-blob.sif");
    const inspection = await inspectImage(path);
    expect(inspection.files).toBe(0);
    expect(inspection.notes.join("\n")).toMatch(/no primary system partition/);
    const error = await openImage(path).then((image) => readImage(image, { content: [], rawLayers: false })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNSUPPORTED_FORMAT" });
  });
});

describe.skipIf(!reader || !existsSync(join(images, "rootfs.squashfs")))("squashfs through @checks/sif", () => {
  it("reads a bare squashfs file and follows /etc/os-release to its target", async () => {
    const image = await openImage(join(images, "rootfs.squashfs"));
    const data = await readImage(image, { content: [{ glob: "/etc/os-release", maxBytes: 4096 }], rawLayers: false });
    expect(data.info.format).toBe("squashfs");
    expect(new TextDecoder().decode(data.files.find((f) => f.path === "/usr/lib/os-release")!.content)).toMatch(/bookworm/);
  });
});

describe.skipIf(!!reader)("SIF without @checks/sif", () => {
  it("says clearly that SIF needs @checks/sif", async () => {
    if (!existsSync(shared)) return;
    const error = await openImage(join(shared, "one-group.sif")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect(error).toMatchObject({ code: "UNSUPPORTED_FORMAT" });
    expect((error as Error).message).toMatch(/SIF/);
  });
});
