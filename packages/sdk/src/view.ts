import type {
  AdvisoryRecord,
  FileType,
  ImageConfig,
  ImageInfo,
  LayerEntryRecord,
  OsRelease,
  PackageRecord,
  SingularityMetadata,
} from "./image-data.js";

/** Metadata of one file, as a check receives it. */
export interface FileStat {
  readonly path: string;
  readonly type: FileType;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime?: number;
  readonly linkTarget?: string;
  readonly hardlinks?: readonly string[];
  readonly xattrs?: Readonly<Record<string, Uint8Array>>;
  readonly device?: { readonly major: number; readonly minor: number };
  /** Index of the layer that last wrote this entry. */
  readonly layer: number;
}

export interface WalkOptions {
  /** Entry types to return; all types when omitted. */
  readonly types?: readonly FileType[];
}

export interface ReadOptions {
  /** Maximum bytes to return; never more than the check declared in `needs.maxBytes`. */
  readonly maxBytes?: number;
}

/**
 * The merged filesystem of the image. Paths are absolute inside the image.
 * Symlinks resolve inside the image root only. Methods throw an AccessDeniedError
 * for a path the check did not declare, and return undefined for a path that does
 * not exist.
 */
export interface FileSystemView {
  /** Returns the entries that match the globs (all declared paths when omitted), sorted by path. */
  walk(globs?: string | readonly string[], options?: WalkOptions): readonly FileStat[];
  /** Metadata of the entry itself; a symlink is not followed. */
  lstat(path: string): FileStat | undefined;
  /** Metadata of the entry after following symlinks inside the image root. */
  stat(path: string): FileStat | undefined;
  exists(path: string): boolean;
  readlink(path: string): string | undefined;
  /** Content of a regular file, following symlinks; undefined when missing or not a file. */
  readBytes(path: string, options?: ReadOptions): Uint8Array | undefined;
  /** Content decoded as UTF-8 (invalid sequences replaced). */
  readText(path: string, options?: ReadOptions): string | undefined;
  /** True when the last read of `path` returned fewer bytes than the file has. */
  isTruncated(path: string): boolean;
}

/** One layer of the image as stored, before merging. Needs the `layers` capability. */
export interface LayerView {
  readonly index: number;
  readonly digest?: string;
  readonly mediaType?: string;
  readonly createdBy?: string;
  /** Entries of this layer that match the check's declared paths, whiteouts included. */
  entries(): readonly Readonly<Omit<LayerEntryRecord, "content">>[];
  /** Content of an entry as this layer stored it, even when a later layer deleted it. */
  readBytes(path: string, options?: ReadOptions): Uint8Array | undefined;
  readText(path: string, options?: ReadOptions): string | undefined;
}

/** Everything a check can see of one image. Capabilities a check did not declare throw AccessDeniedError. */
export interface ImageView {
  readonly info: Readonly<ImageInfo>;
  readonly files: FileSystemView;
  /** The parsed os-release, when the image has one. Always available. */
  osRelease(): Readonly<OsRelease> | undefined;
  /** Needs the `config` capability. Undefined for formats without a config (a bare root filesystem). */
  config(): Readonly<ImageConfig> | undefined;
  /** Needs the `layers` capability. */
  layers(): readonly LayerView[];
  /** Needs the `singularity` capability. Undefined for images that are not Singularity images. */
  singularity(): Readonly<SingularityMetadata> | undefined;
  /** Needs the `packages` capability. */
  packages(): readonly Readonly<PackageRecord>[];
  /** Needs the `advisories` capability. Advisories matched against the installed packages, optionally for one purl. */
  advisories(purl?: string): readonly Readonly<AdvisoryRecord>[];
  /** Needs the `advisories` capability. False when no advisory database has been imported. */
  advisoryDatabaseAvailable(): boolean;
}

export class AccessDeniedError extends Error {
  readonly code = "ACCESS_DENIED";
  constructor(message: string) {
    super(message);
    this.name = "AccessDeniedError";
  }
}
