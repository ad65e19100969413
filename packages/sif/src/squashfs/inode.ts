import type { FileType } from "@checks/sdk";
import { SquashfsError } from "../errors.js";
import { MetadataCursor, type MetadataReader } from "./metadata.js";

/** Inode types 1 to 7 are basic; 8 to 14 are the extended forms of the same types. */
export const INODE_FILE_TYPES: Readonly<Record<number, FileType>> = {
  1: "directory",
  2: "file",
  3: "symlink",
  4: "block-device",
  5: "char-device",
  6: "fifo",
  7: "socket",
};

export const NO_FRAGMENT = 0xffff_ffff;
export const NO_XATTR = 0xffff_ffff;
/** Upper bound on the data blocks of one file: 2^24 blocks of at most 1 MiB. */
const MAX_BLOCKS_PER_FILE = 2 ** 24;

export interface InodeRef {
  /** Offset of the metadata block relative to the start of the inode table. */
  block: number;
  /** Offset inside the decompressed metadata block. */
  offset: number;
}

export interface Inode {
  ref: InodeRef;
  /** Absolute offset of the metadata block holding the inode, for error messages. */
  position: number;
  type: number;
  basicType: number;
  fileType: FileType;
  /** The 16-bit mode as stored, file type bits included. */
  mode: number;
  uidIndex: number;
  gidIndex: number;
  mtime: number;
  inodeNumber: number;
  nlink: number;
  /** File size of a regular file, listing size plus 3 of a directory, target length of a symlink. */
  fileSize: number;
  xattrIndex: number;
  directory?: { startBlock: number; offset: number; parentInode: number };
  data?: {
    blocksStart: number;
    fragment: number;
    fragmentOffset: number;
    blockCount: number;
    /** Position of the list of 32-bit block sizes, which follows the inode. */
    blockList: { position: number; offset: number };
  };
  linkTarget?: Uint8Array;
  rdev?: number;
}

export interface InodeContext {
  reader: MetadataReader;
  inodeTableStart: number;
  directoryTableStart: number;
  blockSize: number;
  maxSymlinkLength: number;
  file?: string;
}

/** Reads the inode at `ref`, checking every size and index it contains. */
export async function readInode(context: InodeContext, ref: InodeRef): Promise<Inode> {
  const { reader, inodeTableStart, directoryTableStart, file } = context;
  const position = inodeTableStart + ref.block;
  if (ref.offset >= 8192 || position >= directoryTableStart) {
    throw new SquashfsError("INVALID_INODE", `inode reference ${ref.block}:${ref.offset} lies outside the inode table`, position, file);
  }
  const cursor = new MetadataCursor(reader, position, ref.offset);
  const fail = (message: string): never => {
    throw new SquashfsError("INVALID_INODE", `inode ${ref.block}:${ref.offset}: ${message}`, position, file);
  };

  const header = await cursor.view(16);
  const type = header.getUint16(0, true);
  if (type < 1 || type > 14) fail(`inode type ${type} is unknown`);
  const basicType = type > 7 ? type - 7 : type;
  const inode: Inode = {
    ref,
    position,
    type,
    basicType,
    fileType: INODE_FILE_TYPES[basicType]!,
    mode: header.getUint16(2, true),
    uidIndex: header.getUint16(4, true),
    gidIndex: header.getUint16(6, true),
    mtime: header.getUint32(8, true),
    inodeNumber: header.getUint32(12, true),
    nlink: 1,
    fileSize: 0,
    xattrIndex: NO_XATTR,
  };
  if (inode.inodeNumber === 0) fail("inode number 0 is invalid");

  switch (type) {
    case 1: {
      const view = await cursor.view(16);
      inode.directory = { startBlock: view.getUint32(0, true), offset: view.getUint16(10, true), parentInode: view.getUint32(12, true) };
      inode.nlink = view.getUint32(4, true);
      inode.fileSize = view.getUint16(8, true);
      break;
    }
    case 8: {
      const view = await cursor.view(24);
      inode.nlink = view.getUint32(0, true);
      inode.fileSize = view.getUint32(4, true);
      inode.directory = { startBlock: view.getUint32(8, true), offset: view.getUint16(18, true), parentInode: view.getUint32(12, true) };
      inode.xattrIndex = view.getUint32(20, true);
      break;
    }
    case 2: {
      const view = await cursor.view(16);
      setData(inode, context, view.getUint32(0, true), view.getUint32(12, true), view.getUint32(4, true), view.getUint32(8, true), cursor, fail);
      break;
    }
    case 9: {
      const view = await cursor.view(40);
      const start = view.getBigUint64(0, true);
      const size = view.getBigUint64(8, true);
      if (start > BigInt(Number.MAX_SAFE_INTEGER) || size > BigInt(Number.MAX_SAFE_INTEGER)) fail("file start or size exceeds 2^53");
      inode.nlink = view.getUint32(24, true);
      inode.xattrIndex = view.getUint32(36, true);
      setData(inode, context, Number(start), Number(size), view.getUint32(28, true), view.getUint32(32, true), cursor, fail);
      break;
    }
    case 3:
    case 10: {
      const view = await cursor.view(8);
      inode.nlink = view.getUint32(0, true);
      inode.fileSize = view.getUint32(4, true);
      if (inode.fileSize > context.maxSymlinkLength) {
        throw new SquashfsError("LIMIT_EXCEEDED", `symlink target of ${inode.fileSize} bytes exceeds the limit of ${context.maxSymlinkLength}`, position, file);
      }
      inode.linkTarget = (await cursor.bytes(inode.fileSize)).slice();
      if (type === 10) inode.xattrIndex = (await cursor.view(4)).getUint32(0, true);
      break;
    }
    case 4:
    case 5:
    case 11:
    case 12: {
      const view = await cursor.view(type > 7 ? 12 : 8);
      inode.nlink = view.getUint32(0, true);
      inode.rdev = view.getUint32(4, true);
      if (type > 7) inode.xattrIndex = view.getUint32(8, true);
      break;
    }
    default: {
      const view = await cursor.view(type > 7 ? 8 : 4);
      inode.nlink = view.getUint32(0, true);
      if (type > 7) inode.xattrIndex = view.getUint32(4, true);
    }
  }
  return inode;
}

function setData(
  inode: Inode,
  context: InodeContext,
  blocksStart: number,
  fileSize: number,
  fragment: number,
  fragmentOffset: number,
  cursor: MetadataCursor,
  fail: (message: string) => never,
): void {
  const { blockSize } = context;
  const blockCount = fragment === NO_FRAGMENT ? Math.ceil(fileSize / blockSize) : Math.floor(fileSize / blockSize);
  if (blockCount > MAX_BLOCKS_PER_FILE) fail(`file of ${fileSize} bytes needs ${blockCount} blocks, more than ${MAX_BLOCKS_PER_FILE}`);
  if (fragment !== NO_FRAGMENT && fragmentOffset >= blockSize) fail(`fragment offset ${fragmentOffset} is not below the block size ${blockSize}`);
  inode.fileSize = fileSize;
  inode.data = {
    blocksStart,
    fragment,
    fragmentOffset,
    blockCount,
    blockList: { position: cursor.position, offset: cursor.offset },
  };
}

/** Splits a squashfs device number into major and minor, as the kernel's new_decode_dev does. */
export function decodeDevice(rdev: number): { major: number; minor: number } {
  return { major: (rdev >>> 8) & 0xfff, minor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00) };
}
