#!/usr/bin/env node
// The main job on a fresh machine: build, make the Debian test image, seed the
// embedded registry with the official plugins, sign and publish the official
// set with a site key, trust it, install it into CHECKS_HOME, and scan the image.
// CHECKS_HOME defaults to .checks-home/ in the repository, so the demo leaves the
// user's own checks folders alone. Safe to run again: every step is idempotent.
//
//   node scripts/demo.mjs [--no-build] [--port N]
//
// --no-build skips system packages, the build and the test images (the
// end-to-end test runs after them); --port chooses the registry port, 0 a free one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: flags } = parseArgs({ options: { build: { type: "boolean", default: true }, "no-build": { type: "boolean", default: false }, port: { type: "string", default: "4873" } } });
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const home = process.env.CHECKS_HOME ?? join(root, ".checks-home");
const env = { ...process.env, CHECKS_HOME: home };
const checksBin = join(root, "apps/cli/bin/checks.js");
const image = join(process.env.CHECKS_TEST_IMAGES ?? join(root, ".cache/images"), "oci");
const SET_PACKAGE = "@checks/set-official";

function run(title, command, args, { allow = [0], quiet = false, extraEnv = {} } = {}) {
  if (title) process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: quiet ? "pipe" : "inherit", encoding: "utf8" });
  const code = result.status ?? 1;
  if (!allow.includes(code)) {
    if (quiet) process.stderr.write(result.stdout + result.stderr);
    process.stderr.write(`\ndemo: "${[command, ...args].join(" ")}" failed with exit code ${code}.\n`);
    process.exit(1);
  }
  return { code, output: quiet ? `${result.stdout}${result.stderr}` : "" };
}

const checks = (title, args, options) => run(title, process.execPath, [checksBin, ...args], options);

function officialPlugins() {
  const folder = join(root, "plugins");
  return readdirSync(folder)
    .map((name) => join(folder, name, "package.json"))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, "utf8")))
    .filter((pkg) => pkg.name.startsWith("@checks/plugin-"))
    .map((pkg) => `${pkg.name}@${pkg.version}`);
}

if (!flags["no-build"]) {
  run("System packages", "bash", ["scripts/system-deps.sh"]);
  run("Build", "pnpm", ["exec", "turbo", "run", "build"]);
  run("Test images", "bash", ["scripts/build-test-images.sh"]);
}
const seeded = run("Embedded registry with the official plugins", process.execPath, ["scripts/seed-registry.mjs", "--no-build", "--port", flags.port], {
  allow: [0, 3],
});
if (seeded.code === 3) {
  // Usually the port is taken, for example by another registry; a free port works as well for the demo.
  process.stdout.write(`The registry did not start on port ${flags.port}; trying a free port.\n`);
  run("", process.execPath, ["scripts/seed-registry.mjs", "--no-build", "--port", "0"]);
}

// The set is published with the embedded registry's publisher account, whose
// token goes to that one command through CHECKS_REGISTRY_TOKEN.
const { publisherToken, readRegistryState } = await import(join(root, "apps/registry/dist/index.js"));
const registryDir = join(home, "data", "registry");
const state = await readRegistryState(registryDir);
const publishToken = await publisherToken(registryDir, state.url);

const keyPrefix = join(home, "config", "site-key");
const setFile = join(home, "official.set.json");
mkdirSync(dirname(keyPrefix), { recursive: true });
if (!existsSync(`${keyPrefix}.pem`)) checks("Site signing key", ["set", "keygen", "--out", keyPrefix]);

const plugins = officialPlugins();
const setVersion = `1.0.${plugins.reduce((sum, spec) => sum + Number(spec.split("@").pop().replaceAll(".", "")), 0)}`;
checks("Official set", ["set", "create", "--name", "official", "--set-version", setVersion, "--force", "-o", setFile, ...plugins.flatMap((spec) => ["--plugin", spec])]);
checks("", ["set", "sign", setFile, "--key", `${keyPrefix}.pem`]);
const published = checks("", ["set", "publish", setFile, "--package", SET_PACKAGE], {
  allow: [0, 2],
  quiet: true,
  extraEnv: { CHECKS_REGISTRY_TOKEN: publishToken },
});
process.stdout.write(published.code === 0 ? `published ${SET_PACKAGE}@${setVersion}\n` : `${SET_PACKAGE}@${setVersion} is already published\n`);

checks("Trust the site key", ["trust", "add", `${keyPrefix}.pub.pem`, "--name", "demo-site"], { allow: [0, 2] });
checks("Install the official set", ["plugins", "install", "--set", `${SET_PACKAGE}@${setVersion}`]);

const scan = checks(`checks run ${image}`, ["run", image], { allow: [0, 1] });
process.stdout.write(
  `\nchecks run exited with ${scan.code}: ${scan.code === 1 ? "the image has findings at or above high, as planted" : "no findings at or above high"}.\n` +
    `Plugins and keys are in ${home}. To run checks yourself:\n` +
    `  export CHECKS_HOME=${home}\n` +
    `  node apps/cli/bin/checks.js run --high ${image}\n` +
    `The registry keeps running; stop it with: node apps/cli/bin/checks.js registry stop\n`,
);
