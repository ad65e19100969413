import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { PLUGIN_NAME_PATTERN } from "@checks/sdk/host";
import semver from "semver";
import { fetchPackument, fetchTarball, resolveVersion } from "./client.js";
import type { PackageVersion } from "./client.js";
import type { RegistryConfig } from "./config.js";
import { MarketplaceError } from "./errors.js";
import { sameIntegrity, sha512Integrity } from "./integrity.js";
import { readLockfile, writeLockfile } from "./lockfile.js";
import type { LockEntry, SetReference } from "./lockfile.js";
import { fetchSet, looksLikePath } from "./set-package.js";
import { verifySet } from "./sets.js";
import type { CuratedSet, TrustedKey } from "./sets.js";
import { hashFiles, isAlive, loadPluginDir, pluginDir, withStoreLock } from "./store.js";
import type { InstalledPlugin, PluginStore } from "./store.js";
import { readPackageTarball } from "./tar.js";

export interface InstallOptions {
  registry: RegistryConfig;
}

export interface SetInstallOptions {
  registry: RegistryConfig;
  trustedKeys: readonly TrustedKey[];
  /** Install only these plugins of the set; each must be listed in it. */
  only?: readonly string[];
}

/** A package request: `NAME` or `NAME@RANGE`, where RANGE is a version, a semver range or a dist-tag. */
export interface PackageSpec {
  name: string;
  range: string;
}

/** Splits `NAME[@RANGE]`; RANGE defaults to `latest`. */
export function parseSpec(spec: string): PackageSpec {
  const at = spec.indexOf("@", spec.startsWith("@") ? 1 : 0);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? "latest" : spec.slice(at + 1);
  if (name === "" || range === "") {
    throw new MarketplaceError("INVALID_SPEC", `"${spec}" is not a package spec; use NAME or NAME@RANGE such as checks-plugin-example@^1.0.0.`);
  }
  return { name, range };
}

function requirePluginName(name: string): void {
  if (!PLUGIN_NAME_PATTERN.test(name)) {
    throw new MarketplaceError("INVALID_SPEC", `"${name}" is not a plugin package name; plugins are named checks-plugin-NAME, @SCOPE/checks-plugin-NAME or @checks/plugin-NAME.`, { package: name });
  }
}

/** Scripts npm would run on install; the marketplace never runs them. */
const LIFECYCLE_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"];

function declaredLifecycleScripts(packageJsonData: Buffer): string[] {
  const scripts = (JSON.parse(packageJsonData.toString("utf8")) as { scripts?: unknown }).scripts;
  if (scripts === null || typeof scripts !== "object") return [];
  return LIFECYCLE_SCRIPTS.filter((name) => name in scripts);
}

/** A plugin unpacked and validated in the staging folder, ready to move into the store. */
interface StagedPlugin {
  name: string;
  stagedDir: string;
  plugin: InstalledPlugin;
  entry: LockEntry;
}

