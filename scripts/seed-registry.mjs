#!/usr/bin/env node
/**
 * Seeds the embedded registry with the official plugins: builds plugins/*,
 * starts the registry of the checks data folder unless it runs, and publishes
 * every plugin whose version is not published yet. Safe to run repeatedly.
 *
 *   node scripts/seed-registry.mjs [--port N] [--no-build]
 *
 * CHECKS_HOME selects the data folder as for the checks CLI.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { DEFAULT_PORT, publisherToken, startRegistryDaemon } = await import(join(root, "apps/registry/dist/index.js"));
const { MarketplaceError, fetchPackument, nerfDart, publishPackage, readPackageTarball } = await import(join(root, "packages/marketplace/dist/index.js"));
const { formatProblems, validatePluginPackage } = await import(join(root, "packages/sdk/dist/host.js"));

const { values: flags } = parseArgs({
  options: {
    port: { type: "string", default: String(DEFAULT_PORT) },
    build: { type: "boolean", default: true },
    "no-build": { type: "boolean", default: false },
  },
});

/** Returns the data folder of the checks CLI: `$CHECKS_HOME/data`, else the XDG data folder. */
function dataDir() {
  if (process.env.CHECKS_HOME) return join(process.env.CHECKS_HOME, "data");
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "checks");
}

async function isPublished(registry, name, version) {
  try {
    const packument = await fetchPackument(registry, name);
    return packument.versions[version] !== undefined;
  } catch (error) {
    if (error instanceof MarketplaceError && error.code === "NOT_FOUND") return false;
    throw error;
  }
}

async function pluginFolders() {
  const pluginsDir = join(root, "plugins");
  if (!existsSync(pluginsDir)) return [];
  const entries = await readdir(pluginsDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory() && existsSync(join(pluginsDir, entry.name, "package.json"))).map((entry) => join(pluginsDir, entry.name));
}

if (flags.build && !flags["no-build"]) {
  try {
    execFileSync("pnpm", ["--filter", "./plugins/*", "build"], { cwd: root, stdio: "inherit" });
  } catch {
    console.error("seed-registry: building the plugins failed (output above); fix the build, or pass --no-build to publish the bundles built before.");
    process.exit(1);
  }
}

const registryDir = join(dataDir(), "registry");
/** Exit code when the registry cannot start, usually because the port is taken; the demo then retries on a free port. */
const EXIT_START_FAILED = 3;
let state;
let started;
try {
  ({ state, started } = await startRegistryDaemon({ dir: registryDir, port: Number(flags.port) }));
} catch (error) {
  console.error(`seed-registry: ${error.message}`);
  process.exit(EXIT_START_FAILED);
}
console.log(`${started ? "started" : "using"} the registry at ${state.url}`);
const token = await publisherToken(registryDir, state.url);
const registry = { url: state.url, tokens: { [nerfDart(state.url)]: token } };

const packDir = await mkdtemp(join(tmpdir(), "checks-seed-"));

/** Packages plugin authors install next to @checks/sdk's peer range; published after the plugins. */
const AUTHOR_PACKAGES = ["packages/sdk", "packages/plugin-tester"];

/** Packs a package folder; pnpm pack applies "files" and replaces workspace: ranges, as pnpm publish does. */
async function pack(folder, id) {
  const output = execFileSync("pnpm", ["pack", "--pack-destination", packDir], { cwd: folder, encoding: "utf8" });
  const tarballFile = output.trim().split("\n").pop();
  const tarball = await readFile(tarballFile.startsWith("/") ? tarballFile : join(packDir, tarballFile));
  const files = await readPackageTarball(tarball, id);
  const packed = JSON.parse(files.find((file) => file.path === "package.json").data.toString("utf8"));
  return { packed, tarball, files };
}
try {
  let published = 0;
  let rejected = 0;
  for (const folder of await pluginFolders()) {
    const packageJson = JSON.parse(await readFile(join(folder, "package.json"), "utf8"));
    if (packageJson.private) continue;
    const id = `${packageJson.name}@${packageJson.version}`;
    if (await isPublished(registry, packageJson.name, packageJson.version)) {
      console.log(`already published ${id}`);
      continue;
    }
    const { packed, tarball, files } = await pack(folder, id);
    const manifest = validatePluginPackage(packed);
    const bundle = manifest.ok && files.some((file) => file.path === manifest.value.checks.bundle);
    if (!manifest.ok || !bundle) {
      const reason = manifest.ok ? `the bundle ${manifest.value.checks.bundle} is not in the package; check "files" in package.json` : formatProblems(manifest.problems);
      console.error(`seed-registry: not publishing ${id}, it is not a valid plugin:\n${reason}`);
      rejected++;
      continue;
    }
    await publishPackage(registry, { packageJson: packed, tarball });
    console.log(`published ${id}`);
    published++;
  }

  // The SDK and the test kit, so plugin authors can install them from this registry.
  for (const folder of AUTHOR_PACKAGES.map((name) => join(root, name))) {
    const packageJson = JSON.parse(await readFile(join(folder, "package.json"), "utf8"));
    const id = `${packageJson.name}@${packageJson.version}`;
    if (await isPublished(registry, packageJson.name, packageJson.version)) {
      console.log(`already published ${id}`);
      continue;
    }
    const { packed, tarball } = await pack(folder, id);
    await publishPackage(registry, { packageJson: packed, tarball });
    console.log(`published ${id}`);
  }
  console.log(`seeded ${state.url}: ${published} plugin${published === 1 ? "" : "s"} published${rejected > 0 ? `, ${rejected} invalid` : ""}`);
  if (rejected > 0) process.exitCode = 1;
} finally {
  await rm(packDir, { recursive: true, force: true });
}
