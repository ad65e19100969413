import { join } from "node:path";
import type { Command } from "commander";
import { DEFAULT_PORT, readRegistryState } from "@checks/registry";
import {
  MarketplaceError,
  fetchPackument,
  installPlugins,
  installSet,
  listInstalledPlugins,
  loadRegistryConfig,
  parseSpec,
  pluginStore,
  readLockfile,
  readTrustedKeys,
  removePlugin,
  resolveVersion,
  searchRegistry,
  updatePlugins,
  verifyStore,
} from "@checks/marketplace";
import type { InstalledPlugin, PluginStore, RegistryConfig } from "@checks/marketplace";
import { API_VERSION, supportsApiRange, validatePluginPackage } from "@checks/sdk/host";
import { EXIT, UserError } from "../errors.js";
import { resolveDirs } from "../home.js";

/** Folders and settings every marketplace command works with. */
export interface MarketplaceContext {
  store: PluginStore;
  registry: RegistryConfig;
  /** `<config>/trusted-keys.json`. */
  trustFile: string;
  /** `<config>/npmrc`: registries per scope and auth tokens, in `.npmrc` syntax. */
  npmrcFile: string;
  /** `<data>/registry`: the embedded registry's folder. */
  registryDir: string;
}

/**
 * Resolves the store, the trusted keys file and the registry config. The
 * default registry is the embedded one: its URL from its state file when it
 * runs, else its default port on loopback.
 */
export async function marketplaceContext(flags: { registry?: string } = {}): Promise<MarketplaceContext> {
  const dirs = resolveDirs();
  const registryDir = join(dirs.data, "registry");
  const npmrcFile = join(dirs.config, "npmrc");
  const state = await readRegistryState(registryDir);
  const defaultUrl = state?.url ?? `http://127.0.0.1:${DEFAULT_PORT}`;
  const registry = await asUserError(loadRegistryConfig({ defaultUrl, npmrcFile, override: flags.registry }));
  return { store: pluginStore(dirs.data), registry, trustFile: join(dirs.config, "trusted-keys.json"), npmrcFile, registryDir };
}

/**
 * Awaits `work` and turns a MarketplaceError into a UserError with the same
 * message. A failing registry exits with 3, every other rejection with 2.
 */
export async function asUserError<T>(work: Promise<T> | (() => T | Promise<T>)): Promise<T> {
  try {
    return await (typeof work === "function" ? work() : work);
  } catch (error) {
    if (!(error instanceof MarketplaceError)) throw error;
    const exitCode = error.code === "REGISTRY_UNREACHABLE" || error.code === "REGISTRY_ERROR" ? EXIT.scanError : EXIT.usage;
    throw new UserError(error.message, exitCode, { cause: error });
  }
}

function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function describePlugin(plugin: InstalledPlugin): string {
  return `${plugin.name}@${plugin.version} (${plugin.manifest.checks.length} check${plugin.manifest.checks.length === 1 ? "" : "s"})`;
}

function printInstalled(plugin: InstalledPlugin, from = ""): void {
  print(`installed ${describePlugin(plugin)}${from}`);
  if (plugin.ignoredScripts) print(`  note: its ${plugin.ignoredScripts.join(", ")} script${plugin.ignoredScripts.length === 1 ? " was" : "s were"} not run; checks never runs install scripts.`);
}

const REGISTRY_OPTION = ["--registry <url>", "registry URL for this command (default: the config file, CHECKS_REGISTRY, or the embedded registry)"] as const;

