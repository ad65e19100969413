import { SquashfsError } from "../errors.js";
import type { InodeRef } from "./inode.js";
import { MetadataCursor, type MetadataReader } from "./metadata.js";

export interface DirectoryEntry {
  name: string;
  ref: InodeRef;
  /** Basic inode type (1 to 7) as the listing records it. */
  type: number;
  inodeNumber: number;
}

/** Entries per directory header, as squashfs-tools writes them (SQUASHFS_DIR_COUNT). */
const MAX_ENTRIES_PER_HEADER = 256;
const utf8 = new TextDecoder("utf-8", { fatal: false });

export interface DirectoryContext {
  reader: MetadataReader;
  inodeTableStart: number;
  directoryTableStart: number;
  file?: string;
}

/**
 * Reads the listing of one directory. `listingSize` is the inode's file size
 * minus 3 (squashfs counts "." and ".." in the size but does not store them).
 * Names that are empty, `.`, `..` or contain `/` or NUL are rejected, as are
 * duplicate names.
 */
export async function readDirectory(
  context: DirectoryContext,
  startBlock: number,
  offset: number,
  listingSize: number,
  directoryPath: string,
): Promise<DirectoryEntry[]> {
  const { reader, inodeTableStart, directoryTableStart, file } = context;
  const entries: DirectoryEntry[] = [];
  if (listingSize <= 0) return entries;

  const cursor = new MetadataCursor(reader, directoryTableStart + startBlock, offset);
  const fail = (message: string): never => {
    throw new SquashfsError("INVALID_DIRECTORY", `directory ${directoryPath}: ${message}`, cursor.position, file);
  };
  const seen = new Set<string>();
  let remaining = listingSize;

  while (remaining > 0) {
    if (remaining < 12) fail(`${remaining} bytes left, too few for a directory header`);
    const header = await cursor.view(12);
    remaining -= 12;
    const count = header.getUint32(0, true) + 1;
    const inodeBlock = header.getUint32(4, true);
    const baseInode = header.getUint32(8, true);
    if (count > MAX_ENTRIES_PER_HEADER) fail(`header declares ${count} entries; at most ${MAX_ENTRIES_PER_HEADER} are allowed`);
    if (inodeTableStart + inodeBlock >= directoryTableStart) fail(`inode block ${inodeBlock} lies outside the inode table`);

    for (let i = 0; i < count; i++) {
      if (remaining < 8) fail(`${remaining} bytes left, too few for a directory entry`);
      const entry = await cursor.view(8);
      const inodeOffset = entry.getUint16(0, true);
      const inodeDelta = entry.getInt16(2, true);
      const type = entry.getUint16(4, true);
      const nameSize = entry.getUint16(6, true) + 1;
      remaining -= 8 + nameSize;
      if (remaining < 0) fail("an entry name runs past the end of the listing");
      if (nameSize > 256) fail(`name of ${nameSize} bytes is longer than 256`);
      if (type < 1 || type > 7) fail(`entry type ${type} is not a basic inode type`);
      if (inodeOffset >= 8192) fail(`inode offset ${inodeOffset} lies past a metadata block`);

      const rawName = await cursor.bytes(nameSize);
      const name = utf8.decode(rawName);
      if (name === "." || name === ".." || rawName.includes(0x2f) || rawName.includes(0)) {
        throw new SquashfsError("INVALID_NAME", `directory ${directoryPath}: entry name ${JSON.stringify(name)} is not allowed`, cursor.position, file);
      }
      if (seen.has(name)) {
        throw new SquashfsError("DUPLICATE_ENTRY", `directory ${directoryPath}: name ${JSON.stringify(name)} appears twice`, cursor.position, file);
      }
      seen.add(name);
      entries.push({ name, ref: { block: inodeBlock, offset: inodeOffset }, type, inodeNumber: baseInode + inodeDelta });
    }
  }
  return entries;
}
