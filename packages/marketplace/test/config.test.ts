import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MarketplaceError, loadRegistryConfig, mergeRegistryConfig, parseNpmrc, redactRegistryConfig, registryFor } from "../src/index.js";
import { makeTempDir } from "./helpers.js";

describe("registry config", () => {
  const npmrc = [
    "# site registries",
    "registry=http://127.0.0.1:4873/",
    "@site:registry=http://127.0.0.1:5000/npm/",
    "//127.0.0.1:4873/:_authToken=${CHECKS_TEST_TOKEN}",
    "//127.0.0.1:5000/:_authToken=root-token",
    "//127.0.0.1:5000/npm/:_authToken=npm-token",
    "always-auth=true",
  ].join("\n");

  it("parses registries, scopes and tokens", () => {
    const parsed = parseNpmrc(npmrc, { CHECKS_TEST_TOKEN: "from-env" });
    expect(parsed.url).toBe("http://127.0.0.1:4873");
    expect(parsed.scopes).toEqual({ "@site": "http://127.0.0.1:5000/npm" });
    expect(parsed.tokens?.["//127.0.0.1:4873/"]).toBe("from-env");
  });

  it("picks scope registry and longest token", () => {
    const config = mergeRegistryConfig({ url: "http://127.0.0.1:9/" }, parseNpmrc(npmrc, { CHECKS_TEST_TOKEN: "from-env" }));
    expect(registryFor(config, "@site/checks-plugin-x")).toEqual({ url: "http://127.0.0.1:5000/npm", token: "npm-token" });
    expect(registryFor(config, "@checks/plugin-x")).toEqual({ url: "http://127.0.0.1:4873", token: "from-env" });
    expect(registryFor(config, "checks-plugin-x").url).toBe("http://127.0.0.1:4873");
  });

  it("rejects a missing environment variable", () => {
    const error = (() => {
      try {
        parseNpmrc(npmrc, {});
      } catch (caught) {
        return caught;
      }
    })();
    expect((error as MarketplaceError).code).toBe("INVALID_CONFIG");
    expect((error as MarketplaceError).message).not.toContain("from-env");
  });

  it.each(["ftp://127.0.0.1/", "not a url", "http://user:secret@127.0.0.1:4873/"])("rejects registry URL %s", (url) => {
    expect(() => parseNpmrc(`registry=${url}`, {})).toThrow(MarketplaceError);
  });

  it("redacts tokens", () => {
    const config = mergeRegistryConfig({ url: "http://127.0.0.1:4873" }, { tokens: { "//127.0.0.1:4873/": "secret-token" } });
    expect(JSON.stringify(redactRegistryConfig(config))).not.toContain("secret-token");
  });
});

describe("loadRegistryConfig", () => {
  it("layers file, environment and flag", async () => {
    const file = join(await makeTempDir("npmrc"), "npmrc");
    await writeFile(file, "registry=http://127.0.0.1:5000/\n@site:registry=http://127.0.0.1:5001/\n");

    const fromFile = await loadRegistryConfig({ defaultUrl: "http://127.0.0.1:4873", npmrcFile: file, env: {} });
    expect(fromFile.url).toBe("http://127.0.0.1:5000");
    expect(fromFile.scopes).toEqual({ "@site": "http://127.0.0.1:5001" });

    const fromEnv = await loadRegistryConfig({ defaultUrl: "http://127.0.0.1:4873", npmrcFile: file, env: { CHECKS_REGISTRY: "http://127.0.0.1:6000", CHECKS_REGISTRY_TOKEN: "env-token" } });
    expect(fromEnv.url).toBe("http://127.0.0.1:6000");
    expect(fromEnv.tokens).toEqual({ "//127.0.0.1:6000/": "env-token" });

    const fromFlag = await loadRegistryConfig({ defaultUrl: "http://127.0.0.1:4873", npmrcFile: `${file}.missing`, env: { CHECKS_REGISTRY: "http://127.0.0.1:6000" }, override: "http://127.0.0.1:7000/" });
    expect(fromFlag.url).toBe("http://127.0.0.1:7000");
  });
});
