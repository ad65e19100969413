/**
 * SIF images and bare squashfs files are read by @checks/sif. It is loaded
 * lazily, so this package works, and reports clearly what is missing, where that
 * reader is not installed or not built.
 */
import type { ImageData } from "@checks/sdk";
import { ImageError, type ImageErrorCode } from "./errors.js";
import { NeedMatcher, type ContentNeed } from "./needs.js";
import type { ImageLimits } from "./limits.js";
import type { ImagePlan, OpenedImage } from "./open.js";
import { LOOP, resolveInside } from "./read.js";

export interface SifReader {
  isSif(head: Uint8Array): boolean;
  isSquashfs(head: Uint8Array): boolean;
  readSifImage(path: string, options: { content: ContentNeed[]; limits?: Record<string, number> }): Promise<ImageData>;
  readSquashfsImage(path: string, options: { content: ContentNeed[]; limits?: Record<string, number> }): Promise<ImageData>;
  inspectSif(path: string): Promise<unknown>;
}

let loaded: Promise<SifReader | undefined> | undefined;

/**
 * Loads @checks/sif on first use. The specifier is a literal, so a bundler
 * (the sandbox runner's esbuild bundle) includes the reader; where the package
 * is missing, SIF and squashfs files fail with UNSUPPORTED_FORMAT.
 */
export function loadSifReader(): Promise<SifReader | undefined> {
  loaded ??= import("@checks/sif").then(
    (mod: Partial<SifReader>) =>
      typeof mod.readSifImage === "function" && typeof mod.readSquashfsImage === "function" && typeof mod.inspectSif === "function" ? (mod as SifReader) : undefined,
    () => undefined,
  );
  return loaded;
}

export async function requireSifReader(format: "sif" | "squashfs", path: string): Promise<SifReader> {
  const reader = await loadSifReader();
  if (!reader) {
    throw new ImageError(
      "UNSUPPORTED_FORMAT",
      `${path} is a ${format === "sif" ? "Singularity SIF image" : "squashfs filesystem"}; reading it needs @checks/sif (readSifImage, readSquashfsImage), which is not available in this build.`,
      { file: path },
    );
  }
  return reader;
}

/** Maps the ImageLimits that have a counterpart to the squashfs reader's caps. */
function sifLimits(limits: ImageLimits): Record<string, number> {
  return { maxEntries: limits.maxEntries, maxDepth: limits.maxPathDepth, maxPathLength: limits.maxPathLength, maxSymlinkLength: limits.maxPathLength, maxContentBytes: limits.maxContentBytes };
}

const SIF_CODES: Record<string, ImageErrorCode> = {
  TRUNCATED: "TRUNCATED",
  UNSUPPORTED_COMPRESSION: "UNSUPPORTED_COMPRESSION",
  DECOMPRESSION_FAILED: "DECOMPRESSION_FAILED",
  DECOMPRESSED_TOO_LARGE: "LIMIT_EXCEEDED",
  LIMIT_EXCEEDED: "LIMIT_EXCEEDED",
  NOT_SIF: "UNSUPPORTED_FORMAT",
  NOT_SQUASHFS: "UNSUPPORTED_FORMAT",
  UNSUPPORTED_VERSION: "UNSUPPORTED_FORMAT",
  NO_PRIMARY_PARTITION: "UNSUPPORTED_FORMAT",
  UNSUPPORTED_PARTITION_TYPE: "UNSUPPORTED_FORMAT",
  READ_FAILED: "UNREADABLE",
};

/** Errors of @checks/sif (SifError, SquashfsError) as ImageErrors, keeping the original as `cause`. */
export function toImageError(error: unknown, path: string): unknown {
  if (error instanceof ImageError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !/^(SifError|SquashfsError)$/.test(error.name)) return error;
  const message = error.message.includes(path) ? error.message : `${path}: ${error.message}`;
  return new ImageError(SIF_CODES[code] ?? "INVALID_FILESYSTEM", message, { file: path, cause: error });
}

export async function delegateRead(image: OpenedImage, plan: Extract<ImagePlan, { kind: "delegate" }>, content: ContentNeed[]): Promise<ImageData> {
  const reader = await requireSifReader(plan.format, plan.path);
  const options = { content, limits: sifLimits(plan.limits) };
  const read = (needs: ContentNeed[]) =>
    (plan.format === "sif" ? reader.readSifImage(plan.path, { ...options, content: needs }) : reader.readSquashfsImage(plan.path, { ...options, content: needs })).catch((error: unknown) =>
      Promise.reject(toImageError(error, plan.path)),
    );
  const data = await read(content);
  await fillSymlinkTargets(data, content, read);
  return { ...data, info: { ...data.info, name: image.info.name, format: plan.format } };
}

/**
 * A declared symlink whose target's content was not collected (`/etc/os-release`
 * -> `../usr/lib/os-release`) gets its target read in a second, targeted read.
 * NOTE: a target whose path contains glob characters (`*?[]{},`) is skipped.
 */
async function fillSymlinkTargets(data: ImageData, content: ContentNeed[], read: (needs: ContentNeed[]) => Promise<ImageData>): Promise<void> {
  const matcher = new NeedMatcher(content);
  if (matcher.empty) return;
  const byPath = new Map(data.files.map((file) => [file.path, file]));
  const lookup = (path: string) => byPath.get(path);
  const wanted = new Map<string, number>();
  for (const file of data.files) {
    if (file.type !== "symlink") continue;
    const cap = matcher.capFor(file.path);
    if (cap === 0) continue;
    const target = resolveInside(lookup, file.path);
    const record = target === undefined || target === LOOP ? undefined : byPath.get(target);
    if (!record || record.type !== "file" || record.size === 0 || (record.content?.length ?? 0) >= Math.min(cap, record.size)) continue;
    if (/[*?[\]{},]/.test(record.path)) continue;
    wanted.set(record.path, Math.max(wanted.get(record.path) ?? 0, cap));
  }
  if (wanted.size === 0) return;
  const extra = await read([...wanted].map(([glob, maxBytes]) => ({ glob, maxBytes })));
  for (const file of extra.files) {
    const record = byPath.get(file.path);
    if (!wanted.has(file.path) || !record || file.content === undefined) continue;
    record.content = file.content;
    if (file.contentTruncated) record.contentTruncated = true;
    else delete record.contentTruncated;
  }
}
