import { createHash } from "node:crypto";
import { lstat, mkdir, readFile, readdir, realpath, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { formatProblems, supportsApiRange, validatePluginPackage, API_VERSION } from "@checks/sdk/host";
import type { PluginManifest, PluginPackage } from "@checks/sdk/host";
import { MarketplaceError } from "./errors.js";
import { readLockfile } from "./lockfile.js";
import type { LockEntry } from "./lockfile.js";

/** Locations of the installed plugins and their lockfile. */
export interface PluginStore {
  /** `<data>/plugins`; each plugin in a folder named after its package. */
  dir: string;
  /** `<data>/plugins/checks-lock.json`. */
  lockfile: string;
}

/** A plugin the host can load: its validated manifest and the bundle to run. */
export interface InstalledPlugin {
  name: string;
  version: string;
  dir: string;
  /** Absolute path of the bundle named by `checks.bundle`. */
  bundleFile: string;
  manifest: PluginManifest;
  packageJson: PluginPackage;
  /** "store" for installed plugins, "dir" for a folder given with `--plugin-dir`. */
  source: "store" | "dir";
  /** Tarball integrity from the lockfile; only for store plugins. */
  integrity?: string;
  /** Lifecycle scripts the package declares, which install did not run; only set by an install. */
  ignoredScripts?: string[];
}

/** A plugin that could not be loaded, and why. */
export interface PluginProblem {
  name: string;
  message: string;
}

/** Largest package.json read from a plugin folder, in bytes. */
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/** Returns the plugin store inside a data folder. */
export function pluginStore(dataDir: string): PluginStore {
  const dir = join(dataDir, "plugins");
  return { dir, lockfile: join(dir, "checks-lock.json") };
}

/** Returns the folder of an installed plugin; `name` must be a valid plugin package name. */
export function pluginDir(store: PluginStore, name: string): string {
  return join(store.dir, ...name.split("/"));
}

/**
 * Loads and validates the plugin in `dir`: its package.json against the plugin
 * contract, the SDK API range, and the bundle file, which must be a regular
 * file inside `dir`. Throws a MarketplaceError that lists every manifest problem.
 */
export async function loadPluginDir(dir: string, source: "store" | "dir" = "dir"): Promise<InstalledPlugin> {
  const root = resolve(dir);
  const packageFile = join(root, "package.json");
  let json: unknown;
  try {
    const stat = await lstat(packageFile);
    if (!stat.isFile()) throw new Error("package.json is not a regular file");
    if (stat.size > MAX_PACKAGE_JSON_BYTES) throw new Error(`package.json has ${stat.size} bytes, over the limit of ${MAX_PACKAGE_JSON_BYTES}`);
    json = JSON.parse(await readFile(packageFile, "utf8"));
  } catch (error) {
    throw new MarketplaceError("INVALID_MANIFEST", `The plugin in ${root} has no readable package.json (${(error as Error).message}); a plugin folder contains the package.json with the "checks" field.`, { cause: error });
  }

  const name = typeof (json as { name?: unknown }).name === "string" ? (json as { name: string }).name : root;
  const result = validatePluginPackage(json);
  if (!result.ok) {
    throw new MarketplaceError("INVALID_MANIFEST", `The manifest of ${name} is invalid:\n${formatProblems(result.problems)}\nFix these fields in its package.json, or ask the plugin's author to.`, { package: name });
  }
  const packageJson = result.value;
  if (!supportsApiRange(packageJson.checks.apiVersion)) {
    throw new MarketplaceError(
      "INCOMPATIBLE_API",
      `${packageJson.name}@${packageJson.version} needs the checks plugin API "${packageJson.checks.apiVersion}", but this host implements ${API_VERSION}; install a version of the plugin built for ${API_VERSION}, or update checks.`,
      { package: packageJson.name },
    );
  }

  const bundleFile = join(root, packageJson.checks.bundle);
  try {
    const stat = await lstat(bundleFile);
    if (!stat.isFile()) throw new Error("it is not a regular file");
    const real = await realpath(bundleFile);
    const realRoot = await realpath(root);
    if (!real.startsWith(realRoot + sep)) throw new Error("it resolves outside the plugin folder");
  } catch (error) {
    throw new MarketplaceError("INVALID_MANIFEST", `The bundle "${packageJson.checks.bundle}" of ${packageJson.name} is missing or invalid (${(error as Error).message}); build the plugin with "checks-plugin build" before packing it.`, {
      package: packageJson.name,
      cause: error,
    });
  }

  return { name: packageJson.name, version: packageJson.version, dir: root, bundleFile, manifest: packageJson.checks, packageJson, source };
}

export interface ListOptions {
  /**
   * Rehash each plugin's files against the lockfile and report a modified
   * plugin as a problem instead of loading it. On by default, so a plugin
   * changed on disk after install never runs unnoticed.
   */
  verify?: boolean;
}

/**
 * Loads every plugin the lockfile lists. A plugin that fails to load or, with
 * `verify`, whose files differ from the lockfile becomes a problem entry, so
 * one broken plugin never hides the others.
 */
export async function listInstalledPlugins(store: PluginStore, options: ListOptions = {}): Promise<{ plugins: InstalledPlugin[]; problems: PluginProblem[] }> {
  const lockfile = await readLockfile(store.lockfile);
  const plugins: InstalledPlugin[] = [];
  const problems: PluginProblem[] = [];
  for (const [name, entry] of Object.entries(lockfile.plugins)) {
    try {
      if (options.verify ?? true) {
        const result = await verifyEntry(store, name, entry);
        if (!result.ok) {
          const paths = [...result.changed, ...result.missing, ...result.added].slice(0, 5).join(", ");
          throw new MarketplaceError("INTEGRITY_MISMATCH", `The installed files of ${name}@${entry.version} differ from the lockfile (${paths}); reinstall it with "checks plugins install ${name}@${entry.version}".`, { package: name });
        }
      }
      const plugin = await loadPluginDir(pluginDir(store, name), "store");
      if (plugin.name !== name || plugin.version !== entry.version) {
        throw new MarketplaceError("NAME_MISMATCH", `The folder of ${name} contains ${plugin.name}@${plugin.version}, but the lockfile pins ${name}@${entry.version}; reinstall it with "checks plugins install ${name}@${entry.version}".`, { package: name });
      }
      plugins.push({ ...plugin, integrity: entry.integrity });
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      problems.push({ name, message: error.message });
    }
  }
  return { plugins, problems };
}

/** Returns the SRI of every regular file under `dir`, by path relative to `dir` with "/" separators. */
export async function hashFiles(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    const key = relative(dir, path).split(sep).join("/");
    if (entry.isFile()) hashes[key] = `sha512-${createHash("sha512").update(await readFile(path)).digest("base64")}`;
    else if (!entry.isDirectory()) hashes[key] = "not-a-regular-file";
  }
  return hashes;
}

