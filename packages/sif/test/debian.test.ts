import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSifImage, readSquashfsImage } from "../src/index.js";
import { testImagesDir } from "./helpers/paths.js";
import { extractAndHash, listWithUnsquashfs, sha256 } from "./helpers/reference.js";
import { DATA, writeSif } from "./helpers/sif-writer.js";

const image = join(testImagesDir(), "rootfs.squashfs");
const present = existsSync(image);
const title = present
  ? "Debian root filesystem"
  : "Debian root filesystem (skipped: rootfs.squashfs not found; run scripts/build-test-images.sh)";

let workDir: string;

/** Writes a SIF file with a definition object and `squashfs` as the primary partition, copying the image in 1 MiB pieces. */
function wrapInSif(squashfs: string, target: string): void {
  const head = writeSif([
    { dataType: DATA.deffile, data: new TextEncoder().encode("Bootstrap: debootstrap\n"), group: 1 },
    { dataType: DATA.partition, data: new Uint8Array(0), group: 1, partition: { fsType: 1, partType: 2, arch: "02" } },
  ]);
  // The partition is the last object, so its data starts where the writer's output ends.
  const view = new DataView(head.buffer);
  const partitionDescriptor = 4096 + 585;
  const out = openSync(target, "w");
  const input = openSync(squashfs, "r");
  try {
    writeSync(out, head);
    const buffer = new Uint8Array(1 << 20);
    let size = 0;
    for (;;) {
      const read = readSync(input, buffer, 0, buffer.length, null);
      if (read === 0) break;
      writeSync(out, buffer, 0, read);
      size += read;
    }
    const sizeField = new Uint8Array(8);
    new DataView(sizeField.buffer).setBigInt64(0, BigInt(size), true);
    expect(Number(view.getBigInt64(partitionDescriptor + 17, true))).toBe(head.length);
    writeSync(out, sizeField, 0, 8, partitionDescriptor + 25);
    writeSync(out, sizeField, 0, 8, partitionDescriptor + 33);
  } finally {
    closeSync(input);
    closeSync(out);
  }
}

describe.skipIf(!present)(title, () => {
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "checks-sif-debian-"));
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("listing equals unsquashfs -lln", async () => {
    const reference = listWithUnsquashfs(image);
    const data = await readSquashfsImage(image, { content: [] });
    expect(data.files.length).toBe(reference.length);
    const byPath = new Map(data.files.map((record) => [record.path, record]));
    for (const expected of reference) {
      const record = byPath.get(expected.path);
      expect(record, expected.path).toBeDefined();
      expect({ type: record!.type, mode: record!.mode, uid: record!.uid, gid: record!.gid, linkTarget: record!.linkTarget }, expected.path).toEqual({
        type: expected.type,
        mode: expected.mode,
        uid: expected.uid,
        gid: expected.gid,
        linkTarget: expected.linkTarget,
      });
      if (expected.type === "file") expect(record!.size, expected.path).toBe(expected.size);
      if (expected.device) expect(record!.device, expected.path).toEqual(expected.device);
    }
  }, 300_000);

  it("file content as SIF equals unsquashfs -d", async () => {
    const expected = extractAndHash(image, join(workDir, "extract"));
    const sif = join(workDir, "debian.sif");
    wrapInSif(image, sif);
    const data = await readSifImage(sif, { content: [{ glob: "/**", maxBytes: Number.MAX_SAFE_INTEGER }] });
    const files = data.files.filter((record) => record.type === "file");
    expect(files.length).toBe(expected.size);
    for (const record of files) expect(sha256(record.content!), record.path).toBe(expected.get(record.path));
    expect(data.singularity!.definition).toBe("Bootstrap: debootstrap\n");
    expect(data.config!.architecture).toBe("amd64");
  }, 300_000);
});
