/**
 * openImage: detects the format from content (magic bytes and layout, never
 * the file name), reads index, manifest and config, selects the platform, and
 * returns the layer plan that readImage streams.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat } from "node:fs/promises";
import type { ImageConfig, ImageInfo } from "@checks/sdk";
import { chooseCompression, compressionFromMediaType, createDecoder, type Compression } from "./compression.js";
import { blobPath, FolderContainer, isValidDigest, readHead, TarContainer, type Blob, type Container } from "./container.js";
import { diffIds, isObject, layerHistory, normalizeConfig, type Json } from "./config.js";
import { loadSifReader, requireSifReader } from "./delegate.js";
import { ImageError } from "./errors.js";
import { resolveLimits, type ImageLimits } from "./limits.js";
import { formatPlatform, hostPlatform, parsePlatform, platformMatches, platformScore, type Platform } from "./platform.js";
import { looksLikeTarHeader, TarParser, type TarEntry } from "./tar.js";

export interface OpenOptions {
  /** os/arch[/variant]; default the host's. */
  platform?: string;
  limits?: Partial<ImageLimits>;
}

export interface LayerSummary {
  index: number;
  digest?: string;
  mediaType?: string;
  /** Compression from magic bytes where the blob could be peeked, else from the media type. */
  compression: Compression | "unknown";
  /** Bytes of the blob as stored. */
  size?: number;
  /** diff_id from the config (digest of the uncompressed layer). */
  diffId?: string;
  createdBy?: string;
  comment?: string;
}

export interface OpenedImage {
  info: ImageInfo;
  config?: ImageConfig;
  layers: LayerSummary[];
  close(): Promise<void>;
}

export interface LayerPlan {
  summary: LayerSummary;
  blob: Blob;
  /** Digest of the decompressed stream, checked when the blob has no digest of its own. */
  verifyDiffId?: string;
}

/** The layer plan readImage follows, beyond the public fields; kept out of reach of callers. */
export type ImagePlan =
  | { kind: "layers"; layers: LayerPlan[]; limits: ImageLimits; notes: string[] }
  | { kind: "rootfs"; root: string; limits: ImageLimits; notes: string[] }
  | { kind: "delegate"; format: "sif" | "squashfs"; path: string; limits: ImageLimits; notes: string[] };

const plans = new WeakMap<OpenedImage, ImagePlan & { closed?: boolean }>();

export function planOf(image: OpenedImage): ImagePlan {
  const plan = plans.get(image);
  if (!plan) throw new ImageError("INVALID_OPTIONS", "readImage needs an image returned by openImage.");
  if (plan.closed) throw new ImageError("CLOSED", `Image ${image.info.name} was closed.`);
  return plan;
}

// ---------------------------------------------------------------------------
// References

export interface ParsedRef {
  path: string;
  /** Tag, ref name or digest that selects one image inside a layout or archive. */
  reference?: string;
  transport?: string;
}

const TRANSPORTS = ["oci-archive:", "oci:", "docker-archive:", "dir:", "tar:", "rootfs:", "sif:"];

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** `PATH`, `PATH:TAG`, `PATH@sha256:...`, optionally behind a transport prefix (`oci:`, `docker-archive:`). */
export async function parseRef(ref: string): Promise<ParsedRef> {
  let rest = ref;
  let transport: string | undefined;
  for (const prefix of TRANSPORTS) {
    if (rest.startsWith(prefix) && !(await exists(rest))) {
      transport = prefix.slice(0, -1);
      rest = rest.slice(prefix.length);
      break;
    }
  }
  const base = transport ? { transport } : {};
  if (await exists(rest)) return { path: rest, ...base };
  const at = rest.lastIndexOf("@");
  if (at > 0 && isValidDigest(rest.slice(at + 1)) && (await exists(rest.slice(0, at)))) {
    return { path: rest.slice(0, at), reference: rest.slice(at + 1), ...base };
  }
  // References may hold colons themselves (name:tag): the longest existing path wins.
  for (let colon = rest.lastIndexOf(":"); colon > 0; colon = rest.lastIndexOf(":", colon - 1)) {
    if (await exists(rest.slice(0, colon))) return { path: rest.slice(0, colon), reference: rest.slice(colon + 1), ...base };
  }
  throw new ImageError("NOT_FOUND", `No image at ${JSON.stringify(ref)}: the path does not exist.`, { file: rest });
}

