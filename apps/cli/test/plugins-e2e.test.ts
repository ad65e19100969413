import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MarketplaceError } from "@checks/marketplace";
import { register as registerPlugins } from "../src/commands/plugins.js";
import { register as registerRegistry } from "../src/commands/registry.js";
import { register as registerSet } from "../src/commands/set.js";
import { register as registerTrust } from "../src/commands/trust.js";
import { UserError } from "../src/errors.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Result {
  code: number;
  stdout: string;
  error?: unknown;
}

/**
 * Runs the marketplace commands in this process with `env` applied, as
 * `checks ARGS` would, and returns the exit code and standard output.
 */
async function checks(args: string[], env: Record<string, string | undefined>): Promise<Result> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  const output: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;

  const program = new Command("checks").exitOverride();
  for (const register of [registerPlugins, registerSet, registerTrust, registerRegistry]) register(program);
  try {
    await program.parseAsync(args, { from: "user" });
    const code = typeof process.exitCode === "number" ? process.exitCode : 0;
    return { code, stdout: output.join("") };
  } catch (error) {
    if (error instanceof UserError) return { code: error.exitCode, stdout: output.join(""), error };
    throw error;
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Returns a loopback port that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function marketplaceCode(result: Result): string | undefined {
  const cause = (result.error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof MarketplaceError ? cause.code : undefined;
}

const PLUGINS = ["alpha", "beta"];

/** Creates a git workspace of official plugins with one pending changeset, as a plugin repository has before a release. */
async function createPluginWorkspace(dir: string): Promise<void> {
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "plugins-workspace", private: true, packageManager: "pnpm@10.34.9" }));
  await writeFile(join(dir, "pnpm-workspace.yaml"), "packages:\n  - plugins/*\n");
  await mkdir(join(dir, ".changeset"));
  await writeFile(join(dir, ".changeset", "config.json"), await readFile(join(repoRoot, ".changeset", "config.json")));
  for (const name of PLUGINS) {
    const folder = join(dir, "plugins", name);
    await mkdir(join(folder, "src"), { recursive: true });
    await writeFile(join(folder, "src", "plugin.js"), `export default { name: "${name}" };\n`);
    const packageJson = {
      name: `@checks/plugin-${name}`,
      version: "0.1.0",
      type: "module",
      keywords: ["checks-plugin"],
      files: ["dist/plugin.js"],
      scripts: { build: "node -e \"require('fs').mkdirSync('dist',{recursive:true});require('fs').copyFileSync('src/plugin.js','dist/plugin.js')\"" },
      peerDependencies: { "@checks/sdk": "^0.1.0" },
      checks: {
        apiVersion: "^1.0.0",
        bundle: "dist/plugin.js",
        checks: [{ id: `${name}-check`, title: `${name} check`, level: "low", tags: ["security"], messages: { found: { text: "found {{path}}", severity: "low" } }, needs: { paths: ["/etc/**"] } }],
      },
    };
    await writeFile(join(folder, "package.json"), JSON.stringify(packageJson, null, 2));
  }
  await writeFile(join(dir, ".changeset", "first-release.md"), `---\n${PLUGINS.map((name) => `"@checks/plugin-${name}": minor`).join("\n")}\n---\n\nFirst release.\n`);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=release@localhost", "-c", "user.name=release", ...args], { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "Add plugins");
}

let temp: string;
let publisherHome: string;
let registryUrl: string;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "checks-e2e-"));
  publisherHome = join(temp, "publisher");
  const started = await checks(["registry", "start", "--port", "0"], { CHECKS_HOME: publisherHome });
  expect(started.code).toBe(0);
  const status = await checks(["registry", "status", "--json"], { CHECKS_HOME: publisherHome });
  registryUrl = (JSON.parse(status.stdout) as { state: { url: string } }).state.url;

  const workspace = join(temp, "workspace");
  await mkdir(workspace);
  await createPluginWorkspace(workspace);
  execFileSync(process.execPath, [join(repoRoot, "scripts", "release.mjs"), "--root", workspace], { env: { ...process.env, CHECKS_HOME: publisherHome, CHECKS_REGISTRY: "" }, stdio: "pipe" });
}, 180_000);

