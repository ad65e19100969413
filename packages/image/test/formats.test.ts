import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ImageError, inspectImage, openImage, readImage } from "../src/index.js";
import {
  blob,
  cleanScratch,
  configBlob,
  descriptorOf,
  filesTar,
  imageManifest,
  json,
  LAYER_GZIP,
  LAYER_TAR,
  LAYER_ZSTD,
  OCI_INDEX,
  scratchDir,
  sha256,
  simpleLayout,
  writeFile,
  writeLayout,
} from "./helpers/layout.js";
import { bytes, gzip, tar, text, zstdStore } from "./helpers/tar.js";

afterAll(cleanScratch);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImageError) return error.code;
    throw error;
  }
  return undefined;
}

async function read(ref: string, options: { platform?: string } = {}) {
  const image = await openImage(ref, options);
  try {
    return { image, data: await readImage(image, { content: [{ glob: "/**", maxBytes: 4096 }], rawLayers: true }) };
  } finally {
    await image.close();
  }
}

const layerA = filesTar({ "etc/os-release": "ID=test\n", "etc/a": "a" });
const layerB = filesTar({ "etc/b": "b" }, { dotSlash: true });
const layerC = filesTar({ "etc/c": "c" });

describe("formats are detected from content, never the file name", () => {
  it.each([
    ["plain tar", (d: Uint8Array) => d],
    ["gzip tar", gzip],
    ["zstd tar", (d: Uint8Array) => zstdStore(d)],
  ])("reads a %s whatever its name", async (_label, encode) => {
    const path = writeFile(join(scratchDir(), "misleading.zip"), encode(layerA));
    const { image, data } = await read(path);
    expect(image.info.format).toBe("tar");
    expect(text(data.files.find((f) => f.path === "/etc/os-release")!.content)).toBe("ID=test\n");
  });

  it("reads a root filesystem folder", async () => {
    const dir = scratchDir();
    writeFile(join(dir, "etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    symlinkSync("../etc/passwd", join(dir, "etc/passwd-link"));
    mkdirSync(join(dir, "tmp"), { mode: 0o777 });
    const { image, data } = await read(dir);
    expect(image.info.format).toBe("rootfs");
    expect(data.files.find((f) => f.path === "/etc/passwd-link")).toMatchObject({ type: "symlink", linkTarget: "../etc/passwd" });
    expect(text(data.files.find((f) => f.path === "/etc/passwd")!.content)).toMatch(/^root/);
  });

  it.each([
    ["random bytes", bytes("this is not an image at all, just text ".repeat(20)), "UNSUPPORTED_FORMAT"],
    ["bzip2", bytes("BZh91AY&SY" + "x".repeat(600)), "UNSUPPORTED_COMPRESSION"],
    ["xz", new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...new Array(600).fill(1)]), "UNSUPPORTED_COMPRESSION"],
  ])("rejects %s with a typed error", async (_label, data, expected) => {
    const path = writeFile(join(scratchDir(), "image.tar"), data);
    expect(await codeOf(openImage(path))).toBe(expected);
  });

  it("says a path that does not exist is NOT_FOUND", async () => {
    expect(await codeOf(openImage(join(scratchDir(), "nope")))).toBe("NOT_FOUND");
  });
});

