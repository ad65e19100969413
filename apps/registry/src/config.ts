import { join } from "node:path";

/** Default port of the embedded registry, the port verdaccio and npm use for a local registry. */
export const DEFAULT_PORT = 4873;

/** Scope of the official packages; never proxied to an uplink. */
export const OFFICIAL_SCOPE = "@checks";

/** An upstream registry that packages outside the protected scopes may be proxied from. */
export interface Uplink {
  url: string;
}

/** Settings of one embedded registry; every path lives under `dir` unless given. */
export interface RegistryOptions {
  /** Folder with the config, htpasswd file, state file and log. */
  dir: string;
  /** Package storage; defaults to `<dir>/storage`. */
  storage?: string;
  /** Address to listen on; loopback unless a site decides otherwise. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Extra scopes (such as "@site") that, like `@checks`, are served only from local storage. */
  scopes?: string[];
  /** Upstream registries by name; none by default, so nothing is ever fetched from elsewhere. */
  uplinks?: Record<string, Uplink>;
  /**
   * Maximum number of users that may register themselves through `npm adduser`.
   * The default -1 closes self-registration: users are added to the htpasswd
   * file by `addRegistryUser`, which needs write access to the registry folder.
   */
  maxUsers?: number;
  /** Users allowed to publish under `@checks` and the site scopes; any signed-in user when omitted. */
  publishers?: string[];
  /** Maximum size of a publish request, in verdaccio's size notation. */
  maxBodySize?: string;
}

export interface RegistryPaths {
  dir: string;
  storage: string;
  htpasswd: string;
  configFile: string;
  logFile: string;
  stateFile: string;
}

/** Returns where the registry in `options.dir` keeps its files. */
export function registryPaths(options: Pick<RegistryOptions, "dir" | "storage">): RegistryPaths {
  return {
    dir: options.dir,
    storage: options.storage ?? join(options.dir, "storage"),
    htpasswd: join(options.dir, "htpasswd"),
    configFile: join(options.dir, "config.json"),
    logFile: join(options.dir, "registry.log"),
    stateFile: join(options.dir, "state.json"),
  };
}

const SCOPE_PATTERN = /^@[a-z0-9][a-z0-9-._]*$/;

/**
 * Builds the verdaccio configuration: htpasswd authentication for publishing,
 * anonymous read access, and `@checks/*` plus every site scope served only from
 * local storage, so an uplink can never supply a package under those names.
 */
export function buildVerdaccioConfig(options: RegistryOptions): Record<string, unknown> {
  const paths = registryPaths(options);
  const scopes = [OFFICIAL_SCOPE, ...(options.scopes ?? [])];
  for (const scope of scopes) {
    if (!SCOPE_PATTERN.test(scope)) throw new TypeError(`Invalid scope "${scope}": expected "@" and a lower-case npm scope name such as "@site".`);
  }
  const uplinkNames = Object.keys(options.uplinks ?? {});
  const local = { access: "$all", publish: "$authenticated", unpublish: "$authenticated" };
  const publishers = options.publishers && options.publishers.length > 0 ? options.publishers.join(" ") : "$authenticated";
  const packages: Record<string, unknown> = {};
  for (const scope of scopes) packages[`${scope}/*`] = { access: "$all", publish: publishers, unpublish: publishers };
  // The catch-all pattern proxies only when the site configured uplinks.
  packages["**"] = uplinkNames.length > 0 ? { ...local, proxy: uplinkNames.join(" ") } : { ...local };

  return {
    self_path: paths.configFile,
    configPath: paths.configFile,
    storage: paths.storage,
    auth: { htpasswd: { file: paths.htpasswd, max_users: options.maxUsers ?? -1 } },
    uplinks: Object.fromEntries(Object.entries(options.uplinks ?? {}).map(([name, uplink]) => [name, { url: uplink.url }])),
    packages,
    web: { enable: false },
    max_body_size: options.maxBodySize ?? "20mb",
    log: { type: "file", path: paths.logFile, format: "json", level: "http" },
    server: { keepAliveTimeout: 5 },
  };
}
