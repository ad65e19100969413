import type { FileType } from "@checks/sdk";
import { SquashfsError } from "../errors.js";
import type { ByteSource } from "../source.js";
import { decompressorFor, type Decompressor } from "./decompress.js";
import { readDirectory, type DirectoryContext } from "./directory.js";
import { decodeDevice, NO_FRAGMENT, NO_XATTR, readInode, type Inode, type InodeContext, type InodeRef } from "./inode.js";
import { resolveLimits, type SquashfsLimits } from "./limits.js";
import { MetadataCursor, MetadataReader } from "./metadata.js";
import { LookupTable, readFragmentEntry, readIds, XattrTable } from "./tables.js";
import { FLAG_NO_XATTRS, parseSuperblock, SUPERBLOCK_SIZE, type Superblock } from "./superblock.js";

/** One entry of a squashfs filesystem, with the fields `unsquashfs -lln` prints. */
export interface SquashfsEntry {
  /** Absolute path; the root directory is `/`. */
  path: string;
  type: FileType;
  /** Permission bits including setuid, setgid and sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Size of a regular file; listing size plus 3 of a directory; target length of a symlink; 0 otherwise. */
  size: number;
  mtime: number;
  inodeNumber: number;
  nlink: number;
  linkTarget?: string;
  device?: { major: number; minor: number };
  xattrs?: Record<string, Uint8Array>;
  /** The inode, for reading the content of a regular file. */
  inode: Inode;
}

export interface SquashfsOpenOptions {
  limits?: Partial<SquashfsLimits>;
  /** Name of the image file, used in error messages. */
  file?: string;
}

const BLOCK_UNCOMPRESSED = 1 << 24;
const FRAGMENT_CACHE_ENTRIES = 4;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * A squashfs 4.0 filesystem read with random access from a ByteSource. Only
 * the superblock and the id table are read on open; everything else is read
 * on demand and checked as it is read.
 */
export class SquashfsReader {
  private contentTotal = 0;
  private readonly fragmentCache = new Map<number, Uint8Array>();

  private constructor(
    readonly superblock: Superblock,
    private readonly source: ByteSource,
    private readonly decompress: Decompressor,
    private readonly metadata: MetadataReader,
    private readonly ids: Uint32Array,
    private readonly fragments: LookupTable | undefined,
    private readonly xattrs: XattrTable | undefined,
    readonly exportTable: LookupTable | undefined,
    readonly limits: SquashfsLimits,
    readonly file?: string,
  ) {}

  static async open(source: ByteSource, options: SquashfsOpenOptions = {}): Promise<SquashfsReader> {
    const { file } = options;
    const limits = resolveLimits(options.limits);

    const head = await source.read(0, SUPERBLOCK_SIZE);
    const superblock = parseSuperblock(head, source.size, file);
    const decompress = decompressorFor(superblock.compression, superblock.compressionName, file);
    const end = superblock.bytesUsed;
    const metadata = new MetadataReader(source, decompress, end, limits.maxMetadataBytes, file);

    const idTable = await LookupTable.open(source, metadata, { name: "id", start: superblock.idTableStart, entrySize: 4, count: superblock.idCount, end, file });
    const ids = await readIds(idTable);

    const fragments =
      superblock.fragmentTableStart === undefined || superblock.fragmentCount === 0
        ? undefined
        : await LookupTable.open(source, metadata, {
            name: "fragment",
            start: superblock.fragmentTableStart,
            entrySize: 16,
            count: superblock.fragmentCount,
            end,
            file,
          });

    const hasXattrs = superblock.xattrIdTableStart !== undefined && (superblock.flags & FLAG_NO_XATTRS) === 0;
    const xattrs = hasXattrs
      ? await XattrTable.open(source, metadata, { start: superblock.xattrIdTableStart!, end, maxBytesPerInode: limits.maxXattrBytesPerInode, file })
      : undefined;

    const exportTable =
      superblock.lookupTableStart === undefined
        ? undefined
        : await LookupTable.open(source, metadata, { name: "export", start: superblock.lookupTableStart, entrySize: 8, count: superblock.inodeCount, end, file });

    return new SquashfsReader(superblock, source, decompress, metadata, ids, fragments, xattrs, exportTable, limits, file);
  }

  /** Bytes of metadata decompressed so far. */
  get metadataBytesRead(): number {
    return this.metadata.bytesRead;
  }

