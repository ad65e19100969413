import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryError, readRegistrySettings, registryOptionsFrom } from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "checks-registry-settings-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readRegistrySettings", () => {
  it("reads settings and resolves storage against the file", async () => {
    const file = join(dir, "registry.json");
    await writeFile(file, JSON.stringify({ port: 0, scopes: ["@site"], uplinks: { mirror: { url: "http://127.0.0.1:5000/" } }, storage: "packages", publishers: ["release"] }));
    const settings = await readRegistrySettings(file);
    expect(settings.storage).toBe(join(dir, "packages"));
    expect(settings.scopes).toEqual(["@site"]);
    expect(settings.uplinks?.mirror?.url).toBe("http://127.0.0.1:5000/");
  });

  it("treats a missing file as no settings", async () => {
    expect(await readRegistrySettings(join(dir, "missing.json"))).toEqual({});
  });

  it.each<[string, string]>([
    ["unknown key", JSON.stringify({ prot: 4873 })],
    ["scope without @", JSON.stringify({ scopes: ["site"] })],
    ["uplink that is not http", JSON.stringify({ uplinks: { mirror: { url: "ftp://127.0.0.1/" } } })],
    ["port out of range", JSON.stringify({ port: 70000 })],
    ["invalid JSON", "{"],
  ])("rejects a %s", async (_name, text) => {
    const file = join(dir, "invalid.json");
    await writeFile(file, text);
    const error = await readRegistrySettings(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe("INVALID_SETTINGS");
  });
});

describe("registryOptionsFrom", () => {
  it("lets defined overrides win", () => {
    const options = registryOptionsFrom("/srv/registry", { port: 5000, host: "127.0.0.1", scopes: ["@site"] }, { port: 0, host: undefined, scopes: undefined });
    expect(options).toEqual({ dir: "/srv/registry", port: 0, host: "127.0.0.1", scopes: ["@site"] });
  });
});
