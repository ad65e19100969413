import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePluginPackage } from "@checks/sdk/host";

const execFileAsync = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const checksBin = join(repoRoot, "apps", "cli", "bin", "checks.js");
const imagesDir = process.env.CHECKS_TEST_IMAGES ?? join(repoRoot, ".cache", "images");
const image = join(imagesDir, "oci");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `checks` binary with `env` added to this process's environment. */
async function checks(args: string[], env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [checksBin, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

/** Parses JSON text, returning `fallback` when it is invalid. */
function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Parses command output as JSON, with the output in the error when it is not JSON. */
function outputJson<T>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`expected JSON output, got exit code ${run.code}, stdout ${JSON.stringify(run.stdout.slice(0, 500))}, stderr ${JSON.stringify(run.stderr.slice(0, 500))}`);
  }
}

/**
 * Copies every official plugin with a valid manifest and a built bundle into
 * a fresh git workspace with a changeset that releases each of them. Build
 * scripts and development dependencies are left out, because the bundles are
 * built already and the workspace has none of the repository's packages.
 */
async function createReleaseWorkspace(dir: string): Promise<string[]> {
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "official-plugins", private: true, packageManager: "pnpm@10.34.9" }));
  await writeFile(join(dir, "pnpm-workspace.yaml"), "packages:\n  - plugins/*\n");
  await mkdir(join(dir, ".changeset"));
  await writeFile(join(dir, ".changeset", "config.json"), await readFile(join(repoRoot, ".changeset", "config.json")));

  const names: string[] = [];
  for (const entry of await readdir(join(repoRoot, "plugins"), { withFileTypes: true })) {
    const source = join(repoRoot, "plugins", entry.name);
    if (!entry.isDirectory() || !existsSync(join(source, "package.json"))) continue;
    // A package.json that does not parse (for example while it is being edited) leaves that plugin out, like an invalid manifest.
    const packageJson = parseJson<Record<string, unknown> | undefined>(await readFile(join(source, "package.json"), "utf8"), undefined);
    const manifest = validatePluginPackage(packageJson);
    if (!manifest.ok || !existsSync(join(source, manifest.value.checks.bundle))) continue;

    const target = join(dir, "plugins", entry.name);
    await mkdir(join(target, dirname(manifest.value.checks.bundle)), { recursive: true });
    await copyFile(join(source, manifest.value.checks.bundle), join(target, manifest.value.checks.bundle));
    const { devDependencies: _devDependencies, scripts: _scripts, ...released } = packageJson as Record<string, unknown>;
    await writeFile(join(target, "package.json"), JSON.stringify(released, null, 2));
    names.push(manifest.value.name);
  }
  await writeFile(join(dir, ".changeset", "release.md"), `---\n${names.map((name) => `"${name}": patch`).join("\n")}\n---\n\nRelease the official plugins.\n`);

  const git = (...args: string[]) => execFileAsync("git", ["-c", "user.email=release@localhost", "-c", "user.name=release", ...args], { cwd: dir });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", "Add the official plugins");
  return names;
}

const built = existsSync(join(repoRoot, "apps", "cli", "dist", "main.js"));
let temp: string;
let publisherHome: string;
let released: Map<string, string>;

/** Returns the CHECKS_HOME of the plugin user, empty until the first test installs the set. */
function userHome(): string {
  return join(temp, "user");
}

describe.skipIf(!built)("official plugins end to end", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), "checks-release-e2e-"));
    publisherHome = join(temp, "publisher");
    expect((await checks(["registry", "start", "--port", "0"], { CHECKS_HOME: publisherHome })).code).toBe(0);

    const workspace = join(temp, "workspace");
    await mkdir(workspace);
    const names = await createReleaseWorkspace(workspace);
    expect(names.length).toBeGreaterThan(0);
    await execFileAsync(process.execPath, [join(repoRoot, "scripts", "release.mjs"), "--root", workspace, "--no-build"], { env: { ...process.env, CHECKS_HOME: publisherHome, CHECKS_REGISTRY: "" } });

    released = new Map();
    for (const entry of await readdir(join(workspace, "plugins"))) {
      const packageJson = JSON.parse(await readFile(join(workspace, "plugins", entry, "package.json"), "utf8")) as { name: string; version: string };
      released.set(packageJson.name, packageJson.version);
    }
  }, 300_000);

  afterAll(async () => {
    if (publisherHome) await checks(["registry", "stop"], { CHECKS_HOME: publisherHome });
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it("installs a signed set into an empty home", async () => {
    const publisher = { CHECKS_HOME: publisherHome, CHECKS_REGISTRY: "" };
    const status = outputJson<{ state: { url: string } }>(await checks(["registry", "status", "--json"], publisher));
    const key = join(temp, "site");
    const setFile = join(temp, "official.set.json");

    expect((await checks(["set", "keygen", "--out", key], publisher)).code).toBe(0);
    const pluginFlags = [...released].flatMap(([name, version]) => ["--plugin", `${name}@${version}`]);
    expect((await checks(["set", "create", "--name", "official", ...pluginFlags, "-o", setFile], publisher)).code).toBe(0);
    expect((await checks(["set", "sign", "--key", `${key}.pem`, setFile], publisher)).code).toBe(0);
    expect((await checks(["registry", "adduser", "--name", "site-admin"], { ...publisher, CHECKS_REGISTRY_PASSWORD: "site-admin-password" })).code).toBe(0);
    expect((await checks(["set", "publish", setFile, "--package", "@checks/set-official"], publisher)).code).toBe(0);

    const user = { CHECKS_HOME: userHome(), CHECKS_REGISTRY: status.state.url };
    expect((await checks(["trust", "add", `${key}.pub.pem`, "--name", "site"], user)).code).toBe(0);
    const install = await checks(["plugins", "install", "--set", "@checks/set-official"], user);
    expect(install.stderr).toBe("");
    expect(install.code).toBe(0);
    expect((await checks(["plugins", "verify"], user)).code).toBe(0);

    const listed = outputJson<{ plugins: { name: string; version: string }[] }>(await checks(["plugins", "list", "--json"], user));
    expect(new Map(listed.plugins.map((plugin) => [plugin.name, plugin.version]))).toEqual(released);
  });

  it.skipIf(!existsSync(image))("scans an image with the installed set", async () => {
    const run = await checks(["run", image, "--format", "json"], { CHECKS_HOME: userHome() });
    expect([0, 1]).toContain(run.code);
    const report = outputJson<{ selection: { plugins: string[] }; images: { checks: { plugin: string; pluginVersion: string; status: string }[] }[] }>(run);
    expect(report.selection.plugins.sort()).toEqual([...released.keys()].sort());
    const checksRun = report.images[0]!.checks;
    expect(checksRun.length).toBeGreaterThan(0);
    for (const check of checksRun) {
      expect(check.pluginVersion).toBe(released.get(check.plugin));
      expect(["passed", "failed"]).toContain(check.status);
    }
  });
});
