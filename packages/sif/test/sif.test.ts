import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectSif, isSif, isSquashfs, readSifImage, SifError, type SifSummary } from "../src/index.js";
import { sharedSifDir } from "./helpers/paths.js";
import { DATA, writeSif, type SifObjectInput } from "./helpers/sif-writer.js";
import { mksquashfs, writeSingularityDir } from "./helpers/tree.js";

const DEFINITION = "Bootstrap: docker\nFrom: debian:bookworm\n\n%post\n    apt-get update\n";
const FINGERPRINT = Uint8Array.from({ length: 20 }, (_, i) => i + 1);

let workDir: string;
let squashfs: Uint8Array;

function clearSigned(hash: string): Uint8Array {
  return new TextEncoder().encode(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: ${hash}\n\n{"version":1}\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n`);
}

function partition(data: Uint8Array, fsType: number, partType: number, group = 1): SifObjectInput {
  return { dataType: DATA.partition, data, group, partition: { fsType, partType, arch: "02" } };
}

function writeImage(name: string, objects: readonly SifObjectInput[]): string {
  const path = join(workDir, name);
  writeFileSync(path, writeSif(objects));
  return path;
}

async function sifErrorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SifError);
    return (error as SifError).code;
  }
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "checks-sif-"));
  const tree = join(workDir, "tree");
  mkdirSync(join(tree, "etc"), { recursive: true });
  writeFileSync(join(tree, "etc", "os-release"), "ID=debian\n");
  writeSingularityDir(tree);
  const image = join(workDir, "rootfs.squashfs");
  mksquashfs(tree, image, ["-comp", "zstd", "-processors", "1"]);
  squashfs = readFileSync(image);
}, 60_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("magic checks", () => {
  it("isSif accepts a SIF header", () => {
    expect(isSif(writeSif([]))).toBe(true);
  });

  it("isSif rejects a squashfs image", () => {
    expect(isSif(squashfs)).toBe(false);
  });

  it("isSquashfs accepts a squashfs superblock", () => {
    expect(isSquashfs(squashfs.subarray(0, 96))).toBe(true);
  });

  it("isSquashfs rejects a SIF header", () => {
    expect(isSquashfs(writeSif([]))).toBe(false);
  });
});

describe("readSifImage", () => {
  let path: string;

  beforeAll(() => {
    path = writeImage("full.sif", [
      { dataType: DATA.deffile, data: new TextEncoder().encode(DEFINITION), group: 1 },
      { dataType: DATA.labels, data: new TextEncoder().encode('{"from.sif.object":"yes","maintainer":"overridden"}'), group: 1 },
      { dataType: DATA.environment, data: new TextEncoder().encode("export FROM_SIF_OBJECT=1\n"), group: 1 },
      partition(squashfs, 1, 2),
      { dataType: DATA.signature, data: clearSigned("SHA256"), link: { id: 1, group: true }, signature: { hashType: 1, fingerprint: FINGERPRINT } },
      { dataType: DATA.signature, data: clearSigned("SHA1"), link: { id: 4, group: false }, signature: { hashType: 1 } },
    ]);
  });

  it("lists the partition's files", async () => {
    const data = await readSifImage(path, { content: [{ glob: "/etc/os-release", maxBytes: 1024 }] });
    expect(data.info.format).toBe("sif");
    expect(data.info.platform).toBe("linux/amd64");
    const osRelease = data.files.find((record) => record.path === "/etc/os-release")!;
    expect(new TextDecoder().decode(osRelease.content)).toBe("ID=debian\n");
    expect(data.files.find((record) => record.path === "/.singularity.d/runscript")!.content).toBeUndefined();
    expect(data.layers).toHaveLength(1);
    expect(data.layers![0]!.entries).toHaveLength(data.files.length);
  });

  it("collects Singularity metadata", async () => {
    const { singularity } = await readSifImage(path, { content: [] });
    expect(singularity!.definition).toBe(DEFINITION);
    expect(singularity!.runscript).toContain("exec /usr/bin/python3");
    expect(singularity!.startscript).toContain("sshd");
    expect(singularity!.test).toContain("--version");
    expect(Object.keys(singularity!.environmentScripts)).toEqual([
      "/.singularity.d/env/01-base.sh",
      "/.singularity.d/env/10-docker2singularity.sh",
      "/.singularity.d/env/90-environment.sh",
    ]);
    expect(singularity!.environment).toEqual({
      FROM_SIF_OBJECT: "1",
      LANG: "en_US.UTF-8",
      PATH: "/usr/local/bin:/usr/bin:/bin",
      API_TOKEN: "s3cr3t",
      GREETING: "hello world",
    });
    expect(singularity!.labels).toEqual({
      "from.sif.object": "yes",
      maintainer: "ops@example.org",
      "org.label-schema.build-size": "12MB",
      build: "7",
    });
    expect(Object.keys(singularity!.actions).sort()).toEqual(["exec", "run", "run-link"]);
    expect(singularity!.actions["run-link"]).toBe(singularity!.runscript);
  });

  it("records signatures without verifying them", async () => {
    const { singularity } = await readSifImage(path, { content: [] });
    expect(singularity!.signed).toBe(true);
    expect(singularity!.signatures).toEqual([
      {
        hashAlgorithm: "sha256",
        weakAlgorithm: false,
        covers: ["group:1", "object:1", "object:2", "object:3", "object:4"],
        fingerprint: "0102030405060708090A0B0C0D0E0F1011121314",
        verified: false,
      },
      { hashAlgorithm: "sha256", weakAlgorithm: true, covers: ["object:4"], verified: false },
    ]);
  });

  it("derives an image config", async () => {
    const { config } = await readSifImage(path, { content: [] });
    expect(config!.env.API_TOKEN).toBe("s3cr3t");
    expect(config!.labels.maintainer).toBe("ops@example.org");
    expect(config!.cmd).toEqual(["/.singularity.d/runscript"]);
    expect(config!.user).toBeUndefined();
    expect(config!.architecture).toBe("amd64");
    expect(config!.created).toBe("2023-11-14T22:13:20.000Z");
  });

  it("reports an unsigned image as unsigned", async () => {
    const unsigned = writeImage("unsigned.sif", [partition(squashfs, 1, 2)]);
    const { singularity } = await readSifImage(unsigned, { content: [] });
    expect(singularity!.signed).toBe(false);
    expect(singularity!.signatures).toEqual([]);
    expect(singularity!.definition).toContain("%environment");
  });
});

describe("SIF partitions", () => {
  it.each([
    ["ext3", 2],
    ["raw", 4],
    ["encrypted-squashfs", 5],
  ])("rejects a primary %s partition", async (name, fsType) => {
    const path = writeImage(`primary-${name}.sif`, [partition(new Uint8Array(4096), fsType, 2)]);
    const error = await readSifImage(path, { content: [] }).catch((caught: unknown) => caught as SifError);
    expect(error).toBeInstanceOf(SifError);
    expect((error as SifError).code).toBe("UNSUPPORTED_PARTITION_TYPE");
    expect((error as SifError).message).toContain(name);
  });

  it("reads squashfs beside an ext3 data partition", async () => {
    const path = writeImage("with-ext3-data.sif", [partition(new Uint8Array(4096), 2, 3, 2), partition(squashfs, 1, 2)]);
    const data = await readSifImage(path, { content: [] });
    expect(data.files.some((record) => record.path === "/etc/os-release")).toBe(true);
  });

  it("rejects an image without a primary partition", async () => {
    const path = writeImage("data-only.sif", [partition(squashfs, 1, 3)]);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("NO_PRIMARY_PARTITION");
  });
});

describe("SIF header and descriptor errors", () => {
  it("rejects a file without the SIF magic", async () => {
    const path = join(workDir, "not-a-sif");
    writeFileSync(path, squashfs);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("NOT_SIF");
  });

  it("rejects SIF version 02", async () => {
    const bytes = writeSif([partition(squashfs, 1, 2)]);
    bytes[43] = "2".charCodeAt(0);
    const path = join(workDir, "version-02.sif");
    writeFileSync(path, bytes);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("UNSUPPORTED_VERSION");
  });

  it("rejects a cut-off descriptor table", async () => {
    const path = join(workDir, "cut.sif");
    writeFileSync(path, writeSif([partition(squashfs, 1, 2)]).subarray(0, 6000));
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("TRUNCATED");
  });

  it("rejects an object past the end of the file", async () => {
    const bytes = writeSif([partition(squashfs, 1, 2)]);
    new DataView(bytes.buffer).setBigInt64(4096 + 25, BigInt(bytes.length), true);
    const path = join(workDir, "object-past-end.sif");
    writeFileSync(path, bytes);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("INVALID_DESCRIPTOR");
  });

  it("rejects two objects with one id", async () => {
    const path = writeImage("duplicate-id.sif", [
      { dataType: DATA.generic, data: new Uint8Array(4), id: 7 },
      { ...partition(squashfs, 1, 2), id: 7 },
    ]);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("INVALID_DESCRIPTOR");
  });

  it("rejects an absurd descriptor count", async () => {
    const bytes = writeSif([partition(squashfs, 1, 2)]);
    new DataView(bytes.buffer).setBigInt64(88, 1n << 40n, true);
    const path = join(workDir, "descriptor-count.sif");
    writeFileSync(path, bytes);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("INVALID_HEADER");
  });

  it("reports a missing file as READ_FAILED", async () => {
    expect(await sifErrorCode(readSifImage(join(workDir, "missing.sif"), { content: [] }))).toBe("READ_FAILED");
  });
});

describe("inspectSif", () => {
  let summary: SifSummary;

  beforeAll(async () => {
    const path = writeImage("every-type.sif", [
      { dataType: DATA.deffile, data: new TextEncoder().encode(DEFINITION), group: 1, name: "definition" },
      { dataType: DATA.environment, data: new TextEncoder().encode("A=1\n"), group: 1 },
      { dataType: DATA.labels, data: new TextEncoder().encode("{}"), group: 1 },
      partition(squashfs, 1, 2),
      { dataType: DATA.signature, data: clearSigned("SHA512"), link: { id: 1, group: true }, signature: { hashType: 3, fingerprint: FINGERPRINT } },
      { dataType: DATA.genericJson, data: new TextEncoder().encode("{}") },
      { dataType: DATA.generic, data: new Uint8Array(3) },
      { dataType: DATA.cryptoMessage, data: new Uint8Array(3) },
      { dataType: DATA.sbom, data: new TextEncoder().encode("{}") },
      { dataType: DATA.ociRootIndex, data: new TextEncoder().encode("{}") },
      { dataType: DATA.ociBlob, data: new TextEncoder().encode("{}") },
      { dataType: DATA.generic, data: new Uint8Array(3), unused: true },
    ]);
    // Extra fields the writer does not set: crypto message format/type, SBOM format, OCI digest.
    const bytes = readFileSync(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const extra = (index: number) => 4096 + index * 585 + 201;
    view.setInt32(extra(7), 1, true);
    view.setInt32(extra(7) + 4, 0x100, true);
    view.setInt32(extra(8), 4, true);
    bytes.set(new TextEncoder().encode("sha256:" + "ab".repeat(32)), extra(10));
    writeFileSync(path, bytes);
    summary = await inspectSif(path);
  });

  it("lists every used object by type", () => {
    expect(summary.objects.map((object) => object.typeName)).toEqual([
      "definition-file",
      "environment",
      "labels",
      "partition",
      "signature",
      "generic-json",
      "generic",
      "crypto-message",
      "sbom",
      "oci-root-index",
      "oci-blob",
    ]);
  });

  it("describes partitions and signatures", () => {
    expect(summary.primaryPartition).toBe(4);
    expect(summary.objects[3]!.partition).toEqual({ fs: "squashfs", type: "primary-system", architecture: "amd64" });
    expect(summary.objects[4]!.signature).toMatchObject({
      hashAlgorithm: "sha512",
      messageHashAlgorithm: "sha512",
      format: "pgp-clearsign",
      covers: ["group:1", "object:1", "object:2", "object:3", "object:4"],
      verified: false,
    });
    expect(summary.objects[4]!.link).toBe("group:1");
    expect(summary.signed).toBe(true);
    expect(summary.signaturesVerified).toBe(false);
  });

  it("describes type-specific fields", () => {
    expect(summary.objects[7]!.cryptoMessage).toEqual({ format: "openpgp", message: "clear-signature" });
    expect(summary.objects[8]!.sbom).toEqual({ format: "spdx-json" });
    expect(summary.objects[10]!.ociBlob).toEqual({ digest: "sha256:" + "ab".repeat(32) });
    expect(summary.objects[0]!.name).toBe("definition");
  });

  it("summarizes the squashfs superblock", () => {
    expect(summary.squashfs).toMatchObject({ compression: "zstd", blockSize: 131072 });
  });

  it("is JSON-serializable", () => {
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

const sharedDir = sharedSifDir();

const sharedTitle =
  sharedDir === undefined ? "real SIF files (skipped: neither $CHECKS_SHARED_IMAGES/sif nor ../shared/images/sif exists)" : "real SIF files from sylabs/sif";

describe.skipIf(sharedDir === undefined)(sharedTitle, () => {
  it("reads one-group.sif", async () => {
    const data = await readSifImage(join(sharedDir!, "one-group.sif"), { content: [{ glob: "/hello.txt", maxBytes: 100 }] });
    expect(data.files.map((record) => record.path)).toEqual(["/", "/hello.txt"]);
    expect(new TextDecoder().decode(data.files[1]!.content)).toBe("Hello from Sylabs!\n");
    expect(data.info.platform).toBe("linux/386");
  });

  it("reads signatures of two-groups-signed-pgp.sif", async () => {
    const path = join(sharedDir!, "two-groups-signed-pgp.sif");
    const data = await readSifImage(path, { content: [] });
    expect(data.singularity!.signed).toBe(true);
    expect(data.singularity!.signatures.map((signature) => signature.covers)).toEqual([
      ["group:1", "object:1", "object:2"],
      ["group:2", "object:3"],
    ]);
    const summary = await inspectSif(path);
    expect(summary.objects.map((object) => object.partition?.fs ?? object.typeName)).toEqual(["raw", "squashfs", "ext3", "signature", "signature"]);
    expect(summary.objects[3]!.signature!.fingerprint).toBe("12045C8C0B1004D058DE4BEDA20C27EE7FF7BA84");
  });

  it("inspects one-object-oci-blob.sif and rejects reading it", async () => {
    const path = join(sharedDir!, "one-object-oci-blob.sif");
    const summary = await inspectSif(path);
    expect(summary.objects).toHaveLength(1);
    expect(summary.objects[0]!.ociBlob!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await sifErrorCode(readSifImage(path, { content: [] }))).toBe("NO_PRIMARY_PARTITION");
  });
});