// ---------------------------------------------------------------------------

export async function openImage(ref: string, options: OpenOptions = {}): Promise<OpenedImage> {
  const limits = resolveLimits(options.limits);
  const wanted = options.platform ? parsePlatform(options.platform) : undefined;
  const parsed = await parseRef(ref);
  const info = await lstat(parsed.path).catch((error: unknown) => {
    throw new ImageError("UNREADABLE", `Cannot read ${parsed.path}: ${(error as Error).message}.`, { file: parsed.path, cause: error });
  });

  let opened: { image: OpenedImage; plan: ImagePlan };
  if (info.isDirectory()) {
    opened = await openFolder(ref, parsed, limits, wanted);
  } else if (info.isFile()) {
    opened = await openFile(ref, parsed, limits, wanted);
  } else {
    throw new ImageError("UNSUPPORTED_FORMAT", `${parsed.path} is neither a file nor a folder.`, { file: parsed.path });
  }
  plans.set(opened.image, opened.plan);
  return opened.image;
}

function makeImage(info: ImageInfo, layers: LayerSummary[], config: ImageConfig | undefined, plan: ImagePlan): { image: OpenedImage; plan: ImagePlan } {
  const image: OpenedImage = {
    info,
    layers,
    ...(config ? { config } : {}),
    close: async () => {
      const current = plans.get(image);
      if (current) current.closed = true;
    },
  };
  return { image, plan };
}

async function openFolder(ref: string, parsed: ParsedRef, limits: ImageLimits, wanted: Platform | undefined): Promise<{ image: OpenedImage; plan: ImagePlan }> {
  const container = new FolderContainer(parsed.path);
  if (await container.exists("oci-layout")) return openOciLayout(ref, parsed, container, "oci-layout", limits, wanted);
  if (await isDockerManifest(container, limits)) return openDockerArchive(ref, parsed, container, limits, wanted);
  if (parsed.reference !== undefined) {
    throw new ImageError("UNSUPPORTED_FORMAT", `${parsed.path} is a root filesystem folder; it has no tags (received "${parsed.reference}").`, { file: parsed.path });
  }
  return makeImage({ name: ref, format: "rootfs" }, [{ index: 0, compression: "none" }], undefined, { kind: "rootfs", root: parsed.path, limits, notes: [] });
}

export function isSifHead(head: Uint8Array): boolean {
  return head.length >= 42 && Buffer.from(head.subarray(32, 41)).toString("latin1") === "SIF_MAGIC";
}

export function isSquashfsHead(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x68 && head[1] === 0x73 && head[2] === 0x71 && head[3] === 0x73;
}

async function openFile(ref: string, parsed: ParsedRef, limits: ImageLimits, wanted: Platform | undefined): Promise<{ image: OpenedImage; plan: ImagePlan }> {
  const path = parsed.path;
  const head = await readHead(path, 4096);
  const sifReader = await loadSifReader();
  const sif = sifReader ? sifReader.isSif(head) : isSifHead(head);
  if (sif || (sifReader ? sifReader.isSquashfs(head) : isSquashfsHead(head))) return openDelegated(ref, path, sif ? "sif" : "squashfs", limits);

  const compression = chooseCompression(head, undefined, path);
  if (compression === "none" && !looksLikeTarHeader(head.subarray(0, 512))) {
    throw new ImageError(
      "UNSUPPORTED_FORMAT",
      `${path} is not an image checks can read: not a tar (plain, gzip or zstd), docker save archive, OCI layout, SIF or squashfs file.`,
      { file: path },
    );
  }

  // An outer archive (docker save, OCI layout as tar) or a single filesystem tar?
  if (!(await looksLikeArchive(path, compression, limits))) {
    return openPlainTar(ref, parsed, compression, limits);
  }
  const container = await TarContainer.index(path, limits);
  if (await isDockerManifest(container, limits)) return openDockerArchive(ref, parsed, container, limits, wanted);
  if ((await container.exists("oci-layout")) && (await container.exists("index.json"))) return openOciLayout(ref, parsed, container, "oci-archive", limits, wanted);
  return openPlainTar(ref, parsed, compression, limits);
}

