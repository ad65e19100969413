/**
 * A root filesystem folder read as one layer: lstat only (symlinks are never
 * followed on the host), content opened with O_NOFOLLOW, hardlinks found by
 * inode. Node has no API for extended attributes, so a folder's xattrs
 * (security.capability) are not seen: NOTE: use an image or a tar with
 * --xattrs when capabilities matter.
 */
import { constants, type Stats } from "node:fs";
import { lstat, open, opendir, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { ImageLimits } from "./limits.js";
import { limitError } from "./limits.js";
import type { NeedMatcher } from "./needs.js";
import type { ContentBudget } from "./read.js";
import type { TarEntry, TarEntryType } from "./tar.js";

type Emit = (entry: TarEntry, content?: Uint8Array, truncated?: boolean) => void;

function typeOf(stats: Stats): TarEntryType | undefined {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "directory";
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isCharacterDevice()) return "char-device";
  if (stats.isBlockDevice()) return "block-device";
  if (stats.isFIFO()) return "fifo";
  return undefined; // sockets are not kept, as tar does not keep them
}

/** Linux dev_t encoding (glibc gnu_dev_major/minor). */
function splitDevice(rdev: number): { major: number; minor: number } {
  const high = Math.floor(rdev / 2 ** 32);
  const low = rdev >>> 0;
  return { major: ((low >>> 8) & 0xfff) | ((high & 0xfffff000) >>> 0), minor: (low & 0xff) | ((low >>> 12) & 0xfff00) };
}

export async function readRootfsFolder(
  root: string,
  limits: ImageLimits,
  matcher: NeedMatcher,
  budget: ContentBudget,
  notes: string[],
  emit: Emit,
): Promise<{ entries: number; /** Bytes of the regular files, as a tar of the folder would hold them. */ bytes: number }> {
  const inodes = new Map<string, string>();
  let entries = 0;
  let bytes = 0;
  const stack: string[] = ["/"];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const full = path === "/" ? root : join(root, path);
    let stats;
    try {
      stats = await lstat(full);
    } catch (error) {
      notes.push(`Could not read ${path}: ${(error as Error).message}; skipped.`);
      continue;
    }
    const type = typeOf(stats);
    if (!type) continue;
    if (++entries > limits.maxEntries) throw limitError("maxEntries", entries, limits.maxEntries, "Entries in the folder", root);
    if (path.length > limits.maxPathLength) throw limitError("maxPathLength", path.length, limits.maxPathLength, "Path length", full);

    const entry: TarEntry = {
      path,
      name: path,
      type,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      size: type === "file" ? stats.size : 0,
      mtime: Math.floor(stats.mtimeMs / 1000),
      headerOffset: entries,
      dataOffset: 0,
      dataSize: 0,
    };
    if (type === "symlink") entry.linkName = await readlink(full).catch(() => "");
    if (type === "char-device" || type === "block-device") entry.device = splitDevice(stats.rdev);
    if (type === "file" && stats.nlink > 1) {
      const key = `${stats.dev}:${stats.ino}`;
      const first = inodes.get(key);
      if (first !== undefined) {
        entry.type = "hardlink";
        entry.linkName = first;
        entry.size = 0;
        emit(entry);
        continue;
      }
      inodes.set(key, path);
    }

    if (type === "file") bytes += stats.size;
    if (type === "file" && stats.size > 0) {
      const cap = matcher.capFor(path);
      if (cap > 0) {
        const granted = budget.grant(Math.min(cap, stats.size), path);
        const content = await readRootfsContent(root, path, granted, notes);
        if (content) {
          budget.take(content.length);
          emit(entry, content, content.length < stats.size);
          continue;
        }
      }
    }
    emit(entry);

    if (type === "directory") {
      const depth = path === "/" ? 0 : path.split("/").length - 1;
      if (depth + 1 > limits.maxPathDepth) throw limitError("maxPathDepth", depth + 1, limits.maxPathDepth, "Path depth", full);
      const names: string[] = [];
      try {
        for await (const dirent of await opendir(full)) names.push(dirent.name);
      } catch (error) {
        notes.push(`Could not list ${path}: ${(error as Error).message}; its contents were skipped.`);
        continue;
      }
      names.sort().reverse();
      for (const name of names) stack.push(path === "/" ? `/${name}` : `${path}/${name}`);
    }
  }
  return { entries, bytes };
}

/** Reads up to `cap` bytes of a regular file inside the folder without following a symlink in its last component. */
export async function readRootfsContent(root: string, path: string, cap: number, notes: string[]): Promise<Uint8Array | undefined> {
  const full = join(root, path);
  let handle;
  try {
    handle = await open(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    notes.push(`Could not read ${path}: ${(error as Error).message}; its content was skipped.`);
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    const buffer = new Uint8Array(Math.min(cap, stats.size));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
