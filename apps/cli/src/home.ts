import { homedir } from "node:os";
import { join } from "node:path";

/** Folders checks uses on disk. */
export interface ChecksDirs {
  /** Installed plugins, lockfile, advisory database, embedded registry storage. */
  data: string;
  /** Layer and scan caches. */
  cache: string;
  /** Config file, trusted set keys, registry credentials. */
  config: string;
}

/**
 * Resolves the data, cache and config folders: `$CHECKS_HOME/{data,cache,config}`
 * when CHECKS_HOME is set, else the XDG base directories with a `checks` subfolder.
 */
export function resolveDirs(env: NodeJS.ProcessEnv = process.env): ChecksDirs {
  const home = env.CHECKS_HOME;
  if (home) return { data: join(home, "data"), cache: join(home, "cache"), config: join(home, "config") };
  const user = homedir();
  return {
    data: join(env.XDG_DATA_HOME || join(user, ".local", "share"), "checks"),
    cache: join(env.XDG_CACHE_HOME || join(user, ".cache"), "checks"),
    config: join(env.XDG_CONFIG_HOME || join(user, ".config"), "checks"),
  };
}