/**
 * Reads the start of a tar (decompressing it if needed) and looks at its first
 * member names, so that a filesystem tar is neither indexed nor decompressed twice.
 */
async function looksLikeArchive(path: string, compression: Compression, limits: ImageLimits): Promise<boolean> {
  const names: string[] = [];
  const parser = new TarParser({ onEntry: (entry: TarEntry) => (names.push(entry.path.slice(1)), 0) }, limits);
  const decoder = createDecoder(compression, limits.maxZstdWindowBytes, path);
  const source = createReadStream(path, { highWaterMark: 256 * 1024 });
  let seen = 0;
  try {
    for await (const chunk of decoder ? source.pipe(decoder) : source) {
      parser.write(chunk as Uint8Array);
      seen += (chunk as Uint8Array).length;
      if (names.length >= 16 || parser.ended || seen > 8 * 1024 * 1024) break;
    }
  } catch (error) {
    if (names.length === 0) {
      if (error instanceof ImageError) throw error;
      const truncated = /unexpected end/i.test((error as Error).message);
      throw new ImageError(truncated ? "TRUNCATED" : "DECOMPRESSION_FAILED", `${path} could not be decompressed: ${(error as Error).message}.`, { file: path, cause: error });
    }
  } finally {
    source.destroy();
    decoder?.destroy();
  }
  if (names.length === 0) return false;
  // Outer archives hold only top-level files and folders, `<id>/{layer.tar,json,VERSION}` and blobs/ALG/HEX.
  const archiveName = /^(?:[^/]+\/?|[^/]+\/(?:layer\.tar|json|VERSION)|blobs\/[a-z0-9]+\/?|blobs\/[a-z0-9]+\/[a-f0-9]+)$/;
  return names.every((name) => name === "" || archiveName.test(name));
}

function openPlainTar(ref: string, parsed: ParsedRef, compression: Compression, limits: ImageLimits): { image: OpenedImage; plan: ImagePlan } {
  if (parsed.reference !== undefined) {
    throw new ImageError("UNSUPPORTED_FORMAT", `${parsed.path} is a filesystem tar; it has no tags (received "${parsed.reference}").`, { file: parsed.path });
  }
  const summary: LayerSummary = { index: 0, compression };
  const blob: Blob = { name: parsed.path, open: () => createReadStream(parsed.path, { highWaterMark: 1024 * 1024 }) };
  return makeImage({ name: ref, format: "tar" }, [summary], undefined, { kind: "layers", layers: [{ summary, blob }], limits, notes: [] });
}

async function openDelegated(ref: string, path: string, format: "sif" | "squashfs", limits: ImageLimits): Promise<{ image: OpenedImage; plan: ImagePlan }> {
  await requireSifReader(format, path);
  return makeImage({ name: ref, format }, [], undefined, { kind: "delegate", format, path, limits, notes: [] });
}

// ---------------------------------------------------------------------------
// JSON documents

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error) {
    throw new ImageError("INVALID_MANIFEST", `${what} is not valid JSON: ${(error as Error).message}.`, { file: what, cause: error });
  }
}


async function readJsonFile(container: Container, path: string, limits: ImageLimits): Promise<unknown> {
  const bytes = await container.readFile(path, limits.maxJsonBytes);
  if (!bytes) throw new ImageError("INVALID_MANIFEST", `${path} is missing.`, { file: path });
  return parseJson(bytes, path);
}

/** Reads a JSON blob by descriptor, checking its size and digest. */
async function readJsonBlob(container: Container, descriptor: Descriptor, limits: ImageLimits): Promise<unknown> {
  const path = blobPath(descriptor.digest, `Descriptor ${descriptor.mediaType ?? ""}`.trim());
  const bytes = await container.readFile(path, limits.maxJsonBytes);
  if (!bytes) throw new ImageError("MISSING_BLOB", `Blob ${descriptor.digest} (${descriptor.mediaType ?? "unknown media type"}) is missing from the image.`, { file: descriptor.digest });
  verifyBytes(bytes, descriptor.digest, descriptor.size);
  return parseJson(bytes, descriptor.digest);
}

