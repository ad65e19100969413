/** Parser limits; input beyond them is skipped with a note. */
export const INVENTORY_LIMITS = Object.freeze({
  /** Packages read from one database. */
  maxPackagesPerDatabase: 200_000,
  /** Python and npm manifests read from one image. */
  maxManifests: 200_000,
  /** Index entries of one rpm header. */
  maxRpmHeaderEntries: 0xffff,
  /** Data bytes of one rpm header. */
  maxRpmHeaderBytes: 16 * 1024 * 1024,
  /** Symlinks followed while resolving one path. */
  maxSymlinkHops: 40,
});
