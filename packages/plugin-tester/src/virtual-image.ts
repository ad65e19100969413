import type {
  AdvisoryRecord,
  FileRecord,
  FileType,
  ImageConfig,
  ImageData,
  LayerEntryRecord,
  LayerRecord,
  OsRelease,
  PackageRecord,
  SingularityMetadata,
} from "@checks/sdk";
import { normalizePath, parentPath } from "@checks/sdk";

/** A file written as a plain string is a regular file with mode 0644 owned by root. */
export type VirtualEntry =
  | string
  | Uint8Array
  | {
      type?: FileType;
      content?: string | Uint8Array;
      /** Permission bits, for example `0o4755` for a setuid binary. */
      mode?: number;
      uid?: number;
      gid?: number;
      mtime?: number;
      /** Makes the entry a symlink to this target. */
      symlink?: string;
      /** Makes the entry a hardlink to this other path, which must be a file of the same or an earlier layer. */
      hardlink?: string;
      xattrs?: Record<string, string | Uint8Array>;
      major?: number;
      minor?: number;
      /** In a layer: deletes this path and everything below it from lower layers (an OCI whiteout). */
      whiteout?: boolean;
      /** In a layer: a directory whose lower-layer content is hidden (an OCI opaque directory). */
      opaque?: boolean;
    };

export interface VirtualLayer {
  files: Record<string, VirtualEntry>;
  createdBy?: string;
  digest?: string;
}

export interface VirtualImageSpec {
  name?: string;
  format?: string;
  /** Files of a single-layer image. Use `layers` instead for several layers. */
  files?: Record<string, VirtualEntry>;
  layers?: VirtualLayer[];
  config?: Partial<ImageConfig>;
  singularity?: Partial<SingularityMetadata>;
  osRelease?: OsRelease | string;
  packages?: PackageRecord[];
  advisories?: AdvisoryRecord[];
  /** Whether an advisory database is available; true when `advisories` is given. */
  advisoryDatabase?: boolean;
}

const encoder = new TextEncoder();

/**
 * Builds ImageData from a plain object. Parent folders are created as needed
 * (mode 0755, root), later layers override earlier ones, whiteouts and opaque
 * folders hide lower content, and every file carries its content.
 */
