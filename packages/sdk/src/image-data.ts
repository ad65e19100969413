/**
 * Plain-data description of one opened image: what the engine collects in its
 * single pass over the layers and what the sandbox hands to a plugin. Every
 * value is structured-cloneable (strings, numbers, booleans, arrays, plain
 * objects, Uint8Array), so it can cross process and isolate boundaries as a copy.
 */

export type FileType =
  | "file"
  | "directory"
  | "symlink"
  | "char-device"
  | "block-device"
  | "fifo"
  | "socket";

/** One entry of the merged filesystem. Paths are absolute inside the image (`/etc/passwd`). */
export interface FileRecord {
  path: string;
  type: FileType;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  mode: number;
  uid: number;
  gid: number;
  /** Size in bytes of a regular file; 0 for other types. */
  size: number;
  /** Modification time in seconds since the epoch, when the format records one. */
  mtime?: number;
  /** Target of a symlink, exactly as stored. */
  linkTarget?: string;
  /** For a hardlinked file: the other names of the same file, absolute. */
  hardlinks?: string[];
  /** Extended attributes by name, for example `security.capability`. */
  xattrs?: Record<string, Uint8Array>;
  /** Device numbers of a character or block device. */
  device?: { major: number; minor: number };
  /** Index into `ImageData.layers` of the layer that last wrote this entry; 0 for single-layer formats. */
  layer: number;
  /** File content, present only for paths a check declared, and at most the declared cap. */
  content?: Uint8Array;
  /** True when `content` is shorter than the file. */
  contentTruncated?: boolean;
}

/** One entry as stored in a single layer, before the layers are merged. */
export interface LayerEntryRecord extends Omit<FileRecord, "layer" | "hardlinks"> {
  /** The entry is an OCI whiteout (`.wh.NAME`): `path` is the name it deletes. */
  whiteout?: boolean;
  /** The entry is an opaque-directory marker (`.wh..wh..opq`): `path` is the directory. */
  opaque?: boolean;
  /** Path this entry is a hardlink to, inside the same image. */
  hardlinkTarget?: string;
  /** True when a later layer deleted or replaced this path, so it is absent from the merged view. */
  hiddenInMerged?: boolean;
}

export interface LayerRecord {
  index: number;
  digest?: string;
  mediaType?: string;
  /** Compressed size in bytes of the layer blob. */
  size?: number;
  createdBy?: string;
  comment?: string;
  entries: LayerEntryRecord[];
}

export interface HistoryRecord {
  createdBy?: string;
  created?: string;
  comment?: string;
  emptyLayer?: boolean;
}

export interface HealthcheckRecord {
  test?: string[];
  intervalSeconds?: number;
  timeoutSeconds?: number;
  retries?: number;
}

/** Image configuration, normalized from Docker/OCI config JSON or Singularity metadata. */
export interface ImageConfig {
  user?: string;
  env: Record<string, string>;
  entrypoint?: string[];
  cmd?: string[];
  workdir?: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
  history: HistoryRecord[];
  healthcheck?: HealthcheckRecord;
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  stopSignal?: string;
  shell?: string[];
}

export interface SingularitySignature {
  /** Hash algorithm named by the signature object, for example `sha256`. */
  hashAlgorithm?: string;
  /** True for algorithms no longer considered collision resistant (md5, sha1). */
  weakAlgorithm: boolean;
  /** Ids of the SIF data objects or groups the signature covers. */
  covers: string[];
  fingerprint?: string;
  /** Always false: the reader records signatures but does not verify them cryptographically. */
  verified: false;
}

export interface SingularityMetadata {
  definition?: string;
  runscript?: string;
  startscript?: string;
  test?: string;
  /** Environment scripts by path, for example `/.singularity.d/env/90-environment.sh`. */
  environmentScripts: Record<string, string>;
  /** Variables exported by the environment scripts, where they could be read statically. */
  environment: Record<string, string>;
  labels: Record<string, string>;
  /** Action scripts by name (`exec`, `run`, `shell`, ...). */
  actions: Record<string, string>;
  signatures: SingularitySignature[];
  signed: boolean;
}

export interface OsRelease {
  id?: string;
  idLike?: string[];
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  /** Every key of the file as written, for example `{ ID: "debian" }`. */
  fields: Record<string, string>;
}

export type PackageEcosystem = "deb" | "apk" | "rpm" | "pypi" | "npm";

export interface PackageRecord {
  ecosystem: PackageEcosystem;
  name: string;
  version: string;
  architecture?: string;
  /** Package URL, for example `pkg:deb/debian/bash@5.2.15-2?arch=amd64`. */
  purl: string;
  /** Path of the database or manifest the package was read from. */
  source: string;
  /** Index of the layer that added the package, when known. */
  layer?: number;
  /** Source package name, for distributions that track advisories by source package. */
  sourceName?: string;
  sourceVersion?: string;
  licenses?: string[];
}

export interface AdvisoryRecord {
  id: string;
  aliases: string[];
  summary?: string;
  severity?: "low" | "medium" | "high" | "critical";
  /** CVSS vector the severity came from, when one was used. */
  cvss?: string;
  /** Purl of the affected package. */
  purl: string;
  installedVersion: string;
  fixedVersion?: string;
  url?: string;
}

export interface ImageInfo {
  /** Image reference as the user gave it, for example a path or `oci:./layout:tag`. */
  name: string;
  /** Detected format, for example `oci-layout`, `docker-archive`, `rootfs`, `tar`, `sif`. */
  format: string;
  digest?: string;
  platform?: string;
}

export interface ImageData {
  info: ImageInfo;
  files: FileRecord[];
  layers?: LayerRecord[];
  config?: ImageConfig;
  singularity?: SingularityMetadata;
  osRelease?: OsRelease;
  packages?: PackageRecord[];
  advisories?: AdvisoryRecord[];
  /** True when the engine looked advisories up in a database; false when none is imported. */
  advisoryDatabase?: { available: boolean; updatedAt?: string };
  /** Problems met while reading, for example a symlink loop or a truncated file. */
  notes?: string[];
}