function verifyBytes(bytes: Uint8Array, digest: string, size: number | undefined): void {
  if (size !== undefined && bytes.length !== size) {
    throw new ImageError("SIZE_MISMATCH", `Blob ${digest} has ${bytes.length} bytes; its descriptor declares ${size}.`, { file: digest });
  }
  const algorithm = digest.slice(0, digest.indexOf(":"));
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
  if (actual !== digest) throw new ImageError("DIGEST_MISMATCH", `Blob ${digest} does not match its digest (got ${actual}).`, { file: digest });
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Partial<Platform>;
  annotations: Record<string, string>;
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw new ImageError("INVALID_MANIFEST", `${where} is not a descriptor object.`, { file: where });
  blobPath(value.digest, where);
  const result: Descriptor = { digest: value.digest as string, annotations: {} };
  if (typeof value.mediaType === "string") result.mediaType = value.mediaType;
  if (value.size !== undefined) {
    if (typeof value.size !== "number" || !Number.isSafeInteger(value.size) || value.size < 0) {
      throw new ImageError("INVALID_MANIFEST", `${where} has an invalid size ${JSON.stringify(value.size)}.`, { file: where });
    }
    result.size = value.size;
  }
  if (isObject(value.platform)) {
    const p = value.platform;
    const platform: Partial<Platform> = {};
    if (typeof p.os === "string") platform.os = p.os;
    if (typeof p.architecture === "string") platform.architecture = p.architecture;
    if (typeof p.variant === "string") platform.variant = p.variant;
    result.platform = platform;
  }
  if (isObject(value.annotations)) {
    for (const [k, v] of Object.entries(value.annotations)) if (typeof v === "string") result.annotations[k] = v;
  }
  return result;
}

