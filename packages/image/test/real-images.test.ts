/**
 * The real images built by scripts/build-test-images.sh (Debian bookworm
 * minbase, umoci, skopeo). Skipped, visibly, where they have not been built.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ImageData } from "@checks/sdk";
import { describe, expect, it } from "vitest";
import { inspectImage, openImage, readImage } from "../src/index.js";
import { REPO } from "./helpers/layout.js";

const IMAGES = process.env.CHECKS_TEST_IMAGES ?? join(REPO, ".cache", "images");
const built = existsSync(join(IMAGES, ".oci.done")) && existsSync(join(IMAGES, ".docker-archive.done"));

const NEEDS = [
  { glob: "/etc/os-release", maxBytes: 4096 },
  { glob: "/etc/{passwd,shadow,group}", maxBytes: 1 << 20 },
  { glob: "/etc/sudoers.d/*", maxBytes: 65536 },
  { glob: "/opt/app/**", maxBytes: 65536 },
  { glob: "/root/.bash_history", maxBytes: 65536 },
];

async function read(name: string): Promise<ImageData> {
  const image = await openImage(join(IMAGES, name));
  try {
    return await readImage(image, { content: NEEDS, rawLayers: true });
  } finally {
    await image.close();
  }
}

const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);

describe.skipIf(!built)(`real images in ${IMAGES}`, () => {
  it.each(["oci", "oci.tar", "docker-archive.tar", "oci-zstd"])("%s: the app layer's planted problems are all visible", async (name) => {
    const data = await read(name);
    const file = (path: string) => data.files.find((f) => f.path === path);

    expect(data.info.platform).toMatch(/^linux\//);
    expect(data.layers).toHaveLength(3);
    expect(text(file("/usr/lib/os-release")!.content)).toMatch(/ID=debian/);
    expect(file("/usr/local/bin/backup-helper")!.mode & 0o4000).toBe(0o4000);
    expect(file("/srv/uploads")).toMatchObject({ type: "directory", mode: 0o777 });
    expect(file("/usr/local/bin/net-helper")!.xattrs?.["security.capability"]).toBeInstanceOf(Uint8Array);
    expect(text(file("/opt/app/keys/id_rsa")!.content)).toMatch(/PRIVATE KEY/);
    expect(text(file("/opt/app/config.ini")!.content)).toMatch(/AKIA/);
    expect(file("/var/cache/apt/pkgcache.bin")).toBeDefined();
    expect(text(file("/root/.bash_history")!.content)).toMatch(/-p\S+/);
    expect(text(file("/etc/passwd")!.content)).toMatch(/^toor:x:0:0:/m);
    expect(text(file("/etc/shadow")!.content)).toMatch(/^app::/m);
    expect(text(file("/etc/sudoers.d/app")!.content)).toMatch(/NOPASSWD: ALL/);

    // The secret the app layer deleted is gone from the merged view, and still in layer 0.
    expect(file("/opt/app/deploy.env")).toBeUndefined();
    const deleted = data.layers![0]!.entries.find((e) => e.path === "/opt/app/deploy.env")!;
    expect(deleted.hiddenInMerged).toBe(true);
    expect(text(deleted.content)).toMatch(/DEPLOY_TOKEN=/);
    expect(data.layers![1]!.entries.some((e) => e.whiteout && e.path === "/opt/app/deploy.env")).toBe(true);

    expect(data.config?.user).toBeUndefined();
    expect(Object.keys(data.config!.env)).toContain("AWS_SECRET_ACCESS_KEY");
    expect(data.config!.history.some((h) => /curl .*\| sh/.test(h.createdBy ?? ""))).toBe(true);
  });

  it.each(["rootfs", "rootfs.tar", "rootfs.tar.gz", "rootfs.tar.zst"])("%s: reads the Debian root filesystem", async (name) => {
    const data = await read(name);
    expect(data.info.format).toBe(name === "rootfs" ? "rootfs" : "tar");
    expect(data.files.length).toBeGreaterThan(5000);
    expect(text(data.files.find((f) => f.path === "/usr/lib/os-release")!.content)).toMatch(/bookworm/);
  });

  it("inspects every format to the same layers", async () => {
    const oci = await inspectImage(join(IMAGES, "oci"));
    const docker = await inspectImage(join(IMAGES, "docker-archive.tar"));
    expect(oci.layers.map((l) => l.entries)).toEqual(docker.layers.map((l) => l.entries));
    expect(oci.layers.map((l) => l.uncompressedSize)).toEqual(docker.layers.map((l) => l.uncompressedSize));
    expect(oci.files).toBe(docker.files);
  });
});

describe.skipIf(built)("real images", () => {
  it.skip(`not built: run scripts/build-test-images.sh (output ${IMAGES})`, () => undefined);
});