describe("OCI image layout", () => {
  it("mixes plain, gzip and zstd layers in one image, each chosen per layer", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(layerA, LAYER_TAR), blob(gzip(layerB), LAYER_GZIP), blob(zstdStore(layerC), LAYER_ZSTD)], { config: { User: "app" } });
    const { image, data } = await read(dir);
    expect(image.info.format).toBe("oci-layout");
    expect(image.layers.map((l) => l.compression)).toEqual(["none", "gzip", "zstd"]);
    expect(data.files.map((f) => f.path)).toEqual(["/", "/etc", "/etc/a", "/etc/b", "/etc/c", "/etc/os-release"]);
    expect(image.config?.user).toBe("app");
  });

  it("trusts magic bytes over a media type that names no compression", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(gzip(layerA), LAYER_TAR)]);
    const { image } = await read(dir);
    expect(image.layers[0]!.compression).toBe("gzip");
  });

  it("rejects a layer whose media type promises gzip that is not there", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(layerA, LAYER_GZIP)]);
    const image = await openImage(dir).catch((e) => e);
    expect(image instanceof ImageError ? image.code : "opened").toBe("DECOMPRESSION_FAILED");
  });

  it("verifies blob digests while streaming and names the blob", async () => {
    const dir = scratchDir();
    const layer = blob(gzip(layerA), LAYER_GZIP);
    simpleLayout(dir, [layer]);
    const tampered = gzip(filesTar({ "etc/os-release": "ID=evil\n", "etc/a": "a" }));
    writeFileSync(join(dir, "blobs/sha256", layer.digest.slice(7)), tampered);
    const image = await openImage(dir);
    const error = await readImage(image, { content: [], rawLayers: false }).catch((e: ImageError) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).code).toMatch(/DIGEST_MISMATCH|SIZE_MISMATCH/);
    expect((error as ImageError).message).toContain(layer.digest);
  });

  it("verifies the digest of same-size tampering", async () => {
    const dir = scratchDir();
    const layer = blob(layerA, LAYER_TAR);
    simpleLayout(dir, [layer]);
    const tampered = Uint8Array.from(layer.data);
    tampered[600] = tampered[600]! ^ 1;
    writeFileSync(join(dir, "blobs/sha256", layer.digest.slice(7)), tampered);
    const image = await openImage(dir);
    const error = await readImage(image, { content: [], rawLayers: false }).catch((e: ImageError) => e);
    expect((error as ImageError).code).toBe("DIGEST_MISMATCH");
    expect((error as ImageError).file).toBe(layer.digest);
  });

  it.each([
    ["path traversal", "sha256:../../../../etc/passwd"],
    ["upper-case hex", "sha256:" + "A".repeat(64)],
    ["an unsupported algorithm", "md5:" + "a".repeat(32)],
    ["a short digest", "sha256:abc"],
  ])("validates digest strings before they become paths (%s)", async (_label, digest) => {
    const dir = scratchDir();
    writeLayout(dir, [], [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: 10 }]);
    expect(await codeOf(openImage(dir))).toBe("INVALID_DIGEST");
  });

  it("refuses a blob that is a symlink leading out of the layout", async () => {
    const dir = scratchDir();
    const layer = blob(layerA, LAYER_TAR);
    simpleLayout(dir, [layer]);
    const outside = writeFile(join(scratchDir(), "host-file"), layer.data);
    const target = join(dir, "blobs/sha256", layer.digest.slice(7));
    rmSync(target);
    symlinkSync(outside, target);
    expect(await codeOf(openImage(dir))).toBe("UNREADABLE");
  });

  it("names a missing blob", async () => {
    const dir = scratchDir();
    const layer = blob(layerA, LAYER_TAR);
    const cfg = configBlob();
    const manifest = imageManifest([layer], cfg);
    writeLayout(dir, [cfg, manifest], [descriptorOf(manifest)]);
    const error = await openImage(dir).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "MISSING_BLOB", file: layer.digest });
  });

  function multiPlatform(dir: string, options: { attestation?: boolean; nested?: boolean } = {}) {
    const images = [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64", variant: "v8" },
      { os: "linux", architecture: "arm", variant: "v7" },
    ].map((platform) => {
      const layer = blob(filesTar({ "etc/platform": `${platform.architecture}${platform.variant ?? ""}` }), LAYER_TAR);
      const cfg = configBlob({ ...platform });
      const manifest = imageManifest([layer], cfg);
      return { platform, layer, cfg, manifest };
    });
    const entries: Record<string, unknown>[] = images.map(({ platform, manifest }) => descriptorOf(manifest, { platform }));
    const extra = [];
    if (options.attestation) {
      const att = blob(json({ schemaVersion: 2, layers: [] }), "application/vnd.oci.image.manifest.v1+json");
      extra.push(att);
      entries.push(descriptorOf(att, { platform: { os: "unknown", architecture: "unknown" }, annotations: { "vnd.docker.reference.type": "attestation-manifest" } }));
    }
    const blobs = [...images.flatMap((i) => [i.layer, i.cfg, i.manifest]), ...extra];
    if (options.nested) {
      const inner = blob(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }), OCI_INDEX);
      const outer = blob(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptorOf(inner)] }), OCI_INDEX);
      writeLayout(dir, [...blobs, inner, outer], [descriptorOf(outer, { annotations: { "org.opencontainers.image.ref.name": "multi" } })]);
    } else {
      writeLayout(dir, blobs, entries);
    }
  }

  it.each([
    ["linux/arm64", "arm64v8"],
    ["linux/arm/v7", "armv7"],
    ["linux/amd64", "amd64"],
  ])("selects platform %s through nested indexes, skipping attestations", async (platform, expected) => {
    const dir = scratchDir();
    multiPlatform(dir, { attestation: true, nested: true });
    const { image, data } = await read(dir, { platform });
    expect(image.info.platform).toBe(platform === "linux/arm64" ? "linux/arm64/v8" : platform);
    expect(text(data.files.find((f) => f.path === "/etc/platform")!.content)).toBe(expected);
  });

  it("defaults to the host's platform", async () => {
    const dir = scratchDir();
    multiPlatform(dir);
    const image = await openImage(dir);
    const host = process.arch === "x64" ? "linux/amd64" : process.arch === "arm64" ? "linux/arm64/v8" : undefined;
    if (host) expect(image.info.platform).toBe(host);
  });

  it("lists the available platforms when the requested one is missing", async () => {
    const dir = scratchDir();
    multiPlatform(dir, { attestation: true });
    const error = (await openImage(dir, { platform: "linux/s390x" }).catch((e: ImageError) => e)) as ImageError;
    expect(error).toMatchObject({ code: "PLATFORM_NOT_FOUND", available: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"] });
    expect(error.message).toContain("linux/arm/v7");
  });

  it("selects an image by tag and lists the tags when one is missing", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(layerA, LAYER_TAR)], {}, "v1");
    expect((await openImage(`${dir}:v1`)).info.format).toBe("oci-layout");
    expect(await openImage(`oci:${dir}:v1`).then((i) => i.info.digest)).toMatch(/^sha256:/);
    const error = await openImage(`${dir}:v2`).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "REFERENCE_NOT_FOUND", available: ["v1"] });
  });

  it.each([
    ["with ./ member names", true],
    ["without ./ member names", false],
  ])("reads an OCI layout as a tar %s", async (_label, dotSlash) => {
    const dir = scratchDir();
    const layer = blob(gzip(layerA), LAYER_GZIP);
    const { manifest, config } = simpleLayout(dir, [layer]);
    const files: Record<string, Uint8Array | string> = {
      "oci-layout": readFileSync(join(dir, "oci-layout")),
      "index.json": readFileSync(join(dir, "index.json")),
    };
    for (const b of [layer, manifest, config]) files[`blobs/sha256/${b.digest.slice(7)}`] = b.data;
    const path = writeFile(join(scratchDir(), "image.bin"), filesTar(files, { dotSlash }));
    const { image, data } = await read(path);
    expect(image.info.format).toBe("oci-archive");
    expect(data.files.some((f) => f.path === "/etc/os-release")).toBe(true);
  });

  it("reads a gzip-compressed OCI archive", async () => {
    const dir = scratchDir();
    const layer = blob(layerA, LAYER_TAR);
    const { manifest, config } = simpleLayout(dir, [layer]);
    const files: Record<string, Uint8Array | string> = { "oci-layout": readFileSync(join(dir, "oci-layout")), "index.json": readFileSync(join(dir, "index.json")) };
    for (const b of [layer, manifest, config]) files[`blobs/sha256/${b.digest.slice(7)}`] = b.data;
    const path = writeFile(join(scratchDir(), "image.tgz"), gzip(filesTar(files)));
    const { image, data } = await read(path);
    expect(image.info.format).toBe("oci-archive");
    expect(data.files.some((f) => f.path === "/etc/a")).toBe(true);
  });
});

