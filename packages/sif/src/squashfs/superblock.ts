import { SquashfsError } from "../errors.js";

export const SQUASHFS_MAGIC = 0x73717368;
export const SUPERBLOCK_SIZE = 96;
/** Value of a 64-bit table start that marks the table as absent. */
export const NO_TABLE = 0xffff_ffff_ffff_ffffn;
export const METADATA_BLOCK_SIZE = 8192;
export const MIN_BLOCK_LOG = 12;
export const MAX_BLOCK_LOG = 20;

export const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  1: "gzip",
  2: "lzma",
  3: "lzo",
  4: "xz",
  5: "lz4",
  6: "zstd",
};

export const FLAG_NO_FRAGMENTS = 0x0010;
export const FLAG_EXPORTABLE = 0x0080;
export const FLAG_NO_XATTRS = 0x0200;
export const FLAG_COMPRESSOR_OPTIONS = 0x0400;

export interface Superblock {
  inodeCount: number;
  mkfsTime: number;
  blockSize: number;
  fragmentCount: number;
  compression: number;
  compressionName: string;
  blockLog: number;
  flags: number;
  idCount: number;
  major: number;
  minor: number;
  /** Reference of the root inode: metadata block offset (relative to the inode table) and offset inside it. */
  rootInode: { block: number; offset: number };
  bytesUsed: number;
  idTableStart: number;
  /** Undefined when the filesystem has no xattr table. */
  xattrIdTableStart?: number;
  inodeTableStart: number;
  directoryTableStart: number;
  /** Undefined when the filesystem has no fragment table. */
  fragmentTableStart?: number;
  /** Undefined when the filesystem has no export (NFS lookup) table. */
  lookupTableStart?: number;
}

/** Returns true when the bytes start with the squashfs 4.0 little-endian magic `hsqs`. */
export function hasSquashfsMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x68 && head[1] === 0x73 && head[2] === 0x71 && head[3] === 0x73;
}

/**
 * Parses and checks the 96-byte superblock. `sourceSize` is the size of the
 * filesystem's byte range, so every table start can be range-checked.
 */
export function parseSuperblock(bytes: Uint8Array, sourceSize: number, file?: string): Superblock {
  if (bytes.length < SUPERBLOCK_SIZE) {
    throw new SquashfsError("TRUNCATED", `the superblock needs ${SUPERBLOCK_SIZE} bytes but the input has ${bytes.length}`, 0, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SUPERBLOCK_SIZE);
  if (view.getUint32(0, true) !== SQUASHFS_MAGIC) {
    throw new SquashfsError("NOT_SQUASHFS", "the squashfs magic 'hsqs' is missing", 0, file);
  }

  const major = view.getUint16(28, true);
  const minor = view.getUint16(30, true);
  if (major !== 4 || minor !== 0) {
    throw new SquashfsError("UNSUPPORTED_VERSION", `squashfs version ${major}.${minor} is not supported; only 4.0 is`, 28, file);
  }

  const blockSize = view.getUint32(12, true);
  const blockLog = view.getUint16(22, true);
  if (blockLog < MIN_BLOCK_LOG || blockLog > MAX_BLOCK_LOG || blockSize !== 2 ** blockLog) {
    throw new SquashfsError(
      "INVALID_SUPERBLOCK",
      `block size ${blockSize} with block log ${blockLog} is invalid; expected a power of two from 4 KiB to 1 MiB`,
      12,
      file,
    );
  }

  const compression = view.getUint16(20, true);
  const compressionName = COMPRESSION_NAMES[compression];
  if (compressionName === undefined) {
    throw new SquashfsError("UNSUPPORTED_COMPRESSION", `compression id ${compression} is unknown`, 20, file);
  }

  const bytesUsed = readOffset(view, 40, "bytes_used", Number.MAX_SAFE_INTEGER, file);
  if (bytesUsed < SUPERBLOCK_SIZE || bytesUsed > sourceSize) {
    throw new SquashfsError(
      "TRUNCATED",
      `bytes_used is ${bytesUsed} but the filesystem range holds ${sourceSize} bytes`,
      40,
      file,
    );
  }

  const rootRef = view.getBigUint64(32, true);
  const superblock: Superblock = {
    inodeCount: view.getUint32(4, true),
    mkfsTime: view.getUint32(8, true),
    blockSize,
    fragmentCount: view.getUint32(16, true),
    compression,
    compressionName,
    blockLog,
    flags: view.getUint16(24, true),
    idCount: view.getUint16(26, true),
    major,
    minor,
    rootInode: { block: Number(rootRef >> 16n), offset: Number(rootRef & 0xffffn) },
    bytesUsed,
    idTableStart: readOffset(view, 48, "id_table_start", bytesUsed, file),
    xattrIdTableStart: readOptionalOffset(view, 56, "xattr_id_table_start", bytesUsed, file),
    inodeTableStart: readOffset(view, 64, "inode_table_start", bytesUsed, file),
    directoryTableStart: readOffset(view, 72, "directory_table_start", bytesUsed, file),
    fragmentTableStart: readOptionalOffset(view, 80, "fragment_table_start", bytesUsed, file),
    lookupTableStart: readOptionalOffset(view, 88, "lookup_table_start", bytesUsed, file),
  };

  if (superblock.idCount === 0) {
    throw new SquashfsError("INVALID_SUPERBLOCK", "the id table is empty; every inode needs a uid and a gid", 26, file);
  }
  if (superblock.inodeTableStart >= superblock.directoryTableStart) {
    throw new SquashfsError(
      "INVALID_SUPERBLOCK",
      `inode_table_start ${superblock.inodeTableStart} is not before directory_table_start ${superblock.directoryTableStart}`,
      64,
      file,
    );
  }
  if (superblock.rootInode.offset >= 8192 || superblock.inodeTableStart + superblock.rootInode.block >= superblock.directoryTableStart) {
    throw new SquashfsError("INVALID_SUPERBLOCK", "the root inode reference points outside the inode table", 32, file);
  }
  return superblock;
}

function readOffset(view: DataView, at: number, field: string, max: number, file?: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(max)) {
    throw new SquashfsError("INVALID_SUPERBLOCK", `${field} ${value} points past the end of the filesystem (${max} bytes)`, at, file);
  }
  return Number(value);
}

function readOptionalOffset(view: DataView, at: number, field: string, max: number, file?: string): number | undefined {
  return view.getBigUint64(at, true) === NO_TABLE ? undefined : readOffset(view, at, field, max, file);
}
