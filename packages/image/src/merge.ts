/**
 * Applies layers, one after another, to one merged filesystem, with the OCI
 * rules (as overlayfs shows them):
 * - `.wh.NAME` deletes NAME from the layers below; `.wh..wh..opq` empties its
 *   folder of everything from below, wherever it sits in the tar. Whiteouts of a
 *   layer never touch entries of the same layer. A bare `.wh.` and other
 *   `.wh..wh.*` names delete nothing. No marker is visible in the merged view.
 * - A non-directory over a directory hides the whole lower subtree; a directory
 *   over a directory keeps its children; a directory re-created after deletion
 *   starts empty. The last duplicate entry in a tar wins.
 * - A missing parent folder is created implicitly; one over a non-directory
 *   replaces it (overlayfs shows the upper folder, not the lower symlink).
 * - Hardlink targets are relative to the archive root and bind to the target as
 *   it is at that point of that layer; chains are followed; every name of one
 *   file is reported in `hardlinks`.
 */
import { normalizePath, type FileRecord, type FileType, type LayerEntryRecord } from "@checks/sdk";
import type { TarEntry } from "./tar.js";

const OPAQUE = ".wh..wh..opq";
const WHITEOUT_PREFIX = ".wh.";
const AUFS_PREFIX = ".wh..wh.";

/** Where a file's bytes physically are: which layer, and the entry's header offset in it. */
export interface ContentSource {
  layer: number;
  offset: number;
}

interface Node {
  record: FileRecord;
  source?: ContentSource;
  group?: number;
  origin?: LayerEntryRecord;
}

interface PendingEntry {
  entry: TarEntry;
  content?: Uint8Array;
  truncated?: boolean;
  raw?: LayerEntryRecord;
}

export interface MergeOptions {
  rawLayers: boolean;
  notes: string[];
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function parentOf(path: string): string {
  const at = path.lastIndexOf("/");
  return at <= 0 ? "/" : path.slice(0, at);
}

function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

export class Merger {
  readonly nodes = new Map<string, Node>();
  private readonly children = new Map<string, Set<string>>();
  private readonly layers: { entries: LayerEntryRecord[] }[] = [];
  private pending: PendingEntry[] = [];
  private layer = -1;
  private nextGroup = 1;

  constructor(private readonly options: MergeOptions) {
    this.nodes.set("/", { record: { path: "/", type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 } });
  }

  beginLayer(index: number): void {
    this.layer = index;
    this.pending = [];
    this.layers[index] = { entries: [] };
  }

  /** Records one entry of the current layer; applied at endLayer. */
  add(entry: TarEntry): PendingEntry {
    const pending: PendingEntry = { entry };
    this.pending.push(pending);
    return pending;
  }

  endLayer(): void {
    const layer = this.layer;
    const additions: PendingEntry[] = [];
    const deletions: { path: string; opaque: boolean }[] = [];

    // Classify markers, and build the raw view of the layer.
    for (const item of this.pending) {
      const { entry } = item;
      const name = baseName(entry.path);
      if (name.startsWith(WHITEOUT_PREFIX) || entry.path.includes("/" + AUFS_PREFIX)) {
        const dir = parentOf(entry.path);
        if (name === OPAQUE) {
          deletions.push({ path: dir, opaque: true });
          this.raw(item, { path: dir, opaque: true });
        } else if (name.length > WHITEOUT_PREFIX.length && !name.startsWith(AUFS_PREFIX) && !entry.path.includes("/" + AUFS_PREFIX)) {
          const target = joinPath(dir, name.slice(WHITEOUT_PREFIX.length));
          deletions.push({ path: target, opaque: false });
          this.raw(item, { path: target, whiteout: true });
        } else {
          // A bare ".wh." or AUFS metadata (".wh..wh.plnk/..."): deletes nothing, never visible.
          this.raw(item, { path: entry.path, hiddenInMerged: true });
        }
        continue;
      }
      if (entry.path === "/" && entry.type !== "directory") {
        this.options.notes.push(`Layer ${layer}: an entry replaces the root folder with a ${entry.type}; ignored.`);
        continue;
      }
      item.raw = this.raw(item, {});
      additions.push(item);
    }

    // Deletions apply to the layers below only, so they run before this layer's additions.
    for (const { path, opaque } of deletions) {
      if (opaque) {
        for (const child of [...(this.children.get(path) ?? [])]) this.removeTree(child);
      } else if (path !== "/") {
        this.removeTree(path);
      }
    }

    // Additions in tar order: the last duplicate wins.
    const deferred: PendingEntry[] = [];
    for (const item of additions) {
      if (item.entry.type === "hardlink" && !this.bindHardlink(item, false)) deferred.push(item);
      else if (item.entry.type !== "hardlink") this.put(item.entry.path, this.recordFor(item), item);
    }
    // Hardlinks whose target came later in the tar (invalid, but seen): one more try, then a note.
    for (const item of deferred) this.bindHardlink(item, true);
    this.pending = [];
  }

  private raw(item: PendingEntry, fields: Partial<LayerEntryRecord>): LayerEntryRecord | undefined {
    if (!this.options.rawLayers) return undefined;
    const { entry } = item;
    const record: LayerEntryRecord = {
      path: entry.path,
      type: entry.type === "hardlink" ? "file" : entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      size: entry.type === "file" ? entry.size : 0,
      ...fields,
    };
    if (entry.mtime !== undefined) record.mtime = entry.mtime;
    if (entry.type === "symlink") record.linkTarget = entry.linkName ?? "";
    if (entry.type === "hardlink") record.hardlinkTarget = normalizeLink(entry.linkName ?? "");
    if (entry.xattrs) record.xattrs = entry.xattrs;
    if (entry.device) record.device = entry.device;
    if (item.content) {
      record.content = item.content;
      if (item.truncated) record.contentTruncated = true;
    }
    this.layers[this.layer]!.entries.push(record);
    return record;
  }