const INDEX_TYPES = new Set(["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]);
const MANIFEST_TYPES = new Set(["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"]);

function isAttestation(d: Descriptor): boolean {
  return d.annotations["vnd.docker.reference.type"] === "attestation-manifest" || (d.platform?.os === "unknown" && d.platform.architecture === "unknown");
}

// ---------------------------------------------------------------------------
// OCI image layout (folder or tar)

interface Candidate {
  descriptor: Descriptor;
  refName?: string;
  platform?: Partial<Platform>;
}

export async function openOciLayout(
  ref: string,
  parsed: ParsedRef,
  container: Container,
  format: "oci-layout" | "oci-archive" | "docker-archive",
  limits: ImageLimits,
  wanted: Platform | undefined,
): Promise<{ image: OpenedImage; plan: ImagePlan }> {
  const notes: string[] = [];
  const layout = await readJsonFile(container, "oci-layout", limits).catch(() => undefined);
  if (format !== "docker-archive" && (!isObject(layout) || typeof layout.imageLayoutVersion !== "string")) {
    throw new ImageError("INVALID_MANIFEST", `${parsed.path} has no valid oci-layout file.`, { file: parsed.path });
  }
  const index = await readJsonFile(container, "index.json", limits);
  if (!isObject(index) || !Array.isArray(index.manifests)) {
    throw new ImageError("INVALID_MANIFEST", `index.json of ${parsed.path} has no manifests list.`, { file: parsed.path });
  }

  let top = index.manifests.map((item, i) => descriptor(item, `index.json manifests[${i}]`)).filter((d) => !isAttestation(d));
  if (parsed.reference !== undefined) {
    const want = parsed.reference;
    const matching = top.filter(
      (d) =>
        d.digest === want ||
        d.annotations["org.opencontainers.image.ref.name"] === want ||
        d.annotations["io.containerd.image.name"] === want ||
        d.annotations["io.containerd.image.name"]?.endsWith(`:${want}`),
    );
    if (matching.length === 0) {
      const available = top.map((d) => d.annotations["org.opencontainers.image.ref.name"] ?? d.annotations["io.containerd.image.name"] ?? d.digest);
      throw new ImageError("REFERENCE_NOT_FOUND", `${parsed.path} has no image "${want}"; available: ${available.join(", ") || "none"}.`, { file: parsed.path, available });
    }
    top = matching;
  }

  // Expand nested indexes into image manifests.
  const leaves: Candidate[] = [];
  const expand = async (d: Descriptor, depth: number, refName: string | undefined): Promise<void> => {
    if (isAttestation(d)) return;
    const mediaType = d.mediaType;
    if (mediaType && INDEX_TYPES.has(mediaType)) {
      if (depth >= limits.maxIndexDepth) throw new ImageError("LIMIT_EXCEEDED", `Image indexes nest deeper than maxIndexDepth = ${limits.maxIndexDepth}.`, { limit: "maxIndexDepth", file: d.digest });
      const nested = await readJsonBlob(container, d, limits);
      if (!isObject(nested) || !Array.isArray(nested.manifests)) throw new ImageError("INVALID_MANIFEST", `Index ${d.digest} has no manifests list.`, { file: d.digest });
      for (const [i, item] of nested.manifests.entries()) await expand(descriptor(item, `index ${d.digest} manifests[${i}]`), depth + 1, refName);
      return;
    }
    if (mediaType && !MANIFEST_TYPES.has(mediaType)) {
      notes.push(`Skipped ${d.digest}: media type ${mediaType} is not an image manifest.`);
      return;
    }
    if (leaves.some((leaf) => leaf.descriptor.digest === d.digest)) return;
    leaves.push({ descriptor: d, ...(refName ? { refName } : {}), ...(d.platform ? { platform: d.platform } : {}) });
  };
  for (const d of top) await expand(d, 0, d.annotations["org.opencontainers.image.ref.name"]);
  if (leaves.length === 0) throw new ImageError("INVALID_MANIFEST", `${parsed.path} contains no image manifest.`, { file: parsed.path });

  // Manifests without a platform in their descriptor get it from their config.
  const manifests = new Map<string, Json>();
  const configs = new Map<string, unknown>();
  const loadManifest = async (leaf: Candidate): Promise<Json> => {
    let manifest = manifests.get(leaf.descriptor.digest);
    if (!manifest) {
      const raw = await readJsonBlob(container, leaf.descriptor, limits);
      if (!isObject(raw) || !isObject(raw.config) || !Array.isArray(raw.layers)) {
        throw new ImageError("INVALID_MANIFEST", `Manifest ${leaf.descriptor.digest} has no config or layers.`, { file: leaf.descriptor.digest });
      }
      manifest = raw;
      manifests.set(leaf.descriptor.digest, manifest);
    }
    return manifest;
  };
  const loadConfig = async (manifest: Json): Promise<unknown> => {
    const d = descriptor(manifest.config, "manifest config");
    if (!configs.has(d.digest)) configs.set(d.digest, await readJsonBlob(container, d, limits));
    return configs.get(d.digest);
  };
  if (leaves.length > 1 || wanted) {
    for (const leaf of leaves) {
      if (leaf.platform?.os && leaf.platform.architecture) continue;
      const config = await loadConfig(await loadManifest(leaf));
      if (isObject(config)) {
        const platform: Partial<Platform> = {};
        if (typeof config.os === "string") platform.os = config.os;
        if (typeof config.architecture === "string") platform.architecture = config.architecture;
        if (typeof config.variant === "string") platform.variant = config.variant;
        leaf.platform = platform;
      }
    }
  }
  const chosen = choosePlatform(leaves, wanted, parsed.path);

  const manifest = await loadManifest(chosen);
  const rawConfig = await loadConfig(manifest);
  const config = normalizeConfig(rawConfig);
  const ids = diffIds(rawConfig);
  const layerDescriptors = (manifest.layers as unknown[]).map((item, i) => descriptor(item, `manifest ${chosen.descriptor.digest} layers[${i}]`));
  if (layerDescriptors.length > limits.maxLayers) {
    throw new ImageError("LIMIT_EXCEEDED", `The image has ${layerDescriptors.length} layers; the limit maxLayers is ${limits.maxLayers}.`, { limit: "maxLayers" });
  }
  const history = layerHistory(config, layerDescriptors.length);
  const layers: LayerPlan[] = [];
  for (const [i, d] of layerDescriptors.entries()) {
    const blob = await container.blob(blobPath(d.digest, `layer ${i}`), d.digest, d.digest, d.size);
    const summary: LayerSummary = {
      index: i,
      digest: d.digest,
      ...(d.mediaType ? { mediaType: d.mediaType } : {}),
      compression: await peekCompression(container, blob, d.mediaType),
      ...(d.size !== undefined ? { size: d.size } : {}),
      ...(ids[i] ? { diffId: ids[i] } : {}),
      ...historyFields(history[i]),
    };
    layers.push({ summary, blob });
  }

  const platform = formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant }) ?? formatPlatform(chosen.platform);
  const info: ImageInfo = { name: ref, format, digest: chosen.descriptor.digest, ...(platform ? { platform } : {}) };
  return makeImage(info, layers.map((l) => l.summary), config, { kind: "layers", layers, limits, notes });
}

