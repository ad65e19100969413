import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MarketplaceError, listInstalledPlugins, loadPluginDir, pluginStore, withStoreLock } from "../src/index.js";
import { BUNDLE, fixturePackageJson, makeTempDir } from "./helpers.js";

async function pluginFolder(packageJson: unknown, bundle: string | null = BUNDLE): Promise<string> {
  const dir = await makeTempDir("plugin-dir");
  await writeFile(join(dir, "package.json"), JSON.stringify(packageJson));
  if (bundle !== null) {
    await mkdir(join(dir, "dist"));
    await writeFile(join(dir, "dist", "plugin.js"), bundle);
  }
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe("loadPluginDir", () => {
  it("loads a plugin folder", async () => {
    const dir = await pluginFolder(fixturePackageJson({ name: "checks-plugin-local", version: "0.0.1" }));
    const plugin = await loadPluginDir(dir);
    expect(plugin.name).toBe("checks-plugin-local");
    expect(plugin.source).toBe("dir");
    expect(plugin.bundleFile).toBe(join(dir, "dist", "plugin.js"));
    expect(plugin.manifest.checks[0]?.id).toBe("fixture-check");
    expect(plugin.integrity).toBeUndefined();
  });

  it("lists every manifest problem", async () => {
    const packageJson = { ...fixturePackageJson({ name: "not-a-plugin", version: "one" }), keywords: [] };
    const error = await rejection(loadPluginDir(await pluginFolder(packageJson)));
    expect(error.code).toBe("INVALID_MANIFEST");
    expect(error.message).toContain("name:");
    expect(error.message).toContain("version:");
    expect(error.message).toContain("keywords:");
  });

  it("rejects an incompatible API range", async () => {
    const error = await rejection(loadPluginDir(await pluginFolder(fixturePackageJson({ name: "checks-plugin-local", version: "1.0.0", apiVersion: "^2.0.0" }))));
    expect(error.code).toBe("INCOMPATIBLE_API");
    expect(error.package).toBe("checks-plugin-local");
  });

  it("rejects a missing bundle", async () => {
    const error = await rejection(loadPluginDir(await pluginFolder(fixturePackageJson({ name: "checks-plugin-local", version: "1.0.0" }), null)));
    expect(error.code).toBe("INVALID_MANIFEST");
  });

  it("rejects a bundle that links out of the folder", async () => {
    const outside = join(await makeTempDir("outside"), "plugin.js");
    await writeFile(outside, BUNDLE);
    const dir = await pluginFolder(fixturePackageJson({ name: "checks-plugin-local", version: "1.0.0" }), null);
    await mkdir(join(dir, "dist"));
    await symlink(outside, join(dir, "dist", "plugin.js"));
    expect((await rejection(loadPluginDir(dir))).code).toBe("INVALID_MANIFEST");
  });

  it("rejects a folder without package.json", async () => {
    expect((await rejection(loadPluginDir(await makeTempDir("empty")))).code).toBe("INVALID_MANIFEST");
  });
});

describe("plugin store", () => {
  it("treats a missing lockfile as an empty store", async () => {
    const store = pluginStore(await makeTempDir("data"));
    expect(await listInstalledPlugins(store)).toEqual({ plugins: [], problems: [] });
  });

  it("rejects an invalid lockfile", async () => {
    const store = pluginStore(await makeTempDir("data"));
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.lockfile, JSON.stringify({ lockfileVersion: 2, plugins: {} }));
    expect((await rejection(listInstalledPlugins(store))).code).toBe("INVALID_LOCKFILE");
    await writeFile(store.lockfile, "{");
    expect((await rejection(listInstalledPlugins(store))).code).toBe("INVALID_LOCKFILE");
  });

  it("rejects a second lock holder", async () => {
    const store = pluginStore(await makeTempDir("data"));
    const order: string[] = [];
    await withStoreLock(store, async () => {
      order.push("outer");
      const error = await rejection(withStoreLock(store, async () => order.push("inner")));
      expect(error.code).toBe("STORE_LOCKED");
    });
    await withStoreLock(store, async () => order.push("after"));
    expect(order).toEqual(["outer", "after"]);
  });

  it("takes over a lock whose process is gone", async () => {
    const store = pluginStore(await makeTempDir("data"));
    await mkdir(join(store.dir, ".lock"), { recursive: true });
    // pid 2147483646 is above any pid Linux assigns, so its owner is certainly gone.
    await writeFile(join(store.dir, ".lock", "pid"), "2147483646");
    expect(await withStoreLock(store, async () => "locked")).toBe("locked");
  });
});