  private recordFor(item: PendingEntry): FileRecord {
    const { entry } = item;
    const record: FileRecord = {
      path: entry.path,
      type: entry.type as FileType,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      size: entry.type === "file" ? entry.size : 0,
      layer: this.layer,
    };
    if (entry.mtime !== undefined) record.mtime = entry.mtime;
    if (entry.type === "symlink") record.linkTarget = entry.linkName ?? "";
    if (entry.xattrs) record.xattrs = entry.xattrs;
    if (entry.device) record.device = entry.device;
    if (item.content) {
      record.content = item.content;
      if (item.truncated) record.contentTruncated = true;
    }
    return record;
  }

  private bindHardlink(item: PendingEntry, last: boolean): boolean {
    const { entry } = item;
    const targetPath = normalizeLink(entry.linkName ?? "");
    const target = this.nodes.get(targetPath);
    if (!target || target.record.type === "directory" || targetPath === entry.path) {
      if (!last) return false;
      this.options.notes.push(`Layer ${this.layer}: hardlink ${entry.path} points to ${targetPath}, which is ${target ? "not a file" : "missing"}; kept as an empty file.`);
      this.put(entry.path, { path: entry.path, type: "file", mode: entry.mode, uid: entry.uid, gid: entry.gid, size: 0, layer: this.layer }, item);
      return true;
    }
    target.group ??= this.nextGroup++;
    const { path: _path, layer: _layer, hardlinks: _links, ...shared } = target.record;
    const record: FileRecord = { ...shared, path: entry.path, layer: this.layer };
    this.put(entry.path, record, item, target.source, target.group);
    return true;
  }

  private put(path: string, record: FileRecord, item: PendingEntry, source?: ContentSource, group?: number): void {
    const existing = this.nodes.get(path);
    if (existing && existing.record.type === "directory" && record.type !== "directory") {
      this.removeTree(path);
    }
    this.ensureParents(path);
    const node: Node = {
      record,
      source: source ?? (record.type === "file" ? { layer: this.layer, offset: item.entry.headerOffset } : undefined),
    } as Node;
    if (group !== undefined) node.group = group;
    if (item.raw) node.origin = item.raw;
    this.nodes.set(path, node);
    if (path !== "/") this.childSet(parentOf(path)).add(path);
  }

  private childSet(dir: string): Set<string> {
    let set = this.children.get(dir);
    if (!set) {
      set = new Set();
      this.children.set(dir, set);
    }
    return set;
  }

  private ensureParents(path: string): void {
    const missing: string[] = [];
    for (let dir = parentOf(path); dir !== "/"; dir = parentOf(dir)) {
      const node = this.nodes.get(dir);
      if (node && node.record.type === "directory") break;
      if (node) this.removeTree(dir); // a folder over a non-directory replaces it
      missing.push(dir);
    }
    for (let i = missing.length - 1; i >= 0; i--) {
      const dir = missing[i]!;
      this.nodes.set(dir, { record: { path: dir, type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: this.layer } });
      this.childSet(parentOf(dir)).add(dir);
    }
  }

  /** Removes a path and everything under it (iteratively: depth is bounded by limits, not by the stack). */
  private removeTree(path: string): void {
    if (!this.nodes.has(path)) return;
    this.children.get(parentOf(path))?.delete(path);
    const stack = [path];
    while (stack.length > 0) {
      const current = stack.pop()!;
      this.nodes.delete(current);
      const kids = this.children.get(current);
      if (kids) {
        for (const kid of kids) stack.push(kid);
        this.children.delete(current);
      }
    }
  }

  /** Paths under a folder (not the folder itself), depth first, up to `max` of them. */
  *descendants(dir: string, max: number): Generator<string> {
    const stack = [...(this.children.get(dir) ?? [])];
    let count = 0;
    while (stack.length > 0 && count < max) {
      const current = stack.pop()!;
      count++;
      yield current;
      const kids = this.children.get(current);
      if (kids) for (const kid of kids) stack.push(kid);
    }
  }

  sourceOf(path: string): ContentSource | undefined {
    return this.nodes.get(path)?.source;
  }

  /** Files of the merged view (every entry, folders included) and the raw layers. */
  finish(): { files: FileRecord[]; layers: LayerEntryRecord[][] } {
    const groups = new Map<number, string[]>();
    for (const [path, node] of this.nodes) {
      if (node.group === undefined) continue;
      let members = groups.get(node.group);
      if (!members) groups.set(node.group, (members = []));
      members.push(path);
    }
    const files: FileRecord[] = [];
    for (const [path, node] of this.nodes) {
      const { record } = node;
      if (node.group !== undefined) {
        const others = groups.get(node.group)!.filter((other) => other !== path);
        if (others.length > 0) record.hardlinks = others.sort();
      }
      files.push(record);
    }
    files.sort((a, b) => {
      if (a.path === b.path) return 0;
      return a.path < b.path ? -1 : 1;
    });

    if (!this.options.rawLayers) return { files, layers: [] };
    const visible = new Set<LayerEntryRecord>();
    for (const node of this.nodes.values()) if (node.origin) visible.add(node.origin);
    const layers = this.layers.map(({ entries }) => {
      for (const entry of entries) {
        if (entry.whiteout || entry.opaque || entry.hiddenInMerged) continue;
        if (!visible.has(entry)) entry.hiddenInMerged = true;
      }
      return entries;
    });
    return { files, layers };
  }
}

/** Hardlink names are relative to the archive root, whatever leading "./" or "/" they carry. */
export function normalizeLink(name: string): string {
  return normalizePath("/" + name);
}