describe("caps on manifests and archives", () => {
  it("caps nested indexes at maxIndexDepth", async () => {
    const dir = scratchDir();
    const layer = blob(layerA, LAYER_TAR);
    const cfg = configBlob();
    const manifest = imageManifest([layer], cfg);
    let top = blob(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptorOf(manifest)] }), OCI_INDEX);
    const blobs = [layer, cfg, manifest, top];
    for (let i = 0; i < 4; i++) {
      top = blob(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptorOf(top)] }), OCI_INDEX);
      blobs.push(top);
    }
    writeLayout(dir, blobs, [descriptorOf(top)]);
    expect((await openImage(dir)).info.format).toBe("oci-layout");
    expect(await openImage(dir, { limits: { maxIndexDepth: 3 } }).catch((e: ImageError) => e.limit)).toBe("maxIndexDepth");
  });

  it("caps layers at maxLayers and documents at maxJsonBytes", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(layerA, LAYER_TAR), blob(layerB, LAYER_TAR), blob(layerC, LAYER_TAR)]);
    expect(await openImage(dir, { limits: { maxLayers: 2 } }).catch((e: ImageError) => e.limit)).toBe("maxLayers");
    expect(await openImage(dir, { limits: { maxJsonBytes: 100 } }).catch((e: ImageError) => e.limit)).toBe("maxJsonBytes");
  });

  it("caps the members of an outer archive at maxArchiveMembers", async () => {
    const files: Record<string, string> = { "manifest.json": "[]" };
    for (let i = 0; i < 50; i++) files[`blobs/sha256/${i}`] = "x";
    const path = writeFile(join(scratchDir(), "many.tar"), filesTar(files));
    expect(await openImage(path, { limits: { maxArchiveMembers: 20 } }).catch((e: ImageError) => e.limit)).toBe("maxArchiveMembers");
  });
});

