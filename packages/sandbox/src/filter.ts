import { FileIndex, matchAny } from "@checks/sdk";
import type { Capability, FileRecord, ImageData, LayerRecord } from "@checks/sdk";
import type { CheckManifest } from "@checks/sdk/host";
import { resolvePath } from "@checks/sdk";

/** Needs of one check, in the form the SDK's view enforces. */
export interface DeclaredNeeds {
  paths: readonly string[];
  content: readonly string[];
  maxBytes: number;
  capabilities: readonly Capability[];
}

/** Converts a manifest check's needs (`content: true` means every declared path) into DeclaredNeeds. */
export function needsFromManifest(check: CheckManifest): DeclaredNeeds {
  const paths = check.needs.paths;
  let content: readonly string[] = [];
  if (check.needs.content === true) content = paths;
  else if (Array.isArray(check.needs.content)) content = check.needs.content;
  return { paths, content, maxBytes: check.needs.maxBytes, capabilities: check.needs.capabilities };
}

/**
 * Returns a copy of the image data that holds only what the given checks
 * declared: entries matching their path globs, content only for their content
 * globs (cut to the largest declared maxBytes), and the capabilities' data.
 * Also kept, as metadata only, are the records the SDK's view visits when it
 * resolves a declared path: ancestor folders and symlinks on the way, with
 * their targets. A plugin can therefore never read undeclared data, even if
 * it bypasses the view, because that data is not in its isolate. Pass the
 * image's FileIndex when filtering the same image more than once.
 */
export function filterImageData(data: ImageData, declared: readonly DeclaredNeeds[], index: FileIndex = new FileIndex(data)): ImageData {
  const paths = unique(declared.flatMap((needs) => needs.paths));
  const content = unique(declared.flatMap((needs) => needs.content));
  const maxBytes = Math.max(0, ...declared.map((needs) => needs.maxBytes));
  const capabilities = new Set(declared.flatMap((needs) => needs.capabilities));

  const kept = new Map<string, FileRecord>();
  const keep = (record: FileRecord, withContent: boolean): void => {
    const existing = kept.get(record.path);
    if (existing && (existing.content !== undefined || !withContent)) return;
    kept.set(record.path, copyRecord(record, withContent ? maxBytes : -1));
  };

  for (const record of index.byPath.values()) {
    if (matchAny(paths, record.path)) keep(record, matchAny(content, record.path));
  }
  for (const record of index.byPath.values()) {
    if (record.type === "symlink" && symlinkMayBeOnDeclaredPath(record.path, paths)) {
      keepSymlinkTarget(index, record.path, paths, content, keep);
    }
  }
  for (const path of [...kept.keys()]) {
    for (let at = path.lastIndexOf("/"); at > 0; at = path.lastIndexOf("/", at - 1)) {
      const parent = index.lookup(path.slice(0, at));
      if (parent) keep(parent, false);
    }
  }
  const root = index.lookup("/");
  if (root) keep(root, false);

  const filtered: ImageData = {
    info: { ...data.info },
    files: [...kept.values()].sort(byPath),
  };
  if (data.osRelease) filtered.osRelease = data.osRelease;
  if (capabilities.has("config") && data.config) filtered.config = data.config;
  if (capabilities.has("singularity") && data.singularity) filtered.singularity = data.singularity;
  if (capabilities.has("packages") && data.packages) filtered.packages = data.packages;
  if (capabilities.has("advisories")) {
    if (data.advisories) filtered.advisories = data.advisories;
    if (data.advisoryDatabase) filtered.advisoryDatabase = data.advisoryDatabase;
  }
  if (capabilities.has("layers") && data.layers) {
    filtered.layers = data.layers.map((layer) => filterLayer(layer, paths, content, maxBytes));
  }
  return filtered;
}

/**
 * Keeps what resolving a symlink visits and, when the target is a folder, the
 * entries below it whose path through the link is declared.
 * NOTE: entries reached through a second symlinked folder below the target are
 * not kept, so such a read returns undefined inside the sandbox.
 */
function keepSymlinkTarget(
  index: FileIndex,
  linkPath: string,
  paths: readonly string[],
  content: readonly string[],
  keep: (record: FileRecord, withContent: boolean) => void,
): void {
  const visited: FileRecord[] = [];
  const recording = {
    lookup(path: string) {
      const record = index.lookup(path);
      if (record) visited.push(record);
      return record;
    },
  };
  const resolved = resolvePath(recording, linkPath, true);
  for (const record of visited) keep(record, false);
  if (!resolved.ok) return;

  const target = index.lookup(resolved.path);
  if (!target) return;
  if (target.type === "file") {
    if (matchAny(content, linkPath)) keep(target, true);
    return;
  }
  if (target.type !== "directory") return;

  const prefix = target.path === "/" ? "/" : target.path + "/";
  for (const path of pathsBelow(index.sortedPaths, prefix)) {
    const alias = linkPath + "/" + path.slice(prefix.length);
    if (matchAny(paths, alias)) keep(index.lookup(path)!, matchAny(content, alias));
  }
}

/** Returns the sorted paths that start with `prefix`, found by binary search. */
function pathsBelow(sorted: readonly string[], prefix: string): string[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < prefix) low = middle + 1;
    else high = middle;
  }
  const result: string[] = [];
  for (let i = low; i < sorted.length && sorted[i]!.startsWith(prefix); i++) result.push(sorted[i]!);
  return result;
}

/**
 * Returns true when a declared glob can match the link itself or a path below
 * it. The test is conservative: it may keep a symlink no glob reaches, but never
 * drops one a glob reaches.
 */
function symlinkMayBeOnDeclaredPath(linkPath: string, globs: readonly string[]): boolean {
  if (matchAny(globs, linkPath)) return true;
  for (const glob of globs) {
    const wildcard = glob.search(/[*?[{]/);
    if (wildcard === 0) return true;
    const literal = wildcard === -1 ? glob : glob.slice(0, wildcard);
    if (literal.startsWith(linkPath + "/")) return true;
    if (wildcard !== -1 && linkPath.startsWith(literal.slice(0, literal.lastIndexOf("/") + 1))) return true;
  }
  return false;
}

function filterLayer(layer: LayerRecord, paths: readonly string[], content: readonly string[], maxBytes: number): LayerRecord {
  const entries = layer.entries
    .filter((entry) => matchAny(paths, entry.path))
    .map((entry) => copyRecord(entry, matchAny(content, entry.path) ? maxBytes : -1));
  return { ...layer, entries };
}

/** Copies a record; `maxBytes` -1 drops the content, otherwise the content is cut to that many bytes. */
function copyRecord<T extends { content?: Uint8Array; contentTruncated?: boolean }>(record: T, maxBytes: number): T {
  const copy = { ...record };
  if (maxBytes < 0 || record.content === undefined) {
    delete copy.content;
    delete copy.contentTruncated;
    return copy;
  }
  if (record.content.length > maxBytes) {
    copy.content = record.content.slice(0, maxBytes);
    copy.contentTruncated = true;
  }
  return copy;
}

function byPath(a: FileRecord, b: FileRecord): number {
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
