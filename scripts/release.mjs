#!/usr/bin/env node
/**
 * Versions, builds and publishes every changed package with changesets:
 * `changeset version`, the build, then `changeset publish` to the registry.
 *
 *   node scripts/release.mjs [--registry URL] [--no-build] [--root DIR]
 *
 * The registry is --registry, else CHECKS_REGISTRY, else the embedded
 * registry of the checks data folder, started when it does not run. For the
 * embedded registry the local publisher user signs in; for another registry
 * CHECKS_REGISTRY_TOKEN contains the token, else the user's npm config applies.
 * The token goes to pnpm through a temporary npmrc file (mode 0600) and is
 * never printed.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const { publisherToken, startRegistryDaemon } = await import(join(repoRoot, "apps/registry/dist/index.js"));
const { nerfDart } = await import(join(repoRoot, "packages/marketplace/dist/index.js"));
const changesetBin = createRequire(join(repoRoot, "package.json")).resolve("@changesets/cli/bin.js");

const { values: flags } = parseArgs({
  options: {
    registry: { type: "string" },
    build: { type: "boolean", default: true },
    "no-build": { type: "boolean", default: false },
    root: { type: "string" },
  },
});
const root = resolve(flags.root ?? repoRoot);
if (!existsSync(join(root, ".changeset", "config.json"))) {
  console.error(`release: ${root} has no .changeset/config.json; pass --root with the folder of a changesets workspace.`);
  process.exit(2);
}

/** Returns the data folder of the checks CLI: `$CHECKS_HOME/data`, else the XDG data folder. */
function dataDir() {
  if (process.env.CHECKS_HOME) return join(process.env.CHECKS_HOME, "data");
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "checks");
}

/** Returns the registry URL and the token to publish with, starting the embedded registry when no other is named. */
async function publishTarget() {
  const named = flags.registry ?? process.env.CHECKS_REGISTRY;
  if (named) return { url: named.replace(/\/+$/, ""), token: process.env.CHECKS_REGISTRY_TOKEN };
  const registryDir = join(dataDir(), "registry");
  const { state } = await startRegistryDaemon({ dir: registryDir });
  return { url: state.url, token: await publisherToken(registryDir, state.url) };
}

/** Runs one release step; a failure stops the release after its own output. */
function run(step, command, args, env = process.env) {
  console.log(`release: ${step}: ${command} ${args.join(" ")}`);
  try {
    execFileSync(command, args, { cwd: root, stdio: "inherit", env });
  } catch (error) {
    throw new Error(`release: the ${step} step failed (output above); fix it and run the release again. Versions already published stay published.`, { cause: error });
  }
}

try {
  const target = await publishTarget();
  console.log(`release: publishing to ${target.url}`);

  run("version", process.execPath, [changesetBin, "version"]);

  if (flags.build && !flags["no-build"]) {
    const rootPackage = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
    if (rootPackage.scripts?.build) run("build", "pnpm", ["run", "build"]);
    else run("build", "pnpm", ["-r", "--if-present", "run", "build"]);
  }

  const configDir = await mkdtemp(join(tmpdir(), "checks-release-"));
  try {
    const npmrc = join(configDir, "npmrc");
    const lines = [`registry=${target.url}/`];
    if (target.token) lines.push(`${nerfDart(target.url)}:_authToken=${target.token}`);
    else if (existsSync(join(homedir(), ".npmrc"))) lines.push(...(await readFile(join(homedir(), ".npmrc"), "utf8")).split("\n").filter((line) => line.startsWith("//")));
    await writeFile(npmrc, lines.join("\n") + "\n", { mode: 0o600 });
    run("publish", process.execPath, [changesetBin, "publish"], { ...process.env, npm_config_registry: `${target.url}/`, npm_config_userconfig: npmrc });
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