/** Unpacks a verified tarball into `stagedDir` and validates it as the plugin `version` names. */
async function stage(stagedDir: string, version: PackageVersion, tarball: Buffer, requested: string, set?: SetReference): Promise<StagedPlugin> {
  const files = await readPackageTarball(tarball, `${version.name}@${version.version}`);
  const packageFile = files.find((file) => file.path === "package.json");
  if (!packageFile) {
    throw new MarketplaceError("INVALID_MANIFEST", `The tarball of ${version.name}@${version.version} contains no package.json, so it is not a plugin package; report it to its publisher.`, { package: version.name });
  }
  for (const file of files) {
    const target = join(stagedDir, ...file.path.split("/"));
    await mkdir(dirname(target), { recursive: true });
    // "wx" fails on an existing path, so nothing is written through a link.
    await writeFile(target, file.data, { flag: "wx", mode: 0o644 });
  }

  const plugin = await loadPluginDir(stagedDir, "store");
  const ignoredScripts = declaredLifecycleScripts(packageFile.data);
  if (ignoredScripts.length > 0) plugin.ignoredScripts = ignoredScripts;
  if (plugin.name !== version.name || plugin.version !== version.version) {
    throw new MarketplaceError("NAME_MISMATCH", `The tarball of ${version.name}@${version.version} contains ${plugin.name}@${plugin.version}; the registry serves the wrong file. Nothing was installed; report it to the registry's operator.`, {
      package: version.name,
    });
  }
  const entry: LockEntry = {
    version: version.version,
    integrity: sha512Integrity(tarball),
    resolved: version.dist.tarball,
    requested,
    files: await hashFiles(stagedDir),
    installedAt: new Date().toISOString(),
  };
  if (set) entry.set = set;
  return { name: version.name, stagedDir, plugin, entry };
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves staged plugins into the store and records them in the lockfile, all
 * or nothing: when any move or the lockfile write fails, the moves made so
 * far are undone and the previous versions restored.
 */
async function commit(store: PluginStore, staged: readonly StagedPlugin[]): Promise<InstalledPlugin[]> {
  return withStoreLock(store, async () => {
    await removeStaleFolders(store);
    const lockfile = await readLockfile(store.lockfile);
    const trash = join(store.dir, `.trash-${randomBytes(6).toString("hex")}`);
    const moves: { target: string; backup?: string }[] = [];
    try {
      for (const [index, item] of staged.entries()) {
        const target = pluginDir(store, item.name);
        const move: { target: string; backup?: string } = { target };
        await mkdir(dirname(target), { recursive: true });
        if (await exists(target)) {
          await mkdir(trash, { recursive: true });
          move.backup = join(trash, String(index));
          await rename(target, move.backup);
        }
        moves.push(move);
        await rename(item.stagedDir, target);
        lockfile.plugins[item.name] = item.entry;
      }
      await writeLockfile(store.lockfile, lockfile);
    } catch (error) {
      for (const move of moves.reverse()) {
        await rm(move.target, { recursive: true, force: true });
        if (move.backup) await rename(move.backup, move.target);
      }
      throw error;
    } finally {
      await rm(trash, { recursive: true, force: true });
    }
    return staged.map(({ name, plugin, entry }) => {
      const dir = pluginDir(store, name);
      return { ...plugin, dir, bundleFile: join(dir, plugin.manifest.bundle), integrity: entry.integrity };
    });
  });
}

/**
 * Removes staging and trash folders left by a process that was killed
 * mid-install. Must run under the store lock: trash folders exist only while
 * a lock holder runs, and staging folders carry the pid of their process.
 */
async function removeStaleFolders(store: PluginStore): Promise<void> {
  for (const entry of await readdir(store.dir)) {
    const staging = /^\.staging-(\d+)-/.exec(entry);
    const stale = entry.startsWith(".trash-") || (staging !== null && !isAlive(Number(staging[1])));
    if (stale) await rm(join(store.dir, entry), { recursive: true, force: true });
  }
}

/** Runs `action` with a fresh staging folder inside the store, removed afterwards. */
async function withStaging<T>(store: PluginStore, action: (root: string) => Promise<T>): Promise<T> {
  const root = join(store.dir, `.staging-${process.pid}-${randomBytes(6).toString("hex")}`);
  await mkdir(root, { recursive: true });
  try {
    return await action(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Installs one plugin from the registry: resolves `NAME[@RANGE]`, downloads
 * the tarball, checks its sha512 integrity, unpacks it safely, validates the
 * manifest and API range, and pins version and integrity in the lockfile.
 * Lifecycle scripts are never run. A rejected install leaves the store unchanged.
 */
export async function installPlugin(store: PluginStore, spec: string, options: InstallOptions): Promise<InstalledPlugin> {
  const [installed] = await installPlugins(store, [spec], options);
  return installed!;
}

/** Installs several plugins as `installPlugin` does, all or nothing. */
export async function installPlugins(store: PluginStore, specs: readonly string[], options: InstallOptions): Promise<InstalledPlugin[]> {
  const requests = specs.map(parseSpec);
  for (const { name } of requests) requirePluginName(name);
  const names = requests.map((request) => request.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new MarketplaceError("INVALID_SPEC", `${duplicate} is requested twice; name each plugin once.`, { package: duplicate });

  return withStaging(store, async (root) => {
    const staged: StagedPlugin[] = [];
    for (const [index, { name, range }] of requests.entries()) {
      const version = resolveVersion(await fetchPackument(options.registry, name), range);
      const tarball = await fetchTarball(options.registry, version);
      staged.push(await stage(join(root, String(index)), version, tarball, range));
    }
    return commit(store, staged);
  });
}

function similarNames(name: string, candidates: readonly string[]): string[] {
  const core = (value: string) => value.replace(/^@[^/]+\//, "").replace(/^(checks-)?plugin-/, "");
  return candidates.filter((candidate) => core(candidate).includes(core(name)) || core(name).includes(core(candidate)));
}

/** Picks the plugins of a set that `only` names, rejecting names the set does not list. */
function selectPlugins(set: CuratedSet, source: string, only: readonly string[] | undefined): CuratedSet["plugins"] {
  if (only === undefined || only.length === 0) return set.plugins;
  const listed = set.plugins.map((plugin) => plugin.name);
  for (const name of only) {
    if (!listed.includes(name)) {
      const similar = similarNames(name, listed);
      const hint = similar.length > 0 ? ` Did you mean ${similar.join(" or ")}?` : ` It lists: ${listed.join(", ")}.`;
      throw new MarketplaceError("NOT_IN_SET", `${name} is not in the set ${source}, so it is not installed from it.${hint}`, { package: name });
    }
  }
  return set.plugins.filter((plugin) => only.includes(plugin.name));
}

/**
 * Installs exactly the plugin versions a signed set lists, after checking the
 * set's signature against the trusted keys and each tarball against the
 * integrity in the set. Every plugin is downloaded and validated before any
 * is moved into the store, so a rejected set installs nothing.
 */
export async function installSet(store: PluginStore, setName: string, options: SetInstallOptions): Promise<InstalledPlugin[]> {
  const { set, source } = await fetchSet(options.registry, setName);
  verifySet(set, options.trustedKeys, source);
  const selected = selectPlugins(set, source, options.only);
  // `update` fetches the set again: the package without its version, so it follows new versions, or the file by absolute path.
  const refetch = looksLikePath(setName) ? resolve(setName) : parseSpec(setName).name;
  const reference: SetReference = { source: refetch, name: set.name, version: set.version, keyId: set.keyId };

  return withStaging(store, async (root) => {
    const staged: StagedPlugin[] = [];
    for (const [index, listed] of selected.entries()) {
      const packument = await fetchPackument(options.registry, listed.name);
      const version = packument.versions[listed.version];
      if (!version) {
        throw new MarketplaceError("NOT_FOUND", `The set ${source} lists ${listed.name}@${listed.version}, but the registry has no such version. Nothing was installed; ask the set's publisher to publish it or update the set.`, {
          package: listed.name,
        });
      }
      if (version.dist.integrity !== undefined && !sameIntegrity(version.dist.integrity, listed.integrity)) {
        throw new MarketplaceError("INTEGRITY_MISMATCH", `The registry's integrity of ${listed.name}@${listed.version} differs from the one in the signed set ${source}: the package was replaced after the set was signed. Nothing was installed; report it to the set's publisher.`, {
          package: listed.name,
        });
      }
      const tarball = await fetchTarball(options.registry, version, listed.integrity);
      staged.push(await stage(join(root, String(index)), version, tarball, listed.version, reference));
    }
    return commit(store, staged);
  });
}

/** Removes an installed plugin and its lockfile entry. */
export async function removePlugin(store: PluginStore, name: string): Promise<void> {
  await withStoreLock(store, async () => {
    const lockfile = await readLockfile(store.lockfile);
    if (!lockfile.plugins[name]) {
      throw new MarketplaceError("NOT_INSTALLED", `${name} is not installed; "checks plugins list" shows the installed plugins.`, { package: name });
    }
    const target = pluginDir(store, name);
    const trash = join(store.dir, `.trash-${randomBytes(6).toString("hex")}`);
    if (await exists(target)) await rename(target, trash);
    delete lockfile.plugins[name];
    try {
      await writeLockfile(store.lockfile, lockfile);
    } catch (error) {
      if (await exists(trash)) await rename(trash, target);
      throw error;
    }
    await rm(trash, { recursive: true, force: true });
  });
}

/** One plugin `updatePlugins` moved to another version. */
export interface UpdateResult {
  name: string;
  from: string;
  to: string;
}

/**
 * Updates installed plugins and returns those that changed version. A plugin
 * installed from a set follows the newest version of that set. Any other
 * plugin moves to the highest version in the range it was installed with.
 */
export async function updatePlugins(store: PluginStore, names: readonly string[] | undefined, options: SetInstallOptions): Promise<UpdateResult[]> {
  const lockfile = await readLockfile(store.lockfile);
  const targets = names && names.length > 0 ? names : Object.keys(lockfile.plugins);
  for (const name of targets) {
    if (!lockfile.plugins[name]) throw new MarketplaceError("NOT_INSTALLED", `${name} is not installed, so it cannot be updated; install it with "checks plugins install ${name}".`, { package: name });
  }

  const results: UpdateResult[] = [];
  const bySet = new Map<string, string[]>();
  const single: string[] = [];
  for (const name of targets) {
    const source = lockfile.plugins[name]!.set?.source;
    if (source === undefined) single.push(name);
    else bySet.set(source, [...(bySet.get(source) ?? []), name]);
  }

  for (const [source, members] of bySet) {
    const { set } = await fetchSet(options.registry, source);
    // A registry that moves `latest` back to an older signed set must not roll plugins back.
    const installedSet = lockfile.plugins[members[0]!]!.set!;
    if (installedSet.name === set.name && semver.lt(set.version, installedSet.version)) {
      throw new MarketplaceError("SET_DOWNGRADE", `The registry offers set ${set.name}@${set.version} for ${source}, older than the installed ${installedSet.version}; nothing was updated. Install an older set explicitly with "--set ${source}@VERSION" if that is what you want.`, {
        package: source,
      });
    }
    const listed = members.filter((name) => set.plugins.some((plugin) => plugin.name === name));
    const changed = listed.filter((name) => set.plugins.find((plugin) => plugin.name === name)!.version !== lockfile.plugins[name]!.version);
    if (changed.length === 0) continue;
    await installSet(store, source, { ...options, only: changed });
    for (const name of changed) results.push({ name, from: lockfile.plugins[name]!.version, to: set.plugins.find((plugin) => plugin.name === name)!.version });
  }

  for (const name of single) {
    const entry = lockfile.plugins[name]!;
    const version = resolveVersion(await fetchPackument(options.registry, name), entry.requested);
    if (version.version === entry.version) continue;
    await installPlugin(store, `${name}@${entry.requested}`, options);
    results.push({ name, from: entry.version, to: version.version });
  }
  return results;
}
