import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MarketplaceError,
  installPlugin,
  installPlugins,
  listInstalledPlugins,
  nerfDart,
  pluginStore,
  publishPackage,
  readLockfile,
  removePlugin,
  searchRegistry,
  updatePlugins,
  verifyStore,
} from "../src/index.js";
import type { PluginStore } from "../src/index.js";
import { craftTarball, fixtureEntries, fixturePackageJson, makeTempDir, packFixture, publishFixture, startTestRegistry } from "./helpers.js";
import type { RawEntry, TestRegistry } from "./helpers.js";

let registry: TestRegistry;

beforeAll(async () => {
  registry = await startTestRegistry();
  await publishFixture(registry, { name: "checks-plugin-alpha", version: "1.0.0" });
  await publishFixture(registry, { name: "checks-plugin-alpha", version: "1.1.0" });
  await publishFixture(registry, { name: "@site/checks-plugin-beta", version: "2.0.0" });
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

/** Lists every path under the store, to show that a rejected install changed nothing. */
async function snapshot(store: PluginStore): Promise<string[]> {
  if (!existsSync(store.dir)) return [];
  return (await readdir(store.dir, { recursive: true })).map(String).sort();
}

async function publishCrafted(name: string, version: string, entries: RawEntry[]): Promise<void> {
  const packageJson = fixturePackageJson({ name, version });
  await publishPackage(registry.config, { packageJson, tarball: await craftTarball(entries) });
}

describe("installPlugin", () => {
  it("installs the highest matching version and pins it", async () => {
    const store = await emptyStore();
    const plugin = await installPlugin(store, "checks-plugin-alpha@^1.0.0", { registry: registry.readConfig });

    expect(plugin.version).toBe("1.1.0");
    expect(plugin.source).toBe("store");
    expect(await readFile(plugin.bundleFile, "utf8")).toContain("export default");
    const lockfile = await readLockfile(store.lockfile);
    expect(lockfile.plugins["checks-plugin-alpha"]?.version).toBe("1.1.0");
    expect(lockfile.plugins["checks-plugin-alpha"]?.integrity).toMatch(/^sha512-/);
    expect(lockfile.plugins["checks-plugin-alpha"]?.requested).toBe("^1.0.0");
    expect(Object.keys(lockfile.plugins["checks-plugin-alpha"]!.files).sort()).toEqual(["dist/plugin.js", "package.json"]);
  });

  it("installs scoped plugins and lists them", async () => {
    const store = await emptyStore();
    await installPlugin(store, "@site/checks-plugin-beta", { registry: registry.readConfig });
    await installPlugin(store, "checks-plugin-alpha@1.0.0", { registry: registry.readConfig });

    const { plugins, problems } = await listInstalledPlugins(store);
    expect(problems).toEqual([]);
    expect(plugins.map((plugin) => `${plugin.name}@${plugin.version}`).sort()).toEqual(["@site/checks-plugin-beta@2.0.0", "checks-plugin-alpha@1.0.0"]);
  });

  it("reports a broken plugin as a problem entry", async () => {
    const store = await emptyStore();
    const plugin = await installPlugin(store, "checks-plugin-alpha@1.0.0", { registry: registry.readConfig });
    await installPlugin(store, "@site/checks-plugin-beta", { registry: registry.readConfig });
    await writeFile(join(plugin.dir, "package.json"), "{ broken");

    const verified = await listInstalledPlugins(store);
    expect(verified.plugins.map((item) => item.name)).toEqual(["@site/checks-plugin-beta"]);
    expect(verified.problems.map((problem) => problem.name)).toEqual(["checks-plugin-alpha"]);
    expect(verified.problems[0]?.message).toContain("differ from the lockfile");

    const unverified = await listInstalledPlugins(store, { verify: false });
    expect(unverified.problems.map((problem) => problem.name)).toEqual(["checks-plugin-alpha"]);
    expect(unverified.problems[0]?.message).toContain("package.json");
  });

  it("installs several plugins all or nothing", async () => {
    const store = await emptyStore();
    const error = await rejection(installPlugins(store, ["checks-plugin-alpha@1.0.0", "checks-plugin-missing"], { registry: registry.readConfig }));
    expect(error.code).toBe("NOT_FOUND");
    expect(await snapshot(store)).toEqual([]);

    const installed = await installPlugins(store, ["checks-plugin-alpha@1.0.0", "@site/checks-plugin-beta"], { registry: registry.readConfig });
    expect(installed.map((plugin) => plugin.name)).toEqual(["checks-plugin-alpha", "@site/checks-plugin-beta"]);
    expect((await rejection(installPlugins(store, ["checks-plugin-alpha", "checks-plugin-alpha@1.0.0"], { registry: registry.readConfig }))).code).toBe("INVALID_SPEC");
  });

  it("updates to the newest matching version and removes", async () => {
    const store = await emptyStore();
    await installPlugin(store, "checks-plugin-alpha@1.0.0", { registry: registry.readConfig });
    expect(await updatePlugins(store, undefined, { registry: registry.readConfig, trustedKeys: [] })).toEqual([]);

    const lockfile = await readLockfile(store.lockfile);
    lockfile.plugins["checks-plugin-alpha"]!.requested = "^1.0.0";
    await writeFile(store.lockfile, JSON.stringify(lockfile));
    expect(await updatePlugins(store, ["checks-plugin-alpha"], { registry: registry.readConfig, trustedKeys: [] })).toEqual([{ name: "checks-plugin-alpha", from: "1.0.0", to: "1.1.0" }]);

    await removePlugin(store, "checks-plugin-alpha");
    expect((await listInstalledPlugins(store)).plugins).toEqual([]);
    expect(existsSync(join(store.dir, "checks-plugin-alpha"))).toBe(false);
    expect((await rejection(removePlugin(store, "checks-plugin-alpha"))).code).toBe("NOT_INSTALLED");
  });

  it("searches by keyword", async () => {
    const results = await searchRegistry(registry.readConfig, "checks-plugin");
    expect(results.map((result) => result.name)).toContain("checks-plugin-alpha");
  });
});

describe("verifyStore", () => {
  it("detects changed and added files", async () => {
    const store = await emptyStore();
    const plugin = await installPlugin(store, "checks-plugin-alpha@1.1.0", { registry: registry.readConfig });
    expect((await verifyStore(store)).every((result) => result.ok)).toBe(true);

    await writeFile(plugin.bundleFile, "export default { checks: ['tampered'] };\n");
    await writeFile(join(plugin.dir, "extra.js"), "x");
    const [result] = await verifyStore(store);
    expect(result?.ok).toBe(false);
    expect(result?.changed).toEqual(["dist/plugin.js"]);
    expect(result?.added).toEqual(["extra.js"]);
  });
});

describe("installPlugin rejections", () => {
  it("rejects a tarball failing its integrity", async () => {
    await publishFixture(registry, { name: "checks-plugin-swapped", version: "1.0.0" });
    const storageFile = join(registry.dir, "storage", "checks-plugin-swapped", "checks-plugin-swapped-1.0.0.tgz");
    await writeFile(storageFile, await craftTarball(fixtureEntries({ name: "checks-plugin-swapped", version: "1.0.0", checkId: "replaced" })));

    const store = await emptyStore();
    const error = await rejection(installPlugin(store, "checks-plugin-swapped", { registry: registry.readConfig }));
    expect(error.code).toBe("INTEGRITY_MISMATCH");
    expect(error.package).toBe("checks-plugin-swapped");
    expect(await snapshot(store)).toEqual([]);
  });

  it("rejects a version without sha512 integrity", async () => {
    const { packageJson, tarball } = await packFixture({ name: "checks-plugin-sha1", version: "1.0.0" });
    const name = packageJson.name;
    const filename = `${name}-1.0.0.tgz`;
    const response = await fetch(`${registry.registry.url}/${name}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${registry.config.tokens![nerfDart(registry.registry.url)]}` },
      body: JSON.stringify({
        _id: name,
        name,
        "dist-tags": { latest: "1.0.0" },
        // Only the legacy sha1 shasum, as very old npm clients published.
        versions: { "1.0.0": { ...packageJson, _id: `${name}@1.0.0`, dist: { shasum: createHash("sha1").update(tarball).digest("hex"), tarball: `${registry.registry.url}/${name}/-/${filename}` } } },
        _attachments: { [filename]: { content_type: "application/octet-stream", data: tarball.toString("base64"), length: tarball.length } },
      }),
    });
    expect(response.ok).toBe(true);

    const store = await emptyStore();
    const error = await rejection(installPlugin(store, name, { registry: registry.readConfig }));
    expect(error.code).toBe("INTEGRITY_MISSING");
    expect(await snapshot(store)).toEqual([]);
  });

  it("never runs lifecycle scripts", async () => {
    const marker = join(await makeTempDir("marker"), "scripts-ran");
    const command = `node -e "require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')"`;
    await publishFixture(registry, { name: "checks-plugin-scripted", version: "1.0.0", scripts: { preinstall: command, install: command, postinstall: command, prepare: command } });

    const store = await emptyStore();
    const plugin = await installPlugin(store, "checks-plugin-scripted", { registry: registry.readConfig });
    expect(existsSync(marker)).toBe(false);
    expect(plugin.ignoredScripts).toEqual(["preinstall", "install", "postinstall", "prepare"]);
  });

  it.each<[string, string, RawEntry[], string]>([
    ["path traversal", "checks-plugin-traversal", [{ path: "package/../../../escaped.txt", data: Buffer.from("x") }], "UNSAFE_TARBALL"],
    ["symbolic link", "checks-plugin-symlink", [{ path: "package/dist/evil.js", type: "2", linkname: "../../../../etc/passwd" }], "UNSAFE_TARBALL"],
    ["hard link", "checks-plugin-hardlink", [{ path: "package/dist/evil.js", type: "1", linkname: "/etc/passwd" }], "UNSAFE_TARBALL"],
    ["absolute path", "checks-plugin-absolute", [{ path: "/tmp/checks-escaped.txt", data: Buffer.from("x") }], "UNSAFE_TARBALL"],
  ])("rejects a tarball with a %s", async (_name, packageName, extra, code) => {
    await publishCrafted(packageName, "1.0.0", [...fixtureEntries({ name: packageName, version: "1.0.0" }), ...extra]);
    const store = await emptyStore();
    const error = await rejection(installPlugin(store, packageName, { registry: registry.readConfig }));
    expect(error.code).toBe(code);
    expect(error.package).toBe(`${packageName}@1.0.0`);
    expect(await snapshot(store)).toEqual([]);
    expect(existsSync("/tmp/checks-escaped.txt")).toBe(false);
  });

  it("rejects an incompatible API version", async () => {
    await publishFixture(registry, { name: "checks-plugin-future", version: "1.0.0", apiVersion: "^2.0.0" });
    const store = await emptyStore();
    const error = await rejection(installPlugin(store, "checks-plugin-future", { registry: registry.readConfig }));
    expect(error.code).toBe("INCOMPATIBLE_API");
    expect(error.package).toBe("checks-plugin-future");
    expect(await snapshot(store)).toEqual([]);
  });

  it("rejects a plugin with runtime dependencies", async () => {
    await publishFixture(registry, { name: "checks-plugin-deps", version: "1.0.0", dependencies: { "left-pad": "^1.0.0" } });
    const error = await rejection(installPlugin(await emptyStore(), "checks-plugin-deps", { registry: registry.readConfig }));
    expect(error.code).toBe("INVALID_MANIFEST");
    expect(error.message).toContain("dependencies");
  });

  it("rejects a tarball without package.json", async () => {
    await publishCrafted("checks-plugin-empty", "1.0.0", [{ path: "package/dist/plugin.js", data: Buffer.from("x") }]);
    const error = await rejection(installPlugin(await emptyStore(), "checks-plugin-empty", { registry: registry.readConfig }));
    expect(error.code).toBe("INVALID_MANIFEST");
    expect(error.package).toBe("checks-plugin-empty");
  });

  it("rejects a tarball whose package.json names another package", async () => {
    await publishCrafted("checks-plugin-inner", "1.0.0", fixtureEntries({ name: "checks-plugin-other", version: "1.0.0" }));
    const error = await rejection(installPlugin(await emptyStore(), "checks-plugin-inner", { registry: registry.readConfig }));
    expect(error.code).toBe("NAME_MISMATCH");
  });

  it.each<[string, string]>([
    ["lodash", "INVALID_SPEC"],
    ["checks-plugin-missing", "NOT_FOUND"],
    ["checks-plugin-alpha@^9.0.0", "NO_MATCHING_VERSION"],
    ["checks-plugin-alpha@not a range!", "INVALID_SPEC"],
  ])("rejects %s", async (spec, code) => {
    const store = await emptyStore();
    expect((await rejection(installPlugin(store, spec, { registry: registry.readConfig }))).code).toBe(code);
    expect(await snapshot(store)).toEqual([]);
  });

  it("removes folders left by a killed install", async () => {
    const store = await emptyStore();
    await installPlugin(store, "checks-plugin-alpha@1.0.0", { registry: registry.readConfig });
    // pid 2147483646 is above any pid Linux assigns, so its owner is certainly gone.
    await mkdir(join(store.dir, ".staging-2147483646-abc", "0"), { recursive: true });
    await mkdir(join(store.dir, ".trash-abc", "0"), { recursive: true });

    await installPlugin(store, "checks-plugin-alpha@1.1.0", { registry: registry.readConfig });
    expect((await readdir(store.dir)).sort()).toEqual(["checks-lock.json", "checks-plugin-alpha"]);
  });

  it("keeps the installed version when an update is rejected", async () => {
    await publishFixture(registry, { name: "checks-plugin-gamma", version: "1.0.0" });
    await publishFixture(registry, { name: "checks-plugin-gamma", version: "1.1.0", apiVersion: "^2.0.0" });
    const store = await emptyStore();
    await installPlugin(store, "checks-plugin-gamma@1.0.0", { registry: registry.readConfig });
    const before = await readFile(store.lockfile, "utf8");

    const error = await rejection(installPlugin(store, "checks-plugin-gamma@1.1.0", { registry: registry.readConfig }));
    expect(error.code).toBe("INCOMPATIBLE_API");
    expect(await readFile(store.lockfile, "utf8")).toBe(before);
    expect((await verifyStore(store)).every((result) => result.ok)).toBe(true);
  });
});

