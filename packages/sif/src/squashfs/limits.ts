/** Bounds the squashfs reader enforces on untrusted input. */
export interface SquashfsLimits {
  /** Maximum number of directory entries in the whole filesystem. */
  maxEntries: number;
  /** Maximum directory nesting below the root. */
  maxDepth: number;
  /** Maximum length in bytes of an absolute path. */
  maxPathLength: number;
  /** Maximum length in bytes of a symlink target. */
  maxSymlinkLength: number;
  /** Maximum bytes of extended attributes (names plus values) on one inode. */
  maxXattrBytesPerInode: number;
  /** Maximum bytes of decompressed metadata (inode, directory, xattr and lookup tables) read in all. */
  maxMetadataBytes: number;
  /** Maximum bytes of file content returned in all, across every file read. */
  maxContentBytes: number;
}

export const DEFAULT_SQUASHFS_LIMITS: Readonly<SquashfsLimits> = Object.freeze({
  maxEntries: 2_000_000,
  maxDepth: 512,
  maxPathLength: 4096,
  maxSymlinkLength: 4096,
  maxXattrBytesPerInode: 1024 * 1024,
  maxMetadataBytes: 2 * 1024 * 1024 * 1024,
  maxContentBytes: 4 * 1024 * 1024 * 1024,
});

export function resolveLimits(partial?: Partial<SquashfsLimits>): SquashfsLimits {
  const limits = { ...DEFAULT_SQUASHFS_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`Squashfs limit ${key} must be a finite number of at least 0; received ${String(value)}.`);
    }
  }
  return limits;
}
