import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MarketplaceError,
  createSet,
  generateSigningKey,
  installSet,
  listInstalledPlugins,
  packPackageTarball,
  pluginStore,
  publishPackage,
  publishSet,
  readLockfile,
  signSet,
  trustedKeyFrom,
  updatePlugins,
} from "../src/index.js";
import type { CuratedSet, PluginStore, TrustedKey } from "../src/index.js";
import { craftTarball, fixtureEntries, makeTempDir, publishFixture, startTestRegistry } from "./helpers.js";
import type { TestRegistry } from "./helpers.js";

let registry: TestRegistry;
const key = generateSigningKey();
const trusted: TrustedKey[] = [trustedKeyFrom(key.publicKeyPem, "site")];
let baseline: CuratedSet;

beforeAll(async () => {
  registry = await startTestRegistry();
  await publishFixture(registry, { name: "@checks/plugin-secrets", version: "1.0.0" });
  await publishFixture(registry, { name: "@checks/plugin-secrets", version: "1.1.0" });
  await publishFixture(registry, { name: "checks-plugin-alpha", version: "1.0.0" });
  // A look-alike of the official plugin that no set lists.
  await publishFixture(registry, { name: "checks-plugin-secrets", version: "1.0.0" });

  const unsigned = await createSet(registry.readConfig, { name: "baseline", version: "1.0.0", plugins: ["@checks/plugin-secrets@1.0.0", "checks-plugin-alpha@1.0.0"] });
  baseline = signSet(unsigned, key.privateKeyPem);
  await publishSet(registry.config, baseline, "@site/checks-set-baseline");
});

afterAll(async () => {
  await registry.close();
});

async function emptyStore(): Promise<PluginStore> {
  return pluginStore(join(await makeTempDir("data"), "data"));
}

