import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { PluginBuildError} from "../src/build/index.js";
import { buildPlugin, loadBundle } from "../src/build/index.js";

const sdkEntry = resolve(dirname(fileURLToPath(import.meta.url)), "../src/index.ts");
const folders: string[] = [];

async function pluginFolder(source: string, pkg: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "checks-build-"));
  folders.push(dir);
  await mkdir(join(dir, "src"));
  await writeFile(join(dir, "src/index.ts"), source.replaceAll("@checks/sdk", sdkEntry));
  await writeFile(join(dir, "package.json"), JSON.stringify({
    name: "checks-plugin-fixture", version: "1.0.0", keywords: ["checks-plugin"], peerDependencies: { "@checks/sdk": "^0.1.0" }, ...pkg,
  }));
  return dir;
}

const checkSource = `
import { defineCheck, definePlugin } from "@checks/sdk";
const hello = defineCheck({
  id: "hello", title: "Hello", description: "d", level: "low", tags: ["clean"], remediation: "r",
  messages: { found: { text: "found {{path}}", severity: "info" } },
  needs: { paths: ["/etc/*"], content: true, maxBytes: 100 },
  run({ image, report }) { for (const f of image.files.walk()) report({ messageId: "found", path: f.path, data: { path: f.path } }); },
});
export default definePlugin({ checks: [hello] });
`;

afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("buildPlugin", () => {
  it("bundles and writes the manifest", async () => {
    const dir = await pluginFolder(checkSource);
    const result = await buildPlugin({ dir });
    expect(result.manifestUpdated).toBe(true);
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(pkg.checks.bundle).toBe("dist/plugin.js");
    expect(pkg.checks.apiVersion).toBe("^1.0.0");
    expect(pkg.checks.checks[0]).toMatchObject({ id: "hello", level: "low", needs: { paths: ["/etc/*"], content: ["/etc/*"], maxBytes: 100 } });
    const code = await readFile(result.bundleFile, "utf8");
    expect(code).not.toMatch(/\brequire\(|\bimport\s*\(/);
    expect(loadBundle(code, result.bundleFile).checks[0]!.id).toBe("hello");
  });

  it("is stable on a second build", async () => {
    const dir = await pluginFolder(checkSource);
    await buildPlugin({ dir });
    const second = await buildPlugin({ dir, check: true });
    expect(second.manifestUpdated).toBe(false);
  });

  it("fails with --check when the manifest is stale", async () => {
    const dir = await pluginFolder(checkSource);
    await expect(buildPlugin({ dir, check: true })).rejects.toMatchObject({ code: "MANIFEST_OUT_OF_DATE" });
  });

  it("rejects Node imports", async () => {
    const dir = await pluginFolder(`import { readFileSync } from "node:fs";\n${checkSource}\nreadFileSync("/etc/passwd");`);
    await expect(buildPlugin({ dir })).rejects.toMatchObject({ code: "BUNDLE_FAILED" });
  });

  it("lists definition problems without the bundle source", async () => {
    const dir = await pluginFolder(checkSource.replace('level: "low"', 'level: "med"'));
    const error = (await buildPlugin({ dir }).catch((e: unknown) => e)) as PluginBuildError;
    expect(error.code).toBe("INVALID_DEFINITION");
    expect(error.message).toContain('level: received "med"; allowed: low, medium, high');
    expect(error.message.length).toBeLessThan(1000);
  });

  it("rejects an entry without a default plugin", async () => {
    const dir = await pluginFolder(`export const x = 1;`);
    await expect(buildPlugin({ dir })).rejects.toMatchObject({ code: "NOT_A_PLUGIN" });
  });

  it("lists manifest problems", async () => {
    const dir = await pluginFolder(checkSource, { name: "bad-name", keywords: [] });
    const error = (await buildPlugin({ dir }).catch((e: unknown) => e)) as PluginBuildError;
    expect(error.code).toBe("INVALID_MANIFEST");
    expect(error.problems.map((p) => p.path).sort()).toEqual(["keywords", "name"]);
  });
});
