import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { matchGlob, type FileRecord, type FileType, type ImageData, type LayerRecord } from "@checks/sdk";
import { INVENTORY_CONTENT_NEEDS } from "../../src/index.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/**
 * Returns the Debian root filesystem that `pnpm images` builds with debootstrap:
 * `$CHECKS_TEST_IMAGES/rootfs`, else `.cache/images/rootfs` at the repository root.
 * Throws when it is missing, so a test that needs it fails with the fix.
 */
export function debianRootfs(): string {
  const base = process.env.CHECKS_TEST_IMAGES ?? join(REPO_ROOT, ".cache", "images");
  for (const candidate of [join(base, "rootfs"), join(base, "debian", "rootfs")]) {
    if (existsSync(join(candidate, "var", "lib", "dpkg", "status"))) return candidate;
  }
  throw new Error(`The Debian test root filesystem is missing under ${base}; run "pnpm images" at the repository root to build it.`);
}

function typeOf(stats: Stats): FileType {
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isDirectory()) return "directory";
  if (stats.isCharacterDevice()) return "char-device";
  if (stats.isBlockDevice()) return "block-device";
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  return "file";
}

/**
 * Reads a folder as one image layer, the way the engine collects it for
 * inventory: metadata for every entry, content only for INVENTORY_CONTENT_NEEDS.
 * Symlinks are recorded, never followed.
 */
export function readFolder(root: string, layer: number): FileRecord[] {
  const records: FileRecord[] = [];
  const walk = (folder: string, imagePath: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      const path = `${imagePath}/${name}`;
      const stats = lstatSync(full);
      const type = typeOf(stats);
      const record: FileRecord = { path, type, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, size: type === "file" ? stats.size : 0, layer };
      if (type === "symlink") record.linkTarget = readlinkSync(full);
      if (type === "file") {
        const need = INVENTORY_CONTENT_NEEDS.find((candidate) => matchGlob(candidate.glob, path));
        if (need) {
          const bytes = readFileSync(full);
          record.content = bytes.length > need.maxBytes ? bytes.subarray(0, need.maxBytes) : bytes;
          if (bytes.length > need.maxBytes) record.contentTruncated = true;
        }
      }
      records.push(record);
      if (type === "directory") walk(full, path);
    }
  };
  walk(root, "");
  return records;
}

/** Builds ImageData from folders, one layer each, later layers overriding earlier paths. */
export function imageFromFolders(name: string, folders: string[]): ImageData {
  const merged = new Map<string, FileRecord>();
  const layers: LayerRecord[] = [];
  folders.forEach((folder, index) => {
    const records = readFolder(folder, index);
    for (const record of records) merged.set(record.path, record);
    layers.push({ index, entries: records.map(({ layer: _layer, hardlinks: _hardlinks, ...entry }) => entry) });
  });
  return { info: { name, format: "rootfs" }, files: [...merged.values()], ...(folders.length > 1 ? { layers } : {}) };
}
