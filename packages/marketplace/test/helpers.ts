import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { addRegistryUser, createRegistryUser, startRegistry } from "@checks/registry";
import type { RunningRegistry } from "@checks/registry";
import { nerfDart, packPackageTarball, publishPackage } from "../src/index.js";
import type { RegistryConfig } from "../src/index.js";

/** A verdaccio on a free loopback port with a publish user, storage in a temp folder. */
export interface TestRegistry {
  registry: RunningRegistry;
  dir: string;
  /** Config with the publish token. */
  config: RegistryConfig;
  /** Config without credentials, as a plugin user has. */
  readConfig: RegistryConfig;
  close(): Promise<void>;
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "checks-registry-"));
  const registry = await startRegistry({ dir, port: 0, scopes: ["@site"] });
  await addRegistryUser(dir, "publisher", "publisher-password");
  const token = await createRegistryUser(registry.url, "publisher", "publisher-password");
  return {
    registry,
    dir,
    config: { url: registry.url, tokens: { [nerfDart(registry.url)]: token } },
    readConfig: { url: registry.url },
    close: async () => {
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `checks-${prefix}-`));
}

/** A small bundle that defines one check; the marketplace only checks that it exists. */
export const BUNDLE = "export default { checks: [] };\n";

export interface FixtureOptions {
  name: string;
  version: string;
  apiVersion?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  checkId?: string;
}

/** Returns the package.json of a fixture plugin with one check. */
export function fixturePackageJson(options: FixtureOptions): Record<string, unknown> & { name: string; version: string } {
  const packageJson: Record<string, unknown> & { name: string; version: string } = {
    name: options.name,
    version: options.version,
    description: `Fixture plugin ${options.name}`,
    type: "module",
    keywords: ["checks-plugin"],
    peerDependencies: { "@checks/sdk": "^0.1.0" },
    checks: {
      apiVersion: options.apiVersion ?? "^1.0.0",
      bundle: "dist/plugin.js",
      checks: [
        {
          id: options.checkId ?? "fixture-check",
          title: "Fixture check",
          level: "low",
          tags: ["security"],
          messages: { found: { text: "found {{path}}", severity: "low" } },
          needs: { paths: ["/etc/**"] },
        },
      ],
    },
  };
  if (options.scripts) packageJson.scripts = options.scripts;
  if (options.dependencies) packageJson.dependencies = options.dependencies;
  return packageJson;
}

/** Packs a fixture plugin (package.json and bundle) as npm would. */
export async function packFixture(options: FixtureOptions): Promise<{ packageJson: ReturnType<typeof fixturePackageJson>; tarball: Buffer }> {
  const packageJson = fixturePackageJson(options);
  const tarball = await packPackageTarball([
    { path: "package.json", data: Buffer.from(JSON.stringify(packageJson, null, 2)) },
    { path: "dist/plugin.js", data: Buffer.from(BUNDLE) },
  ]);
  return { packageJson, tarball };
}

/** Packs and publishes a fixture plugin to the test registry. */
export async function publishFixture(registry: TestRegistry, options: FixtureOptions): Promise<void> {
  await publishPackage(registry.config, await packFixture(options));
}

/** One raw tar entry for crafting tarballs that npm would never produce. */
export interface RawEntry {
  path: string;
  type?: "0" | "1" | "2" | "3" | "5" | "x";
  data?: Buffer;
  linkname?: string;
}

/** Builds a gzipped tar from raw entries, links and odd paths included. */
export async function craftTarball(entries: RawEntry[]): Promise<Buffer> {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.data ?? Buffer.alloc(0);
    const header = Buffer.alloc(512);
    header.write(entry.path, 0, 100, "utf8");
    header.write("0000644\0", 100, 8, "ascii");
    header.write("0000000\0", 108, 8, "ascii");
    header.write("0000000\0", 116, 8, "ascii");
    header.write(data.length.toString(8).padStart(11, "0") + "\0", 124, 12, "ascii");
    header.write("00000000000\0", 136, 12, "ascii");
    header.write(entry.type ?? "0", 156, 1, "ascii");
    if (entry.linkname) header.write(entry.linkname, 157, 100, "utf8");
    header.write("ustar\0", 257, 6, "ascii");
    header.write("00", 263, 2, "ascii");
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return promisify(gzip)(Buffer.concat(blocks));
}

/** Entries of a valid fixture plugin, to combine with a crafted entry. */
export function fixtureEntries(options: FixtureOptions): RawEntry[] {
  return [
    { path: "package/package.json", data: Buffer.from(JSON.stringify(fixturePackageJson(options))) },
    { path: "package/dist/plugin.js", data: Buffer.from(BUNDLE) },
  ];
}