export function virtualImage(spec: VirtualImageSpec = {}): ImageData {
  const layers = spec.layers ?? [{ files: spec.files ?? {} }];
  if (spec.files && spec.layers) throw new TypeError("virtualImage: give either files or layers, not both.");

  const merged = new Map<string, FileRecord>();
  merged.set("/", directory("/", 0));
  const layerRecords: LayerRecord[] = [];

  layers.forEach((layer, index) => {
    const entries: LayerEntryRecord[] = [];
    for (const [rawPath, entry] of Object.entries(layer.files)) {
      const path = normalizePath(rawPath);
      const record = toRecord(path, entry, index, merged);
      const options = typeof entry === "object" && !(entry instanceof Uint8Array) ? entry : {};

      if (options.whiteout) {
        deleteTree(merged, path);
        entries.push({ ...stripLayer(record), whiteout: true });
        continue;
      }
      if (options.opaque) {
        deleteTree(merged, path);
        entries.push({ ...stripLayer(record), opaque: true });
      } else {
        entries.push({ ...stripLayer(record), ...(options.hardlink ? { hardlinkTarget: normalizePath(options.hardlink) } : {}) });
      }

      ensureParents(merged, path, index);
      const existing = merged.get(path);
      if (existing?.type === "directory" && record.type !== "directory") deleteTree(merged, path);
      merged.set(path, record);
    }
    layerRecords.push({ index, digest: layer.digest ?? `sha256:${String(index).padStart(64, "0")}`, createdBy: layer.createdBy, entries });
  });

  markHidden(layerRecords, merged);
  linkHardlinks(merged);

  const image: ImageData = {
    info: { name: spec.name ?? "virtual-image", format: spec.format ?? "virtual" },
    files: [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
    layers: layerRecords,
    config: {
      env: {},
      labels: {},
      exposedPorts: [],
      volumes: [],
      history: layers.map((layer) => ({ createdBy: layer.createdBy })),
      ...spec.config,
    },
  };
  if (spec.singularity) {
    image.singularity = { environmentScripts: {}, environment: {}, labels: {}, actions: {}, signatures: [], signed: false, ...spec.singularity };
  }
  const osRelease = typeof spec.osRelease === "string" ? parseOsRelease(spec.osRelease) : spec.osRelease;
  if (osRelease) image.osRelease = osRelease;
  if (spec.packages) image.packages = spec.packages;
  if (spec.advisories) image.advisories = spec.advisories;
  image.advisoryDatabase = { available: spec.advisoryDatabase ?? spec.advisories !== undefined };
  return image;
}

function toRecord(path: string, entry: VirtualEntry, layer: number, merged: Map<string, FileRecord>): FileRecord {
  if (typeof entry === "string" || entry instanceof Uint8Array) {
    const content = typeof entry === "string" ? encoder.encode(entry) : entry;
    return { path, type: "file", mode: 0o644, uid: 0, gid: 0, size: content.length, layer, content };
  }
  if (entry.hardlink) {
    const target = merged.get(normalizePath(entry.hardlink));
    if (!target || target.type !== "file") {
      throw new TypeError(`virtualImage: hardlink ${path} points to ${entry.hardlink}, which is not a file of this or an earlier layer.`);
    }
    return { ...target, path, layer };
  }
  const type: FileType = entry.symlink !== undefined ? "symlink" : (entry.type ?? "file");
  const content = typeof entry.content === "string" ? encoder.encode(entry.content) : entry.content;
  const record: FileRecord = {
    path,
    type,
    mode: entry.mode ?? (type === "directory" ? 0o755 : type === "symlink" ? 0o777 : 0o644),
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    size: type === "file" ? (content?.length ?? 0) : 0,
    layer,
  };
  if (type === "file") record.content = content ?? new Uint8Array(0);
  if (entry.mtime !== undefined) record.mtime = entry.mtime;
  if (entry.symlink !== undefined) record.linkTarget = entry.symlink;
  if (entry.xattrs) {
    record.xattrs = Object.fromEntries(
      Object.entries(entry.xattrs).map(([key, value]) => [key, typeof value === "string" ? encoder.encode(value) : value]),
    );
  }
  if (type === "char-device" || type === "block-device") record.device = { major: entry.major ?? 0, minor: entry.minor ?? 0 };
  return record;
}

function directory(path: string, layer: number): FileRecord {
  return { path, type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer };
}

function ensureParents(merged: Map<string, FileRecord>, path: string, layer: number): void {
  const parent = parentPath(path);
  if (parent === path) return;
  const existing = merged.get(parent);
  if (existing?.type === "directory") return;
  ensureParents(merged, parent, layer);
  merged.set(parent, directory(parent, layer));
}

function deleteTree(merged: Map<string, FileRecord>, path: string): void {
  const prefix = path === "/" ? "/" : path + "/";
  for (const key of [...merged.keys()]) if (key === path || key.startsWith(prefix)) merged.delete(key);
}

function stripLayer(record: FileRecord): LayerEntryRecord {
  const { layer: _layer, hardlinks: _hardlinks, ...entry } = record;
  return entry;
}

function markHidden(layers: LayerRecord[], merged: Map<string, FileRecord>): void {
  for (const layer of layers) {
    for (const entry of layer.entries) {
      if (entry.whiteout || entry.opaque) continue;
      const current = merged.get(entry.path);
      if (!current || current.layer !== layer.index) entry.hiddenInMerged = true;
    }
  }
}

function linkHardlinks(merged: Map<string, FileRecord>): void {
  const groups = new Map<Uint8Array, FileRecord[]>();
  for (const record of merged.values()) {
    if (record.type !== "file" || !record.content || record.content.length === 0) continue;
    const group = groups.get(record.content) ?? [];
    group.push(record);
    groups.set(record.content, group);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const record of group) record.hardlinks = group.filter((other) => other !== record).map((other) => other.path);
  }
}

/** Parses os-release text (`KEY=value` lines, values optionally quoted). */
export function parseOsRelease(text: string): OsRelease {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    fields[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  const release: OsRelease = { fields };
  if (fields.ID) release.id = fields.ID;
  if (fields.ID_LIKE) release.idLike = fields.ID_LIKE.split(/\s+/);
  if (fields.VERSION_ID) release.versionId = fields.VERSION_ID;
  if (fields.VERSION_CODENAME) release.versionCodename = fields.VERSION_CODENAME;
  if (fields.PRETTY_NAME) release.prettyName = fields.PRETTY_NAME;
  return release;
}
