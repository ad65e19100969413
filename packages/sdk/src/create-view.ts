import type { Capability } from "./levels.js";
import type { FileRecord, ImageData, LayerEntryRecord } from "./image-data.js";
import type { FileStat, FileSystemView, ImageView, LayerView, ReadOptions, WalkOptions } from "./view.js";
import { AccessDeniedError } from "./view.js";
import { matchAny } from "./glob.js";
import { normalizePath, resolvePath } from "./paths.js";

/** Declared access of one check, as the view enforces it. */
export interface AccessPolicy {
  readonly checkId: string;
  readonly paths: readonly string[];
  readonly content: readonly string[];
  readonly maxBytes: number;
  readonly capabilities: readonly Capability[];
}

export interface ViewHandle {
  readonly view: ImageView;
  /** Number of reads the policy rejected. */
  deniedCount(): number;
  /** Notes the view recorded, for example a symlink loop met while resolving a path. */
  notes(): readonly string[];
}

const decoder = new TextDecoder("utf-8", { fatal: false });

/** Indexes an image's merged files by path; build once per image and share between checks. */
export class FileIndex {
  readonly byPath = new Map<string, FileRecord>();
  readonly sortedPaths: string[];

  constructor(readonly data: ImageData) {
    for (const record of data.files) this.byPath.set(record.path, record);
    this.sortedPaths = [...this.byPath.keys()].sort();
  }

  lookup(path: string): FileRecord | undefined {
    return this.byPath.get(path);
  }
}

/**
 * Creates the ImageView of one check over an image's data. Every read is
 * checked against the check's declared paths, content globs and capabilities.
 */
export function createImageView(data: ImageData | FileIndex, policy: AccessPolicy): ViewHandle {
  const index = data instanceof FileIndex ? data : new FileIndex(data);
  const image = index.data;
  let denied = 0;
  const notes: string[] = [];
  const truncated = new Set<string>();

  const deny = (message: string): never => {
    denied++;
    throw new AccessDeniedError(`Check "${policy.checkId}" ${message}`);
  };
  const requirePath = (path: string): string => {
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new TypeError(`Paths inside the image are absolute; received ${JSON.stringify(path)}.`);
    }
    const normalized = normalizePath(path);
    if (!matchAny(policy.paths, normalized)) {
      deny(`did not declare "${normalized}" in needs.paths; add a glob that matches it.`);
    }
    return normalized;
  };
  const requireCapability = (capability: Capability): void => {
    if (!policy.capabilities.includes(capability)) {
      deny(`did not declare the "${capability}" capability; add it to needs.capabilities.`);
    }
  };
  const capBytes = (options?: ReadOptions): number => Math.min(options?.maxBytes ?? policy.maxBytes, policy.maxBytes);

  const resolve = (path: string, followLast: boolean): FileRecord | undefined => {
    if (path === "/") return index.lookup("/");
    const result = resolvePath(index, path, followLast);
    if (!result.ok) {
      if (result.reason === "loop") notes.push(`Symlink loop at ${path}; treated as missing.`);
      return undefined;
    }
    return index.lookup(result.path);
  };

  const readContent = (requested: string, record: FileRecord | undefined, options?: ReadOptions): Uint8Array | undefined => {
    if (!record || record.type !== "file") return undefined;
    if (!matchAny(policy.content, requested) && !matchAny(policy.content, record.path)) {
      deny(`did not declare content access to "${requested}" in needs.content; add a glob that matches it.`);
    }
    if (record.content === undefined) {
      if (record.size === 0) return new Uint8Array(0);
      notes.push(`Content of ${record.path} was not collected; the file was skipped.`);
      return undefined;
    }
    const limit = capBytes(options);
    const bytes = record.content.length > limit ? record.content.subarray(0, limit) : record.content;
    if (record.contentTruncated || bytes.length < record.content.length) truncated.add(requested);
    else truncated.delete(requested);
    return bytes;
  };

  const files: FileSystemView = {
    walk(globs?: string | readonly string[], options?: WalkOptions): readonly FileStat[] {
      const patterns = globs === undefined ? policy.paths : typeof globs === "string" ? [globs] : globs;
      const result: FileStat[] = [];
      for (const path of index.sortedPaths) {
        if (!matchAny(patterns, path) || !matchAny(policy.paths, path)) continue;
        const record = index.byPath.get(path)!;
        if (options?.types && !options.types.includes(record.type)) continue;
        result.push(toStat(record));
      }
      return result;
    },
    lstat(path) {
      const record = resolve(requirePath(path), false);
      return record && toStat(record);
    },
    stat(path) {
      const record = resolve(requirePath(path), true);
      return record && toStat(record);
    },
    exists(path) {
      return resolve(requirePath(path), false) !== undefined;
    },
    readlink(path) {
      const record = resolve(requirePath(path), false);
      return record?.type === "symlink" ? record.linkTarget : undefined;
    },
    readBytes(path, options) {
      const normalized = requirePath(path);
      return readContent(normalized, resolve(normalized, true), options);
    },
    readText(path, options) {
      const bytes = files.readBytes(path, options);
      return bytes && decoder.decode(bytes);
    },
    isTruncated(path) {
      return truncated.has(normalizePath(path));
    },
  };

  const layerViews = (): LayerView[] =>
    (image.layers ?? []).map((layer) => {
      const visible = layer.entries.filter((entry) => matchAny(policy.paths, entry.path));
      const byPath = new Map<string, LayerEntryRecord>();
      for (const entry of visible) byPath.set(entry.path, entry);
      const readLayerBytes = (path: string, options?: ReadOptions): Uint8Array | undefined => {
        const normalized = requirePath(path);
        const entry = byPath.get(normalized);
        if (!entry || entry.type !== "file" || entry.whiteout) return undefined;
        if (!matchAny(policy.content, normalized)) {
          deny(`did not declare content access to "${normalized}" in needs.content; add a glob that matches it.`);
        }
        const limit = capBytes(options);
        return entry.content && (entry.content.length > limit ? entry.content.subarray(0, limit) : entry.content);
      };
      return Object.freeze({
        index: layer.index,
        digest: layer.digest,
        mediaType: layer.mediaType,
        createdBy: layer.createdBy,
        entries: () => visible.map(({ content: _content, ...rest }) => rest),
        readBytes: readLayerBytes,
        readText: (path: string, options?: ReadOptions) => {
          const bytes = readLayerBytes(path, options);
          return bytes && decoder.decode(bytes);
        },
      });
    });

  const view: ImageView = Object.freeze({
    info: Object.freeze({ ...image.info }),
    files: Object.freeze(files),
    osRelease: () => image.osRelease,
    config() {
      requireCapability("config");
      return image.config;
    },
    layers() {
      requireCapability("layers");
      return layerViews();
    },
    singularity() {
      requireCapability("singularity");
      return image.singularity;
    },
    packages() {
      requireCapability("packages");
      return image.packages ?? [];
    },
    advisories(purl?: string) {
      requireCapability("advisories");
      const all = image.advisories ?? [];
      return purl === undefined ? all : all.filter((advisory) => advisory.purl === purl);
    },
    advisoryDatabaseAvailable() {
      requireCapability("advisories");
      return image.advisoryDatabase?.available ?? false;
    },
  });

  return { view, deniedCount: () => denied, notes: () => notes };
}

function toStat(record: FileRecord): FileStat {
  const { content: _content, contentTruncated: _truncated, ...stat } = record;
  return stat;
}
