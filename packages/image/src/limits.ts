import { ImageError } from "./errors.js";

/**
 * Caps that keep a crafted image from exhausting memory or time. Defaults are
 * sized for real images (a large CUDA or distro image has a few hundred thousand
 * entries and tens of GB unpacked), not for the machine that runs the scan.
 */
export interface ImageLimits {
  /** Tar entries across all layers of one image, markers and directories included. */
  maxEntries: number;
  /** Bytes of one entry's path or link target. */
  maxPathLength: number;
  /** Components of one entry's path. */
  maxPathDepth: number;
  /** Bytes of one PAX extended header, GNU long name or sparse map. */
  maxHeaderBytes: number;
  /** Declared size of one file, in bytes. */
  maxFileBytes: number;
  /** Decompressed bytes across all layers of one image. */
  maxTotalBytes: number;
  /** Decompressed bytes per compressed byte of one layer, checked once the layer passes `ratioGraceBytes`. */
  maxCompressionRatio: number;
  /** Decompressed bytes of a layer before the ratio cap applies. */
  ratioGraceBytes: number;
  /** Largest zstd window a layer may ask for; larger frames are refused before any buffer is allocated. */
  maxZstdWindowBytes: number;
  /** Bytes of file content kept in memory across the whole image; past it content is truncated and noted. */
  maxContentBytes: number;
  /** Layers of one image. */
  maxLayers: number;
  /** Bytes of one JSON document (index, manifest, config, docker manifest.json). */
  maxJsonBytes: number;
  /** Levels of image indexes nested inside image indexes. */
  maxIndexDepth: number;
  /** Members of an outer archive (docker save or OCI tar). */
  maxArchiveMembers: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: Readonly<ImageLimits> = Object.freeze({
  maxEntries: 4_000_000,
  maxPathLength: 4096,
  maxPathDepth: 1024,
  maxHeaderBytes: 1 * MiB,
  maxFileBytes: 64 * GiB,
  maxTotalBytes: 256 * GiB,
  maxCompressionRatio: 2000,
  ratioGraceBytes: 256 * MiB,
  maxZstdWindowBytes: 128 * MiB,
  maxContentBytes: 1 * GiB,
  maxLayers: 512,
  maxJsonBytes: 16 * MiB,
  maxIndexDepth: 8,
  maxArchiveMembers: 100_000,
});

export function resolveLimits(overrides?: Partial<ImageLimits>): ImageLimits {
  const limits: ImageLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new ImageError("INVALID_OPTIONS", `Unknown image limit "${key}"; known limits: ${Object.keys(DEFAULT_LIMITS).join(", ")}.`, { limit: key });
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ImageError("INVALID_OPTIONS", `Image limit "${key}" must be a non-negative number; received ${JSON.stringify(value)}.`, { limit: key });
    }
    limits[key as keyof ImageLimits] = value;
  }
  return limits;
}

export function limitError(limit: keyof ImageLimits, value: number, cap: number, what: string, file?: string): ImageError {
  return new ImageError(
    "LIMIT_EXCEEDED",
    `${what}: ${value} is over the limit ${limit} = ${cap}${file ? ` (in ${file})` : ""}. Raise the limit if the image is trusted.`,
    { limit, ...(file === undefined ? {} : { file }) },
  );
}