function historyFields(record: { createdBy?: string; comment?: string } | undefined): Partial<LayerSummary> {
  const out: Partial<LayerSummary> = {};
  if (record?.createdBy !== undefined) out.createdBy = record.createdBy;
  if (record?.comment !== undefined) out.comment = record.comment;
  return out;
}

async function peekCompression(container: Container, blob: Blob, mediaType: string | undefined): Promise<Compression | "unknown"> {
  if (container instanceof TarContainer && container.compression !== "none") return compressionFromMediaType(mediaType) ?? "unknown";
  const stream = blob.open();
  try {
    for await (const chunk of stream) return chooseCompression(chunk as Uint8Array, mediaType, blob.name);
    return "none";
  } catch (error) {
    if (error instanceof ImageError) throw error;
    return compressionFromMediaType(mediaType) ?? "unknown";
  } finally {
    stream.destroy();
  }
}

function choosePlatform(leaves: Candidate[], wanted: Platform | undefined, path: string): Candidate {
  const available = leaves.map((leaf) => formatPlatform(leaf.platform) ?? "unknown");
  if (leaves.length === 1 && !wanted) return leaves[0]!;
  if (leaves.length === 1 && wanted && !leaves[0]!.platform?.os) return leaves[0]!;
  const target = wanted ?? hostPlatform();
  const matchTarget: Platform = wanted ?? { os: target.os, architecture: target.architecture };
  let best: Candidate | undefined;
  let bestScore = -1;
  for (const leaf of leaves) {
    const score = leaf.platform ? platformScore(target, leaf.platform) : -1;
    const matches = leaf.platform ? platformMatches(matchTarget, leaf.platform) : false;
    if (matches && Math.max(score, 0) > bestScore) {
      best = leaf;
      bestScore = Math.max(score, 0);
    }
  }
  if (!best) {
    throw new ImageError(
      "PLATFORM_NOT_FOUND",
      `${path} has no image for platform ${formatPlatform(target)}${wanted ? "" : " (this machine's)"}; available: ${[...new Set(available)].join(", ")}. Choose one with --platform.`,
      { file: path, available: [...new Set(available)] },
    );
  }
  return best;
}

// ---------------------------------------------------------------------------
// docker save archives (legacy `<id>/layer.tar`, and Docker 25+ with blobs/)

async function isDockerManifest(container: Container, limits: ImageLimits): Promise<boolean> {
  if (!(await container.exists("manifest.json"))) return false;
  try {
    const manifest = await readJsonFile(container, "manifest.json", limits);
    return Array.isArray(manifest) && manifest.length > 0 && manifest.every((item) => isObject(item) && Array.isArray(item.Layers));
  } catch {
    return false;
  }
}

function digestFromMemberPath(path: string): string | undefined {
  const blob = /^(?:\.\/)?blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path);
  if (blob && isValidDigest(`${blob[1]}:${blob[2]}`)) return `${blob[1]}:${blob[2]}`;
  const legacy = /^(?:\.\/)?([a-f0-9]{64})\.(?:json|tar)$/.exec(path);
  return legacy ? `sha256:${legacy[1]}` : undefined;
}

function repoTagMatches(tag: string, want: string): boolean {
  if (tag === want) return true;
  const short = tag.replace(/^docker\.io\/(library\/)?/, "");
  return short === want || short.endsWith(`:${want}`) && !want.includes(":") || short === `${want}:latest`;
}