afterAll(async () => {
  if (publisherHome) await checks(["registry", "stop"], { CHECKS_HOME: publisherHome });
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe("marketplace end to end", { timeout: 120_000 }, () => {
  it("publishes, signs, trusts and installs a set", async () => {
    const publisher = { CHECKS_HOME: publisherHome, CHECKS_REGISTRY: undefined };
    const key = join(temp, "site");
    const setFile = join(temp, "baseline.set.json");

    const outputs: string[] = [];
    const step = async (args: string[], env: Record<string, string | undefined>) => {
      const result = await checks(args, env);
      outputs.push(result.stdout, String(result.error ?? ""));
      return result;
    };
    expect((await step(["registry", "adduser", "--name", "site-admin"], { ...publisher, CHECKS_REGISTRY_PASSWORD: "site-admin-password" })).code).toBe(0);
    const npmrc = await readFile(join(publisherHome, "config", "npmrc"), "utf8");
    const token = /:_authToken=(.+)/.exec(npmrc)?.[1];
    expect(token).toBeDefined();
    expect((await step(["set", "keygen", "--out", key], publisher)).code).toBe(0);
    const created = await step(["set", "create", "--name", "baseline", "--plugin", "@checks/plugin-alpha@0.2.0", "--plugin", "@checks/plugin-beta@0.2.0", "-o", setFile], publisher);
    expect(created.code).toBe(0);
    expect((await step(["set", "sign", "--key", `${key}.pem`, setFile], publisher)).code).toBe(0);
    expect((await step(["set", "publish", setFile, "--package", "@site/checks-set-baseline"], publisher)).code).toBe(0);
    expect((await step(["set", "publish", setFile, "--package", "@site/checks-set-baseline"], publisher)).code).toBe(2);
    expect(outputs.join("\n")).not.toContain(token!);
    expect(outputs.join("\n")).not.toContain("site-admin-password");

    const user = { CHECKS_HOME: join(temp, "user"), CHECKS_REGISTRY: registryUrl };
    expect((await checks(["trust", "add", `${key}.pub.pem`, "--name", "site"], user)).code).toBe(0);
    const installed = await checks(["plugins", "install", "--set", "@site/checks-set-baseline"], user);
    expect(installed.code).toBe(0);

    const listed = await checks(["plugins", "list", "--json"], user);
    const plugins = (JSON.parse(listed.stdout) as { plugins: { name: string; version: string }[] }).plugins;
    expect(plugins.map((plugin) => `${plugin.name}@${plugin.version}`)).toEqual(["@checks/plugin-alpha@0.2.0", "@checks/plugin-beta@0.2.0"]);
    expect((await checks(["plugins", "verify"], user)).code).toBe(0);
    expect(existsSync(join(temp, "user", "data", "plugins", "@checks", "plugin-alpha", "dist", "plugin.js"))).toBe(true);
  });

  it("rejects a set from an untrusted key", async () => {
    const user = { CHECKS_HOME: join(temp, "stranger"), CHECKS_REGISTRY: registryUrl };
    const result = await checks(["plugins", "install", "--set", "@site/checks-set-baseline"], user);
    expect(result.code).toBe(2);
    expect(marketplaceCode(result)).toBe("UNTRUSTED_KEY");
    expect(existsSync(join(temp, "stranger", "data", "plugins", "checks-lock.json"))).toBe(false);
  });

  it("reports a registry that is down and changes nothing", async () => {
    const user = { CHECKS_HOME: join(temp, "offline"), CHECKS_REGISTRY: registryUrl };
    expect((await checks(["plugins", "install", "@checks/plugin-alpha@0.2.0"], user)).code).toBe(0);
    const lockfile = await readFile(join(temp, "offline", "data", "plugins", "checks-lock.json"), "utf8");

    const down = await checks(["plugins", "install", "@checks/plugin-beta"], { ...user, CHECKS_REGISTRY: `http://127.0.0.1:${await closedPort()}` });
    expect(down.code).toBe(3);
    expect(marketplaceCode(down)).toBe("REGISTRY_UNREACHABLE");
    expect(await readFile(join(temp, "offline", "data", "plugins", "checks-lock.json"), "utf8")).toBe(lockfile);
  });

  it("finds, describes, verifies and removes plugins", async () => {
    const user = { CHECKS_HOME: join(temp, "browser"), CHECKS_REGISTRY: registryUrl };
    expect((await checks(["plugins", "search", "plugin", "--json"], user)).stdout).toContain("@checks/plugin-alpha");
    expect((await checks(["plugins", "info", "@checks/plugin-beta"], user)).stdout).toContain("beta-check");

    expect((await checks(["plugins", "install", "@checks/plugin-beta"], user)).code).toBe(0);
    await writeFile(join(temp, "browser", "data", "plugins", "@checks", "plugin-beta", "dist", "plugin.js"), "export default { tampered: true };\n");
    const verified = await checks(["plugins", "verify"], user);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain("changed: dist/plugin.js");

    expect((await checks(["plugins", "remove", "@checks/plugin-beta"], user)).code).toBe(0);
    expect((await checks(["plugins", "list", "--json"], user)).stdout).toContain('"plugins": []');
  });

  it("manages trusted keys", async () => {
    const user = { CHECKS_HOME: join(temp, "keys") };
    const key = join(temp, "other");
    expect((await checks(["set", "keygen", "--out", key], user)).code).toBe(0);
    expect((await checks(["set", "keygen", "--out", key], user)).code).toBe(2);
    expect((await checks(["trust", "add", `${key}.pub.pem`, "--name", "other"], user)).code).toBe(0);
    expect((await checks(["trust", "list"], user)).stdout).toContain("other");
    expect((await checks(["trust", "remove", "other"], user)).code).toBe(0);
    expect((await checks(["trust", "remove", "other"], user)).code).toBe(2);
  });
});