async function rejection(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

async function snapshot(store: PluginStore): Promise<string[]> {
  if (!existsSync(store.dir)) return [];
  return (await readdir(store.dir, { recursive: true })).map(String).sort();
}

/** Publishes a set document as a package without re-signing it, as an attacker who altered it would. */
async function publishRawSet(packageName: string, document: unknown, version = "1.0.0"): Promise<void> {
  const packageJson = { name: packageName, version, keywords: ["checks-set"] };
  const tarball = await packPackageTarball([
    { path: "package.json", data: Buffer.from(JSON.stringify(packageJson)) },
    { path: "checks-set.json", data: Buffer.from(JSON.stringify(document)) },
  ]);
  await publishPackage(registry.config, { packageJson, tarball });
}

describe("createSet", () => {
  it("records exact versions and tarball integrities", () => {
    expect(baseline.plugins.map((plugin) => `${plugin.name}@${plugin.version}`)).toEqual(["@checks/plugin-secrets@1.0.0", "checks-plugin-alpha@1.0.0"]);
    expect(baseline.plugins.every((plugin) => plugin.integrity.startsWith("sha512-"))).toBe(true);
  });

  it("rejects a range where a version belongs", async () => {
    const error = await rejection(createSet(registry.readConfig, { name: "loose", version: "1.0.0", plugins: ["@checks/plugin-secrets@^1.0.0"] }));
    expect(error.code).toBe("INVALID_SPEC");
  });
});

describe("installSet", () => {
  it("installs exactly the listed versions", async () => {
    const store = await emptyStore();
    const installed = await installSet(store, "@site/checks-set-baseline", { registry: registry.readConfig, trustedKeys: trusted });

    expect(installed.map((plugin) => `${plugin.name}@${plugin.version}`)).toEqual(["@checks/plugin-secrets@1.0.0", "checks-plugin-alpha@1.0.0"]);
    const lockfile = await readLockfile(store.lockfile);
    expect(Object.keys(lockfile.plugins).sort()).toEqual(["@checks/plugin-secrets", "checks-plugin-alpha"]);
    expect(lockfile.plugins["@checks/plugin-secrets"]?.set).toEqual({ source: "@site/checks-set-baseline", name: "baseline", version: "1.0.0", keyId: key.id });
    expect(lockfile.plugins["@checks/plugin-secrets"]?.integrity).toBe(baseline.plugins[0]!.integrity);
    expect(existsSync(join(store.dir, "checks-plugin-secrets"))).toBe(false);
  });

  it("installs a set from a file", async () => {
    const file = join(await makeTempDir("set"), "baseline.json");
    await writeFile(file, JSON.stringify(baseline));
    const store = await emptyStore();
    await installSet(store, file, { registry: registry.readConfig, trustedKeys: trusted, only: ["checks-plugin-alpha"] });
    expect((await listInstalledPlugins(store)).plugins.map((plugin) => plugin.name)).toEqual(["checks-plugin-alpha"]);
    expect((await readLockfile(store.lockfile)).plugins["checks-plugin-alpha"]?.set?.source).toBe(file);
  });

  it("rejects a look-alike outside the set", async () => {
    const store = await emptyStore();
    const error = await rejection(installSet(store, "@site/checks-set-baseline", { registry: registry.readConfig, trustedKeys: trusted, only: ["checks-plugin-secrets"] }));
    expect(error.code).toBe("NOT_IN_SET");
    expect(error.package).toBe("checks-plugin-secrets");
    expect(error.message).toContain("@checks/plugin-secrets");
    expect(await snapshot(store)).toEqual([]);
  });

  it("rejects a set signed by an untrusted key", async () => {
    const stranger = generateSigningKey();
    await publishSet(registry.config, signSet({ ...baseline, name: "stranger" }, stranger.privateKeyPem), "@site/checks-set-stranger");
    const store = await emptyStore();
    const error = await rejection(installSet(store, "@site/checks-set-stranger", { registry: registry.readConfig, trustedKeys: trusted }));
    expect(error.code).toBe("UNTRUSTED_KEY");
    expect(await snapshot(store)).toEqual([]);
  });

  it("rejects a set changed after signing", async () => {
    await publishRawSet("@site/checks-set-altered", { ...baseline, plugins: [{ ...baseline.plugins[0]!, version: "1.1.0" }, baseline.plugins[1]!] });
    const store = await emptyStore();
    const error = await rejection(installSet(store, "@site/checks-set-altered", { registry: registry.readConfig, trustedKeys: trusted }));
    expect(error.code).toBe("BAD_SIGNATURE");
    expect(await snapshot(store)).toEqual([]);
  });

  it("rejects a set integrity mismatch", async () => {
    const other = baseline.plugins[0]!.integrity.replace(/^sha512-./, (prefix) => (prefix.endsWith("A") ? "sha512-B" : "sha512-A"));
    const set = signSet({ ...baseline, name: "wrong", plugins: [baseline.plugins[0]!, { ...baseline.plugins[1]!, integrity: other }] }, key.privateKeyPem);
    await publishSet(registry.config, set, "@site/checks-set-wrong");
    const store = await emptyStore();
    const error = await rejection(installSet(store, "@site/checks-set-wrong", { registry: registry.readConfig, trustedKeys: trusted }));
    expect(error.code).toBe("INTEGRITY_MISMATCH");
    expect(error.package).toBe("checks-plugin-alpha");
    expect(await snapshot(store)).toEqual([]);
  });

  it("installs nothing when a listed tarball was replaced", async () => {
    await publishFixture(registry, { name: "checks-plugin-replaced", version: "1.0.0" });
    const unsigned = await createSet(registry.readConfig, { name: "replaced", version: "1.0.0", plugins: ["checks-plugin-alpha@1.0.0", "checks-plugin-replaced@1.0.0"] });
    await publishSet(registry.config, signSet(unsigned, key.privateKeyPem), "@site/checks-set-replaced");
    const storageFile = join(registry.dir, "storage", "checks-plugin-replaced", "checks-plugin-replaced-1.0.0.tgz");
    await writeFile(storageFile, await craftTarball(fixtureEntries({ name: "checks-plugin-replaced", version: "1.0.0", checkId: "swapped" })));

    const store = await emptyStore();
    const error = await rejection(installSet(store, "@site/checks-set-replaced", { registry: registry.readConfig, trustedKeys: trusted }));
    expect(error.code).toBe("INTEGRITY_MISMATCH");
    expect(error.package).toBe("checks-plugin-replaced");
    expect(await snapshot(store)).toEqual([]);
  });

  it("follows a newer set version on update", async () => {
    const store = await emptyStore();
    const first = await createSet(registry.readConfig, { name: "moving", version: "1.0.0", plugins: ["@checks/plugin-secrets@1.0.0"] });
    await publishSet(registry.config, signSet(first, key.privateKeyPem), "@site/checks-set-moving");
    await installSet(store, "@site/checks-set-moving@1.0.0", { registry: registry.readConfig, trustedKeys: trusted });

    const second = await createSet(registry.readConfig, { name: "moving", version: "1.1.0", plugins: ["@checks/plugin-secrets@1.1.0"] });
    await publishSet(registry.config, signSet(second, key.privateKeyPem), "@site/checks-set-moving");
    const updates = await updatePlugins(store, undefined, { registry: registry.readConfig, trustedKeys: trusted });
    expect(updates).toEqual([{ name: "@checks/plugin-secrets", from: "1.0.0", to: "1.1.0" }]);
    expect(JSON.parse(await readFile(store.lockfile, "utf8")).plugins["@checks/plugin-secrets"].set.version).toBe("1.1.0");

    const older = signSet({ ...first, version: "1.0.5" }, key.privateKeyPem);
    await publishSet(registry.config, older, "@site/checks-set-moving");
    const before = await readFile(store.lockfile, "utf8");
    const error = await rejection(updatePlugins(store, undefined, { registry: registry.readConfig, trustedKeys: trusted }));
    expect(error.code).toBe("SET_DOWNGRADE");
    expect(await readFile(store.lockfile, "utf8")).toBe(before);
  });
});