export function register(program: Command): void {
  const plugins = program.command("plugins").description("Find, install, update, remove and verify check plugins from the registry.");

  plugins
    .command("search")
    .description("Search the registry for packages with the checks-plugin keyword.")
    .argument("<term>", "text to search for in names, descriptions and keywords")
    .option(...REGISTRY_OPTION)
    .option("--json", "print the results as JSON")
    .action(async (term: string, flags: { registry?: string; json?: boolean }) => {
      const context = await marketplaceContext(flags);
      const results = await asUserError(searchRegistry(context.registry, term));
      if (flags.json) return printJson(results);
      if (results.length === 0) return print(`No plugins match "${term}" on ${context.registry.url}.`);
      for (const result of results) print(`${result.name}@${result.version}  ${result.description}`);
    });

  plugins
    .command("info")
    .description("Show a plugin's versions, checks and API compatibility from the registry.")
    .argument("<spec>", "plugin name, optionally with @VERSION or @RANGE")
    .option(...REGISTRY_OPTION)
    .option("--json", "print the package metadata as JSON")
    .action(async (spec: string, flags: { registry?: string; json?: boolean }) => {
      const context = await marketplaceContext(flags);
      const { name, range } = await asUserError(() => parseSpec(spec));
      const packument = await asUserError(fetchPackument(context.registry, name));
      const version = await asUserError(() => resolveVersion(packument, range));
      const manifest = validatePluginPackage(version);
      if (flags.json) return printJson({ name, version: version.version, versions: Object.keys(packument.versions), distTags: packument["dist-tags"], manifest: version });

      print(`${name}@${version.version}${version.description ? `  ${version.description}` : ""}`);
      print(`versions: ${Object.keys(packument.versions).join(", ")}`);
      if (!manifest.ok) {
        print(`not a valid plugin: ${manifest.problems.map((problem) => `${problem.path}: ${problem.message}`).join("; ")}`);
        return;
      }
      const compatible = supportsApiRange(manifest.value.checks.apiVersion);
      print(`plugin API: ${manifest.value.checks.apiVersion} (${compatible ? "compatible" : `not compatible with this host's ${API_VERSION}`})`);
      for (const check of manifest.value.checks.checks) print(`  ${check.id}  [${check.level}] ${check.title}${check.tags.length ? `  tags: ${check.tags.join(", ")}` : ""}`);
    });

  plugins
    .command("install")
    .description("Install plugins from the registry, or exactly the plugins of a signed set.")
    .argument("[specs...]", "NAME or NAME@RANGE; with --set, the plugins of the set to install (default: all)")
    .option("--set <name>", "install a signed set: a set package NAME[@VERSION] or a set file path")
    .option(...REGISTRY_OPTION)
    .addHelpText(
      "after",
      `
Install verifies the sha512 integrity of each tarball, unpacks it without links
or paths outside the plugin folder, never runs install scripts, checks the
manifest and the plugin API version, and pins the exact version in the lockfile.
With --set the set's signature must verify with a key added by "checks trust add".
Several plugins install all or nothing: a rejected install leaves the
installed plugins unchanged.

Examples:
  checks plugins install checks-plugin-example
  checks plugins install @checks/plugin-secrets@^1.2.0
  checks plugins install --set @site/checks-set-baseline`,
    )
    .action(async (specs: string[], flags: { set?: string; registry?: string }) => {
      const context = await marketplaceContext(flags);
      if (flags.set !== undefined) {
        const trustedKeys = await asUserError(readTrustedKeys(context.trustFile));
        const installed = await asUserError(installSet(context.store, flags.set, { registry: context.registry, trustedKeys, only: specs }));
        for (const plugin of installed) printInstalled(plugin, ` from set ${flags.set}`);
        return;
      }
      if (specs.length === 0) throw new UserError('Name the plugins to install, or a set with --set; for example "checks plugins install checks-plugin-example".');
      const installed = await asUserError(installPlugins(context.store, specs, { registry: context.registry }));
      for (const plugin of installed) printInstalled(plugin);
    });

  plugins
    .command("update")
    .description("Update installed plugins: set members to the newest set version, others to the newest version in their range.")
    .argument("[names...]", "plugins to update (default: all)")
    .option(...REGISTRY_OPTION)
    .action(async (names: string[], flags: { registry?: string }) => {
      const context = await marketplaceContext(flags);
      const trustedKeys = await asUserError(readTrustedKeys(context.trustFile));
      const updates = await asUserError(updatePlugins(context.store, names, { registry: context.registry, trustedKeys }));
      if (updates.length === 0) return print("All plugins are up to date.");
      for (const update of updates) print(`updated ${update.name} ${update.from} -> ${update.to}`);
    });

  plugins
    .command("remove")
    .description("Remove installed plugins.")
    .argument("<names...>", "plugin names")
    .action(async (names: string[]) => {
      const context = await marketplaceContext();
      for (const name of names) {
        await asUserError(removePlugin(context.store, name));
        print(`removed ${name}`);
      }
    });

  plugins
    .command("list")
    .description("List installed plugins with their pinned versions, API ranges and checks (level, tags); broken or modified plugins are listed with the reason, and the exit code is 1.")
    .option("--json", "print the list as JSON")
    .action(async (flags: { json?: boolean }) => {
      const context = await marketplaceContext();
      const { plugins: installed, problems } = await asUserError(listInstalledPlugins(context.store));
      const lockfile = await asUserError(readLockfile(context.store.lockfile));
      if (flags.json) {
        return printJson({
          plugins: installed.map((plugin) => ({
            name: plugin.name,
            version: plugin.version,
            source: plugin.source,
            apiVersion: plugin.manifest.apiVersion,
            integrity: plugin.integrity,
            set: lockfile.plugins[plugin.name]?.set,
            checks: plugin.manifest.checks.map((check) => ({ id: check.id, level: check.level, tags: check.tags, title: check.title })),
          })),
          problems,
        });
      }
      if (installed.length + problems.length === 0) print('No plugins installed; try "checks plugins install --set NAME" or "checks plugins search TERM".');
      for (const plugin of installed) {
        const set = lockfile.plugins[plugin.name]?.set;
        print(`${describePlugin(plugin)}  API ${plugin.manifest.apiVersion}  ${set ? `from set ${set.name}@${set.version}` : `from ${plugin.source}`}`);
        for (const check of plugin.manifest.checks) print(`  ${check.id}  [${check.level}] ${check.title}${check.tags.length ? `  tags: ${check.tags.join(", ")}` : ""}`);
      }
      for (const problem of problems) print(`${problem.name}: BROKEN: ${problem.message}`);
      if (problems.length > 0) process.exitCode = EXIT.findings;
    });

  plugins
    .command("verify")
    .description("Recheck every installed file against the hashes in the lockfile; exits with 1 when any differs.")
    .option("--json", "print the results as JSON")
    .action(async (flags: { json?: boolean }) => {
      const context = await marketplaceContext();
      const results = await asUserError(verifyStore(context.store));
      if (results.some((result) => !result.ok)) process.exitCode = EXIT.findings;
      if (flags.json) return printJson(results);
      if (results.length === 0) return print("No plugins installed.");
      for (const result of results) {
        if (result.ok) {
          print(`ok       ${result.name}@${result.version}`);
          continue;
        }
        print(`MODIFIED ${result.name}@${result.version}`);
        for (const path of result.changed) print(`  changed: ${path}`);
        for (const path of result.missing) print(`  missing: ${path}`);
        for (const path of result.added) print(`  added:   ${path}`);
      }
      if (results.some((result) => !result.ok)) print('Reinstall modified plugins with "checks plugins install NAME@VERSION".');
    });
}
