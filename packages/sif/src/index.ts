/**
 * Pure TypeScript readers for Singularity SIF files and squashfs 4.0
 * filesystems, with random access and bounded memory. Nothing is mounted and
 * no external tool runs.
 */
export { isSif, isSquashfs } from "./magic.js";
export { readSifImage, readSquashfsImage, readSifSource, readSquashfsSource, findPrimaryPartition, SIF_LAYER_MEDIA_TYPE } from "./read.js";
export type { ContentNeed, SifReadOptions } from "./read.js";
export { inspectSif, inspectSifSource } from "./sif/inspect.js";
export type { SifObjectSummary, SifSummary, SquashfsSummary } from "./sif/inspect.js";
export type { SifSignatureSummary } from "./sif/signatures.js";
export { readSifLayout } from "./sif/format.js";
export type { SifDescriptor, SifHeader } from "./sif/format.js";
export { SifError, SquashfsError } from "./errors.js";
export type { SifErrorCode, SquashfsErrorCode } from "./errors.js";
export { DEFAULT_SQUASHFS_LIMITS } from "./squashfs/limits.js";
export type { SquashfsLimits } from "./squashfs/limits.js";
export { SquashfsReader } from "./squashfs/reader.js";
export type { SquashfsEntry, SquashfsOpenOptions } from "./squashfs/reader.js";
export type { Superblock } from "./squashfs/superblock.js";
export { FileSource, MemorySource, SliceSource } from "./source.js";
export type { ByteSource } from "./source.js";
export { buildSingularityMetadata, deriveImageConfig, parseEnvironmentScript, parseLabels, parseOciRunscript } from "./singularity.js";