describe("docker save archives", () => {
  const config = (layers: Uint8Array[]) =>
    json({
      architecture: "amd64",
      os: "linux",
      config: { Env: ["PATH=/usr/bin", "API_TOKEN=x"], Cmd: ["/bin/sh"], ExposedPorts: { "80/tcp": {} } },
      rootfs: { type: "layers", diff_ids: layers.map((l) => sha256(l)) },
      history: [{ created_by: "/bin/sh -c #(nop) ADD file:abc in /" }, { created_by: "/bin/sh -c curl https://example.com/x | sh" }, { created_by: "ENV A=b", empty_layer: true }],
    });

  it("reads the legacy layout (<id>/layer.tar) and verifies layers by diff_id", async () => {
    const cfg = config([layerA, layerB]);
    const cfgName = `${sha256(cfg).slice(7)}.json`;
    const manifest = [{ Config: cfgName, RepoTags: ["example/app:1.0"], Layers: ["aaa/layer.tar", "bbb/layer.tar"] }];
    const path = writeFile(join(scratchDir(), "legacy.tar"), filesTar({ [cfgName]: cfg, "aaa/layer.tar": layerA, "aaa/VERSION": "1.0", "bbb/layer.tar": layerB, "manifest.json": json(manifest), repositories: "{}" }));
    const { image, data } = await read(`${path}:example/app:1.0`);
    expect(image.info).toMatchObject({ format: "docker-archive", digest: sha256(cfg), platform: "linux/amd64" });
    expect(image.layers.map((l) => l.createdBy)).toEqual(["/bin/sh -c #(nop) ADD file:abc in /", "/bin/sh -c curl https://example.com/x | sh"]);
    expect(image.config?.env).toEqual({ PATH: "/usr/bin", API_TOKEN: "x" });
    expect(data.files.some((f) => f.path === "/etc/b")).toBe(true);
  });

  it("fails a legacy layer that does not match its diff_id", async () => {
    const cfg = config([layerA]);
    const cfgName = `${sha256(cfg).slice(7)}.json`;
    const path = writeFile(join(scratchDir(), "legacy.tar"), filesTar({ [cfgName]: cfg, "aaa/layer.tar": layerC, "manifest.json": json([{ Config: cfgName, Layers: ["aaa/layer.tar"] }]) }));
    const image = await openImage(path);
    expect(await codeOf(readImage(image, { content: [], rawLayers: false }))).toBe("DIGEST_MISMATCH");
  });

  it("reads the Docker 25+ layout (index.json, blobs/, manifest.json into blobs)", async () => {
    const cfg = config([layerA]);
    const layerPath = `blobs/sha256/${sha256(layerA).slice(7)}`;
    const cfgPath = `blobs/sha256/${sha256(cfg).slice(7)}`;
    const manifest = blob(json({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(cfg), size: cfg.length }, layers: [{ mediaType: LAYER_TAR, digest: sha256(layerA), size: layerA.length }] }), "application/vnd.oci.image.manifest.v1+json");
    const path = writeFile(
      join(scratchDir(), "docker25.tar"),
      filesTar({
        [layerPath]: layerA,
        [cfgPath]: cfg,
        [`blobs/sha256/${manifest.digest.slice(7)}`]: manifest.data,
        "index.json": json({ schemaVersion: 2, manifests: [descriptorOf(manifest, { annotations: { "io.containerd.image.name": "docker.io/library/app:latest" } })] }),
        "oci-layout": json({ imageLayoutVersion: "1.0.0" }),
        "manifest.json": json([{ Config: cfgPath, RepoTags: ["app:latest"], Layers: [layerPath] }]),
      }),
    );
    const { image, data } = await read(path);
    expect(image.info.format).toBe("docker-archive");
    expect(image.layers[0]!.digest).toBe(sha256(layerA));
    expect(data.files.some((f) => f.path === "/etc/os-release")).toBe(true);
  });

  it("asks which image when an archive holds several", async () => {
    const cfg = config([layerA]);
    const cfgName = `${sha256(cfg).slice(7)}.json`;
    const manifest = [
      { Config: cfgName, RepoTags: ["a:1"], Layers: ["l/layer.tar"] },
      { Config: cfgName, RepoTags: ["b:1"], Layers: ["l/layer.tar"] },
    ];
    const path = writeFile(join(scratchDir(), "two.tar"), filesTar({ [cfgName]: cfg, "l/layer.tar": layerA, "manifest.json": json(manifest) }));
    expect(await codeOf(openImage(path))).toBe("AMBIGUOUS_IMAGE");
    expect((await openImage(`${path}:b:1`)).info.format).toBe("docker-archive");
    expect(await codeOf(openImage(`${path}:c:1`))).toBe("REFERENCE_NOT_FOUND");
  });

  it("refuses a requested platform the archive does not have", async () => {
    const cfg = config([layerA]);
    const cfgName = `${sha256(cfg).slice(7)}.json`;
    const path = writeFile(join(scratchDir(), "one.tar"), filesTar({ [cfgName]: cfg, "l/layer.tar": layerA, "manifest.json": json([{ Config: cfgName, Layers: ["l/layer.tar"] }]) }));
    const error = await openImage(path, { platform: "linux/arm64" }).catch((e: ImageError) => e);
    expect(error).toMatchObject({ code: "PLATFORM_NOT_FOUND", available: ["linux/amd64"] });
  });
});