describe("registry down", () => {
  it("fails with REGISTRY_UNREACHABLE and changes nothing", async () => {
    const down = await startTestRegistry();
    const url = down.registry.url;
    await down.close();

    const store = await emptyStore();
    await installPlugin(store, "checks-plugin-alpha@1.0.0", { registry: registry.readConfig });
    const before = await snapshot(store);
    const lockfile = await readFile(store.lockfile, "utf8");

    const error = await rejection(installPlugin(store, "checks-plugin-alpha@1.1.0", { registry: { url } }));
    expect(error.code).toBe("REGISTRY_UNREACHABLE");
    expect(error.message).toContain(url);
    expect(await snapshot(store)).toEqual(before);
    expect(await readFile(store.lockfile, "utf8")).toBe(lockfile);
  });
});

describe("publishPackage", () => {
  it("needs a valid token", async () => {
    const fixture = await packFixture({ name: "checks-plugin-unsigned-in", version: "1.0.0" });
    expect((await rejection(publishPackage(registry.readConfig, fixture))).code).toBe("AUTH_REQUIRED");
    const wrongToken = { url: registry.registry.url, tokens: { [nerfDart(registry.registry.url)]: "not-a-token" } };
    expect((await rejection(publishPackage(wrongToken, fixture))).code).toBe("AUTH_REQUIRED");
  });

  it("rejects a version that is already published", async () => {
    const fixture = await packFixture({ name: "checks-plugin-alpha", version: "1.0.0" });
    expect((await rejection(publishPackage(registry.config, fixture))).code).toBe("PUBLISH_FAILED");
  });
});
