/** A path glob whose content inventory reads, with the bytes it needs per file. */
export interface ContentNeed {
  glob: string;
  maxBytes: number;
}

const MiB = 1024 * 1024;

/** Every rpm database location: the SQLite one is read, the Berkeley DB and ndb ones are only detected. */
export const RPM_SQLITE_PATHS = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"] as const;
export const RPM_BERKELEY_PATHS = ["/var/lib/rpm/Packages", "/usr/lib/sysimage/rpm/Packages"] as const;
export const RPM_NDB_PATHS = ["/var/lib/rpm/Packages.db", "/usr/lib/sysimage/rpm/Packages.db"] as const;
export const OS_RELEASE_PATHS = ["/etc/os-release", "/usr/lib/os-release"] as const;

/**
 * Content globs that the engine collects for `collectInventory`. The engine
 * keeps metadata for every entry anyway, so content is needed only for these
 * globs. 64 MiB is the largest per-file read the SDK allows.
 */
export const INVENTORY_CONTENT_NEEDS: { glob: string; maxBytes: number }[] = [
  { glob: "/var/lib/dpkg/status", maxBytes: 64 * MiB },
  { glob: "/var/lib/dpkg/status.d/*", maxBytes: 4 * MiB },
  { glob: "/lib/apk/db/installed", maxBytes: 64 * MiB },
  ...RPM_SQLITE_PATHS.map((glob) => ({ glob, maxBytes: 64 * MiB })),
  { glob: "**/*.dist-info/METADATA", maxBytes: 1 * MiB },
  { glob: "**/*.egg-info/PKG-INFO", maxBytes: 1 * MiB },
  { glob: "**/*.egg-info", maxBytes: 1 * MiB },
  { glob: "**/node_modules/**/package.json", maxBytes: 1 * MiB },
  ...OS_RELEASE_PATHS.map((glob) => ({ glob, maxBytes: 64 * 1024 })),
];
