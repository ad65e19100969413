import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configJsonSchema, loadConfig } from "../src/config.js";
import { UserError } from "../src/errors.js";

const folders: string[] = [];
async function folderWith(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "checks-config-"));
  folders.push(dir);
  await writeFile(join(dir, name), text);
  return dir;
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("loadConfig", () => {
  it("returns defaults without a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "checks-config-"));
    folders.push(dir);
    expect(await loadConfig(dir)).toEqual({ config: {} });
  });

  it("reads YAML", async () => {
    const dir = await folderWith("checks.config.yaml", "level: high\nfailOn: critical\ntags: security+docker\n");
    const { config, source } = await loadConfig(dir);
    expect(config).toEqual({ level: "high", failOn: "critical", tags: "security+docker" });
    expect(source).toBe(join(dir, "checks.config.yaml"));
  });

  it("lists every bad key with a fix", async () => {
    const dir = await folderWith("checks.config.json", JSON.stringify({ levl: "high", failOn: "severe", concurrency: 0, limits: { memoryMB: 64 } }));
    const error = (await loadConfig(dir).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("4 problems");
    expect(error.message).toContain('levl: unknown key; did you mean "level"?');
    expect(error.message).toContain('failOn: Invalid option');
    expect(error.message).toContain('(received "severe")');
    expect(error.message).toContain("concurrency:");
    expect(error.message).toContain('limits.memoryMB: unknown key; did you mean "memoryMb"?');
  });

  it("names the file on invalid JSON", async () => {
    const dir = await folderWith("checks.config.json", "{ nope");
    await expect(loadConfig(dir)).rejects.toThrow(/checks\.config\.json is not valid JSON/);
  });

  it("rejects a missing explicit file", async () => {
    await expect(loadConfig(tmpdir(), "does-not-exist.yaml")).rejects.toBeInstanceOf(UserError);
  });
});

describe("config JSON Schema", () => {
  it("matches the published schema file", async () => {
    const published = JSON.parse(await readFile(new URL("../schema/config.schema.json", import.meta.url), "utf8"));
    expect(published, 'schema/config.schema.json is out of date: run "pnpm --filter @checks/cli schema"').toEqual(configJsonSchema());
  });
});
