/**
 * Runs the official plugins' built bundles in the sandbox, to show that real
 * SDK bundles need nothing the isolate lacks. A plugin whose bundle has not
 * been built yet (`pnpm --filter "./plugins/*" build`) is skipped.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validatePluginPackage } from "@checks/sdk/host";
import { describe, expect, it } from "vitest";
import { runPlugins } from "../src/index.js";
import type { PluginJob } from "../src/index.js";
import { testImage } from "./helpers.js";

const pluginsRoot = fileURLToPath(new URL("../../../plugins/", import.meta.url));

function officialPlugins(): { folder: string; job?: PluginJob }[] {
  if (!existsSync(pluginsRoot)) return [];
  return readdirSync(pluginsRoot).map((folder) => {
    const packageFile = join(pluginsRoot, folder, "package.json");
    if (!existsSync(packageFile)) return { folder };
    const validated = validatePluginPackage(JSON.parse(readFileSync(packageFile, "utf8")));
    if (!validated.ok) return { folder };
    const manifest = validated.value.checks;
    const bundleFile = join(pluginsRoot, folder, manifest.bundle);
    if (!existsSync(bundleFile)) return { folder };
    const job: PluginJob = {
      name: validated.value.name,
      version: validated.value.version,
      bundleFile,
      manifest,
      checkIds: manifest.checks.map((check) => check.id),
      options: {},
    };
    return { folder, job };
  });
}

describe("official plugins in the sandbox", () => {
  const plugins = officialPlugins();
  it.skipIf(plugins.length > 0)("no official plugins found", () => {});
  for (const { folder, job } of plugins) {
    it.skipIf(job === undefined)(`${folder} runs without errors`, async () => {
      const run = await runPlugins({ image: { kind: "data", data: testImage() }, plugins: [job!], runners: 1 });
      const plugin = run.plugins[0]!;
      expect(plugin.error).toBeUndefined();
      expect(plugin.checks.filter((check) => check.error !== undefined).map((check) => check.error)).toEqual([]);
    });
  }
});
