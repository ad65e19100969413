import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { ImageData } from "@checks/sdk";
import { describe, expect, it } from "vitest";
import { collectInventory, toCycloneDx } from "../src/index.js";
import { virtualImage } from "./support/virtual.js";

const require = createRequire(import.meta.url);
const SCHEMAS = join(dirname(require.resolve("@cyclonedx/cyclonedx-library/package.json")), "res", "schema");

function loadSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS, file), "utf8")) as Record<string, unknown>;
}

/** Compiles the official CycloneDX JSON schema of one version, as @cyclonedx/cyclonedx-library ships it. */
function validator(specVersion: "1.5" | "1.6"): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The bom schema refers to its companions by file name relative to its own $id.
  ajv.addSchema({ ...loadSchema("spdx.SNAPSHOT.schema.json"), $id: "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json" });
  ajv.addSchema({ ...loadSchema("jsf-0.82.SNAPSHOT.schema.json"), $id: "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json" });
  return ajv.compile(loadSchema(`bom-${specVersion}.SNAPSHOT.schema.json`));
}

const image: ImageData = virtualImage({
  "/etc/os-release": 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
  "/var/lib/dpkg/status": "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n",
  "/a/node_modules/@babel/core/package.json": '{"name":"@babel/core","version":"7.23.0","license":"MIT"}',
  "/a/node_modules/lodash/package.json": '{"name":"lodash","version":"4.17.20","license":"MIT"}',
  "/b/node_modules/lodash/package.json": '{"name":"lodash","version":"4.17.20","license":"MIT"}',
  "/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA": "Name: requests\nVersion: 2.28.1\nLicense: Apache 2.0\n",
});
image.info = { name: "registry.example/app:1.0", format: "oci-layout", digest: "sha256:" + "ab".repeat(32) };
const inventory = collectInventory(image);
image.osRelease = inventory.osRelease;

describe("toCycloneDx", () => {
  it.each(["1.5", "1.6"] as const)("validates against the CycloneDX %s schema", (specVersion) => {
    const bom = toCycloneDx(image, inventory.packages, { specVersion, toolVersion: "0.1.0" });
    const validate = validator(specVersion);
    const valid = validate(bom);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("fails validation when a required field is missing", () => {
    const bom = toCycloneDx(image, inventory.packages, { specVersion: "1.6", toolVersion: "0.1.0" }) as { components: { name?: string }[] };
    delete bom.components[1]!.name;
    expect(validator("1.6")(bom)).toBe(false);
  });

  it("lists the operating system and every package", () => {
    const bom = toCycloneDx(image, inventory.packages, { specVersion: "1.6", toolVersion: "0.1.0" }) as {
      components: { type: string; name: string; group?: string; "bom-ref": string; purl?: string }[];
      metadata: { component: { name: string; version?: string } };
    };
    expect(bom.components.map((component) => component.type)).toEqual(["operating-system", "library", "library", "library", "library", "library"]);
    expect(bom.components.find((component) => component.group === "@babel")?.name).toBe("core");
    expect(bom.metadata.component.name).toBe("registry.example/app:1.0");
    expect(bom.metadata.component.version).toBe(image.info.digest);
  });

  it("keeps bom-ref unique for a purl installed twice", () => {
    const bom = toCycloneDx(image, inventory.packages, { specVersion: "1.5", toolVersion: "0.1.0" }) as { components: { "bom-ref": string }[] };
    const refs = bom.components.map((component) => component["bom-ref"]);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs).toContain("pkg:npm/lodash@4.17.20#/a/node_modules/lodash/package.json");
  });
});