export async function openDockerArchive(ref: string, parsed: ParsedRef, container: Container, limits: ImageLimits, wanted: Platform | undefined): Promise<{ image: OpenedImage; plan: ImagePlan }> {
  const notes: string[] = [];
  const raw = await readJsonFile(container, "manifest.json", limits);
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((item) => isObject(item) && Array.isArray(item.Layers))) {
    throw new ImageError("INVALID_MANIFEST", `manifest.json of ${parsed.path} is not a list of images with Layers.`, { file: parsed.path });
  }
  const manifest = raw as Json[];
  let entries = manifest;
  if (parsed.reference !== undefined) {
    const want = parsed.reference;
    entries = manifest.filter((item) => Array.isArray(item.RepoTags) && item.RepoTags.some((tag) => typeof tag === "string" && repoTagMatches(tag, want)));
    if (entries.length === 0) {
      const available = manifest.flatMap((item) => (Array.isArray(item.RepoTags) ? item.RepoTags.filter((t): t is string => typeof t === "string") : []));
      throw new ImageError("REFERENCE_NOT_FOUND", `${parsed.path} has no image tagged "${want}"; available: ${available.join(", ") || "none (untagged)"}.`, { file: parsed.path, available });
    }
  }
  if (entries.length > 1) {
    const available = entries.map((item, i) => (Array.isArray(item.RepoTags) && typeof item.RepoTags[0] === "string" ? item.RepoTags[0] : `#${i}`));
    throw new ImageError("AMBIGUOUS_IMAGE", `${parsed.path} contains ${entries.length} images; select one as PATH:TAG. Available: ${available.join(", ")}.`, { file: parsed.path, available });
  }
  const entry = entries[0]!;
  if (typeof entry.Config !== "string" || !(entry.Layers as unknown[]).every((layer) => typeof layer === "string")) {
    throw new ImageError("INVALID_MANIFEST", `manifest.json of ${parsed.path} has an entry without Config or with invalid Layers.`, { file: parsed.path });
  }
  const configPath = entry.Config;
  const configBytes = await container.readFile(configPath, limits.maxJsonBytes);
  if (!configBytes) throw new ImageError("MISSING_BLOB", `Config ${configPath} named by manifest.json is missing from ${parsed.path}.`, { file: configPath });
  const configDigest = digestFromMemberPath(configPath);
  if (configDigest) verifyBytes(configBytes, configDigest, undefined);
  const rawConfig = parseJson(configBytes, configPath);
  const config = normalizeConfig(rawConfig);
  const ids = diffIds(rawConfig);

  const platform = formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant });
  if (wanted && platform && !platformMatches(wanted, { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) })) {
    throw new ImageError("PLATFORM_NOT_FOUND", `${parsed.path} has no image for platform ${formatPlatform(wanted)}; available: ${platform}.`, { file: parsed.path, available: [platform] });
  }

  const layerPaths = entry.Layers as string[];
  if (layerPaths.length > limits.maxLayers) {
    throw new ImageError("LIMIT_EXCEEDED", `The image has ${layerPaths.length} layers; the limit maxLayers is ${limits.maxLayers}.`, { limit: "maxLayers" });
  }
  const history = layerHistory(config, layerPaths.length);
  const layers: LayerPlan[] = [];
  for (const [i, path] of layerPaths.entries()) {
    let digest = digestFromMemberPath(path);
    const diffId = ids[i] && isValidDigest(ids[i]) ? ids[i] : undefined;
    // A top-level "<hex>.tar" is named after either the blob or the diff_id; only a blob digest is checked as such.
    if (digest && !path.includes("/") && diffId !== digest) digest = undefined;
    const blob = await container.blob(path, digest ?? path, digest);
    const summary: LayerSummary = {
      index: i,
      ...(digest ? { digest } : diffId ? { digest: diffId } : {}),
      compression: await peekCompression(container, blob, undefined),
      ...(diffId ? { diffId } : {}),
      ...historyFields(history[i]),
    };
    const plan: LayerPlan = { summary, blob };
    if (!digest && diffId) plan.verifyDiffId = diffId;
    if (!digest && !diffId) notes.push(`Layer ${i} (${path}) has neither a blob digest nor a diff_id; it was not verified.`);
    layers.push(plan);
  }
  const digest = isObject(rawConfig) ? configDigest : undefined;
  const info: ImageInfo = { name: ref, format: "docker-archive", ...(digest ? { digest } : {}), ...(platform ? { platform } : {}) };
  return makeImage(info, layers.map((l) => l.summary), config, { kind: "layers", layers, limits, notes });
}