/** The result of rechecking one installed plugin against the lockfile. */
export interface VerifyResult {
  name: string;
  version: string;
  ok: boolean;
  /** Paths whose content differs from the lockfile. */
  changed: string[];
  /** Paths the lockfile lists that are gone. */
  missing: string[];
  /** Paths present that the lockfile does not list. */
  added: string[];
}

/** Rehashes every installed file and compares it with the lockfile. */
export async function verifyStore(store: PluginStore): Promise<VerifyResult[]> {
  const lockfile = await readLockfile(store.lockfile);
  const results: VerifyResult[] = [];
  for (const [name, entry] of Object.entries(lockfile.plugins)) {
    results.push(await verifyEntry(store, name, entry));
  }
  return results;
}

async function verifyEntry(store: PluginStore, name: string, entry: LockEntry): Promise<VerifyResult> {
  let actual: Record<string, string> = {};
  try {
    actual = await hashFiles(pluginDir(store, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const expected = entry.files;
  const changed = Object.keys(expected).filter((path) => actual[path] !== undefined && actual[path] !== expected[path]);
  const missing = Object.keys(expected).filter((path) => actual[path] === undefined);
  const added = Object.keys(actual).filter((path) => expected[path] === undefined);
  return { name, version: entry.version, ok: changed.length + missing.length + added.length === 0, changed, missing, added };
}

/** Runs `action` while holding an exclusive lock on the store, so two installs never interleave their moves. */
export async function withStoreLock<T>(store: PluginStore, action: () => Promise<T>): Promise<T> {
  await mkdir(store.dir, { recursive: true });
  const lock = join(store.dir, ".lock");
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) {
        throw new MarketplaceError("STORE_LOCKED", `The plugin store ${store.dir} is locked by another checks process; wait for it to finish, or delete ${lock} if no checks process runs.`, { cause: error });
      }
      const owner = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "0"));
      // Without a pid file the owner may still be starting, so only a dead owner frees the lock.
      if (!(owner > 0) || isAlive(owner)) {
        throw new MarketplaceError("STORE_LOCKED", `The plugin store ${store.dir} is locked by checks process ${owner || "(unknown)"}; wait for it to finish, or delete ${lock} if no checks process runs.`);
      }
      // The process that held the lock is gone.
      await rm(lock, { recursive: true, force: true });
    }
  }
  try {
    await writeFile(join(lock, "pid"), String(process.pid));
    return await action();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Returns true when a process with this pid exists, also when it belongs to another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