describe("inspectImage", () => {
  it("reports format, platform, layers with entry counts and a config summary without env values", async () => {
    const dir = scratchDir();
    simpleLayout(dir, [blob(gzip(layerA), LAYER_GZIP), blob(layerB, LAYER_TAR)], {
      config: { Env: ["SECRET_TOKEN=hunter2"], User: "1000", ExposedPorts: { "8080/tcp": {} }, Healthcheck: { Test: ["CMD", "true"], Interval: 30e9 } },
      history: [{ created_by: "ADD a" }, { created_by: "ADD b" }],
    });
    const inspection = await inspectImage(dir);
    expect(inspection).toMatchObject({ format: "oci-layout", platform: "linux/amd64" });
    expect(inspection.layers.map((l) => [l.compression, l.entries, l.createdBy])).toEqual([
      ["gzip", 3, "ADD a"],
      ["none", 2, "ADD b"],
    ]);
    expect(inspection.config).toMatchObject({ user: "1000", envNames: ["SECRET_TOKEN"], exposedPorts: ["8080/tcp"], healthcheck: { test: ["CMD", "true"], intervalSeconds: 30 } });
    expect(JSON.stringify(inspection)).not.toContain("hunter2");
  });
});

describe("SIF and squashfs", () => {
  it("detects a SIF file from its magic and either reads it through @checks/sif or says it cannot", async () => {
    const head = new Uint8Array(4096);
    head.set(bytes("#!/usr/bin/env run-singularity\n"), 0);
    head.set(bytes("SIF_MAGIC\0"), 32);
    const path = writeFile(join(scratchDir(), "image.tar.gz"), head);
    const error = await openImage(path).then(
      (image) => readImage(image, { content: [], rawLayers: false }),
    ).catch((e: unknown) => e);
    // A header with no descriptors is not a readable SIF either way; what matters is that it was seen as SIF.
    expect(error).toBeInstanceOf(ImageError);
    expect(String((error as Error).message)).toMatch(/SIF|Singularity|sif/);
  });

  it("detects a bare squashfs file from its magic", async () => {
    const head = new Uint8Array(4096);
    head.set(bytes("hsqs"), 0);
    const path = writeFile(join(scratchDir(), "x.tar"), head);
    const error = await openImage(path).then((image) => readImage(image, { content: [], rawLayers: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect(String((error as Error).message)).toMatch(/squashfs/i);
  });
});

export { tar };
