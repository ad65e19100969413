/**
 * Writes small OCI layouts and docker save archives for tests, under the
 * repository's git-ignored .cache folder (tests write nowhere else).
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bytes, tar, type TarSpec } from "./tar.js";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "../../../..");
export const SCRATCH = join(REPO, ".cache", "image-tests");

const created: string[] = [];

/** A new folder under .cache/image-tests; test files run in parallel, so each removes only its own. */
export function scratchDir(): string {
  const dir = join(SCRATCH, randomUUID());
  mkdirSync(dir, { recursive: true });
  created.push(dir);
  return dir;
}

export function cleanScratch(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const sha256 = (data: Uint8Array | string): string => "sha256:" + createHash("sha256").update(bytes(data)).digest("hex");

export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  data: Uint8Array;
}

export function blob(data: Uint8Array | string, mediaType: string): Blob {
  const b = bytes(data);
  return { digest: sha256(b), size: b.length, mediaType, data: b };
}

export const json = (value: unknown): Uint8Array => bytes(JSON.stringify(value));

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
export const LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
export const LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

export const descriptorOf = (b: Blob, extra: Record<string, unknown> = {}) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size, ...extra });

export function configBlob(config: Record<string, unknown> = {}, layers: Uint8Array[] = []): Blob {
  return blob(
    json({
      architecture: "amd64",
      os: "linux",
      config: {},
      rootfs: { type: "layers", diff_ids: layers.map((l) => sha256(l)) },
      history: [],
      ...config,
    }),
    OCI_CONFIG,
  );
}

/** An image manifest with its config and layers (each layer already in its stored form). */
export function imageManifest(layers: Blob[], config: Blob): Blob {
  return blob(json({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptorOf(config), layers: layers.map((l) => descriptorOf(l)) }), OCI_MANIFEST);
}

/** Writes an OCI layout folder with the given blobs and top-level index entries. */
export function writeLayout(dir: string, blobs: Blob[], manifests: Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...extra }));
  for (const b of blobs) writeFileSync(join(dir, "blobs", "sha256", b.digest.slice(7)), b.data);
  return dir;
}

/** One-image OCI layout from layer tars (stored as given) and a config. */
export function simpleLayout(dir: string, layers: Blob[], config: Record<string, unknown> = {}, tag = "latest"): { manifest: Blob; config: Blob } {
  const cfg = configBlob(config);
  const manifest = imageManifest(layers, cfg);
  writeLayout(dir, [...layers, cfg, manifest], [{ ...descriptorOf(manifest), annotations: { "org.opencontainers.image.ref.name": tag } }]);
  return { manifest, config: cfg };
}

/** Files as tar entries: a map of member name to content (string or bytes). */
export function filesTar(files: Record<string, Uint8Array | string>, options: { dotSlash?: boolean } = {}): Uint8Array {
  const specs: TarSpec[] = [];
  const dirs = new Set<string>();
  for (const name of Object.keys(files)) {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/") + "/";
      if (!dirs.has(dir)) {
        dirs.add(dir);
        specs.push({ name: (options.dotSlash ? "./" : "") + dir, type: "dir" });
      }
    }
    specs.push({ name: (options.dotSlash ? "./" : "") + name, content: files[name]! });
  }
  return tar(specs);
}

export function writeFile(path: string, data: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes(data));
  return path;
}