  /**
   * Lists every entry, the root first. Entries come in walk order (a
   * directory's children together, in stored byte order), not sorted by path. Directory loops, over-deep trees, over-long paths
   * and more than `maxEntries` entries raise a SquashfsError.
   */
  async list(): Promise<SquashfsEntry[]> {
    const { limits, superblock, file } = this;
    const inodeContext: InodeContext = {
      reader: this.metadata,
      inodeTableStart: superblock.inodeTableStart,
      directoryTableStart: superblock.directoryTableStart,
      blockSize: superblock.blockSize,
      maxSymlinkLength: limits.maxSymlinkLength,
      file,
    };
    const directoryContext: DirectoryContext = { ...inodeContext };

    const root = await readInode(inodeContext, superblock.rootInode);
    if (root.fileType !== "directory") {
      throw new SquashfsError("INVALID_INODE", `the root inode is a ${root.fileType}, not a directory`, root.position, file);
    }

    const entries: SquashfsEntry[] = [];
    const visitedDirectories = new Set<number>();
    const stack: { inode: Inode; path: string; depth: number }[] = [{ inode: root, path: "/", depth: 0 }];
    entries.push(await this.toEntry(root, "/"));
    visitedDirectories.add(refKey(root.ref));

    while (stack.length > 0) {
      const { inode, path, depth } = stack.pop()!;
      const listing = await readDirectory(directoryContext, inode.directory!.startBlock, inode.directory!.offset, inode.fileSize - 3, path);

      const children: { inode: Inode; path: string; depth: number }[] = [];
      for (const child of listing) {
        const childPath = path === "/" ? `/${child.name}` : `${path}/${child.name}`;
        if (childPath.length > limits.maxPathLength) {
          throw new SquashfsError("LIMIT_EXCEEDED", `path ${childPath.slice(0, 80)}... is longer than ${limits.maxPathLength} bytes`, inode.position, file);
        }
        if (entries.length >= limits.maxEntries) {
          throw new SquashfsError("LIMIT_EXCEEDED", `the filesystem has more than ${limits.maxEntries} entries`, inode.position, file);
        }

        const childInode = await readInode(inodeContext, child.ref);
        if (childInode.basicType !== child.type) {
          throw new SquashfsError(
            "INVALID_DIRECTORY",
            `${childPath}: the listing records inode type ${child.type} but the inode has type ${childInode.type}`,
            childInode.position,
            file,
          );
        }
        entries.push(await this.toEntry(childInode, childPath));

        if (childInode.fileType !== "directory") continue;
        const key = refKey(child.ref);
        if (visitedDirectories.has(key)) {
          throw new SquashfsError("DIRECTORY_LOOP", `${childPath} refers to a directory inode that was already listed`, childInode.position, file);
        }
        visitedDirectories.add(key);
        if (depth + 1 > limits.maxDepth) {
          throw new SquashfsError("LIMIT_EXCEEDED", `${childPath} is nested deeper than ${limits.maxDepth} directories`, childInode.position, file);
        }
        children.push({ inode: childInode, path: childPath, depth: depth + 1 });
      }
      // Pushed in reverse so that the stack pops them in stored order.
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
    return entries;
  }

  /**
   * Reads up to `maxBytes` of a regular file's content. Sparse blocks read as
   * zeros; every block must decompress to exactly the bytes the file size implies.
   */
  async readContent(entry: SquashfsEntry, maxBytes: number): Promise<{ content: Uint8Array; truncated: boolean }> {
    const { inode } = entry;
    const data = inode.data;
    if (!data) throw new TypeError(`${entry.path} is not a regular file`);
    const { blockSize, bytesUsed } = this.superblock;
    const total = Math.min(inode.fileSize, Math.max(0, Math.floor(maxBytes)));
    this.contentTotal += total;
    if (this.contentTotal > this.limits.maxContentBytes) {
      throw new SquashfsError("LIMIT_EXCEEDED", `more than ${this.limits.maxContentBytes} bytes of file content read`, inode.position, this.file);
    }

    const blocksNeeded = Math.min(data.blockCount, Math.ceil(total / blockSize));
    const cursor = new MetadataCursor(this.metadata, data.blockList.position, data.blockList.offset);
    const sizes = blocksNeeded > 0 ? await cursor.view(blocksNeeded * 4) : undefined;

    // The stored sizes must fit in the filesystem before the output buffer is allocated.
    let dataEnd = data.blocksStart;
    for (let i = 0; i < blocksNeeded; i++) dataEnd += sizes!.getUint32(i * 4, true) & ~BLOCK_UNCOMPRESSED;
    if (dataEnd > bytesUsed) {
      throw new SquashfsError("TRUNCATED", `${entry.path}: data blocks end at ${dataEnd}, past the end of the filesystem`, inode.position, this.file);
    }

    const content = this.allocate(total, entry.path, inode.position);
    let position = data.blocksStart;

    for (let i = 0; i < blocksNeeded; i++) {
      const word = sizes!.getUint32(i * 4, true);
      const stored = word & ~BLOCK_UNCOMPRESSED;
      const expected = Math.min(blockSize, inode.fileSize - i * blockSize);
      const outAt = i * blockSize;
      const take = Math.min(expected, total - outAt);
      const fail = (code: "INVALID_DATA_BLOCK" | "TRUNCATED", message: string): never => {
        throw new SquashfsError(code, `${entry.path}: block ${i}: ${message}`, position, this.file);
      };
      if (stored > blockSize) fail("INVALID_DATA_BLOCK", `stored size ${stored} exceeds the block size ${blockSize}`);
      if (stored === 0) continue;
      if (position + stored > bytesUsed) fail("TRUNCATED", `${stored} bytes at ${position} run past the end of the filesystem`);

      const raw = await this.source.read(position, stored);
      if (raw.length < stored) fail("TRUNCATED", "the block is cut off");
      const block = (word & BLOCK_UNCOMPRESSED) !== 0 ? raw : await this.decompress(raw, blockSize, position);
      if (block.length !== expected) fail("INVALID_DATA_BLOCK", `decompressed to ${block.length} bytes, expected ${expected}`);
      content.set(block.subarray(0, take), outAt);
      position += stored;
    }

    const tailStart = data.blockCount * blockSize;
    if (data.fragment !== NO_FRAGMENT && total > tailStart) {
      const fragment = await this.fragmentBlock(data.fragment, inode);
      const tailLength = inode.fileSize - tailStart;
      if (data.fragmentOffset + tailLength > fragment.length) {
        throw new SquashfsError(
          "INVALID_DATA_BLOCK",
          `${entry.path}: tail of ${tailLength} bytes at offset ${data.fragmentOffset} runs past the ${fragment.length}-byte fragment ${data.fragment}`,
          inode.position,
          this.file,
        );
      }
      content.set(fragment.subarray(data.fragmentOffset, data.fragmentOffset + (total - tailStart)), tailStart);
    }
    return { content, truncated: total < inode.fileSize };
  }

  private allocate(length: number, path: string, position: number): Uint8Array {
    try {
      return new Uint8Array(length);
    } catch (error) {
      throw new SquashfsError("LIMIT_EXCEEDED", `${path}: cannot allocate ${length} bytes for its content; request less with maxBytes`, position, this.file, {
        cause: error,
      });
    }
  }

  private async fragmentBlock(index: number, inode: Inode): Promise<Uint8Array> {
    const cached = this.fragmentCache.get(index);
    if (cached) return cached;
    if (!this.fragments) {
      throw new SquashfsError("INVALID_TABLE_INDEX", `fragment index ${index} is used but the filesystem has no fragment table`, inode.position, this.file);
    }
    const { start, sizeWord } = await readFragmentEntry(this.fragments, index, inode.position);
    const stored = sizeWord & ~BLOCK_UNCOMPRESSED;
    const { blockSize, bytesUsed } = this.superblock;
    if (stored === 0 || stored > blockSize) {
      throw new SquashfsError("INVALID_DATA_BLOCK", `fragment ${index} has stored size ${stored}; expected 1 to ${blockSize}`, start, this.file);
    }
    if (start + stored > bytesUsed) {
      throw new SquashfsError("TRUNCATED", `fragment ${index} of ${stored} bytes runs past the end of the filesystem`, start, this.file);
    }
    const raw = await this.source.read(start, stored);
    if (raw.length < stored) throw new SquashfsError("TRUNCATED", `fragment ${index} is cut off`, start, this.file);
    const block = (sizeWord & BLOCK_UNCOMPRESSED) !== 0 ? raw : await this.decompress(raw, blockSize, start);

    this.fragmentCache.set(index, block);
    if (this.fragmentCache.size > FRAGMENT_CACHE_ENTRIES) this.fragmentCache.delete(this.fragmentCache.keys().next().value as number);
    return block;
  }

  private async toEntry(inode: Inode, path: string): Promise<SquashfsEntry> {
    const entry: SquashfsEntry = {
      path,
      type: inode.fileType,
      mode: inode.mode & 0o7777,
      uid: this.lookupId(inode.uidIndex, inode),
      gid: this.lookupId(inode.gidIndex, inode),
      size: inode.fileType === "file" || inode.fileType === "directory" || inode.fileType === "symlink" ? inode.fileSize : 0,
      mtime: inode.mtime,
      inodeNumber: inode.inodeNumber,
      nlink: inode.nlink,
      inode,
    };
    if (inode.linkTarget) entry.linkTarget = utf8.decode(inode.linkTarget);
    if (inode.rdev !== undefined) entry.device = decodeDevice(inode.rdev);
    if (inode.xattrIndex !== NO_XATTR) {
      if (!this.xattrs) {
        throw new SquashfsError("INVALID_TABLE_INDEX", `${path}: xattr index ${inode.xattrIndex} is used but the filesystem has no xattr table`, inode.position, this.file);
      }
      entry.xattrs = await this.xattrs.read(inode.xattrIndex, inode.position);
    }
    return entry;
  }

  private lookupId(index: number, inode: Inode): number {
    if (index >= this.ids.length) {
      throw new SquashfsError("INVALID_TABLE_INDEX", `id index ${index} is out of range; the id table has ${this.ids.length} entries`, inode.position, this.file);
    }
    return this.ids[index]!;
  }
}

function refKey(ref: InodeRef): number {
  return ref.block * 65536 + ref.offset;
}
