import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { register } from "../src/commands/sbom.js";
import { UserError } from "../src/errors.js";

let work: string;
let output: string[];

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "checks-sbom-"));
  output = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(work, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  const program = new Command("checks").exitOverride();
  register(program);
  await program.parseAsync(["node", "checks", ...args]);
  return output.join("");
}

/** Writes a small root filesystem folder with one dpkg package and one npm package. */
function rootfs(): string {
  const root = join(work, "rootfs");
  mkdirSync(join(root, "etc"), { recursive: true });
  mkdirSync(join(root, "var/lib/dpkg"), { recursive: true });
  mkdirSync(join(root, "srv/node_modules/lodash"), { recursive: true });
  writeFileSync(join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n');
  writeFileSync(join(root, "var/lib/dpkg/status"), "Package: apt\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.6.1\n");
  writeFileSync(join(root, "srv/node_modules/lodash/package.json"), '{"name":"lodash","version":"4.17.20","license":"MIT"}');
  return root;
}

describe("checks sbom", () => {
  it("writes CycloneDX 1.6 to standard output", async () => {
    const bom = JSON.parse(await run("sbom", rootfs(), "--format", "cyclonedx"));
    expect(bom.bomFormat).toBe("CycloneDX");
    expect(bom.specVersion).toBe("1.6");
    expect(bom.components.map((component: { purl?: string }) => component.purl).filter(Boolean)).toEqual([
      "pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12",
      "pkg:npm/lodash@4.17.20",
    ]);
  });

  it("writes CycloneDX 1.5 to a file", async () => {
    const file = join(work, "sbom.json");
    await run("sbom", rootfs(), "--spec-version", "1.5", "-o", file);
    expect(JSON.parse(readFileSync(file, "utf8")).specVersion).toBe("1.5");
  });

  it("rejects an unknown format", async () => {
    await expect(run("sbom", rootfs(), "--format", "spdx")).rejects.toBeInstanceOf(UserError);
  });

  it("rejects an unknown specification version", async () => {
    await expect(run("sbom", rootfs(), "--spec-version", "1.4")).rejects.toBeInstanceOf(UserError);
  });

  it("raises a user error for a missing image", async () => {
    await expect(run("sbom", join(work, "missing"))).rejects.toBeInstanceOf(UserError);
  });
});

/** Returns the OCI layout that `pnpm images` builds, or throws with that hint. */
function ociTestImage(): string {
  const base = process.env.CHECKS_TEST_IMAGES ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../../.cache/images");
  const layout = join(base, "oci");
  if (!existsSync(join(layout, "index.json"))) throw new Error(`The OCI test image is missing at ${layout}; run "pnpm images" at the repository root.`);
  return layout;
}

describe("checks sbom on the OCI test image", () => {
  it("lists the Debian packages of the base layer", { timeout: 120_000 }, async () => {
    const bom = JSON.parse(await run("sbom", ociTestImage()));
    const libraries = bom.components.filter((component: { type: string }) => component.type === "library");
    const libc = libraries.find((component: { name: string }) => component.name === "libc6");
    expect(libraries.length).toBeGreaterThan(50);
    expect(bom.metadata.component.properties).toContainEqual({ name: "checks:image:format", value: "oci-layout" });
    expect(libc.purl).toMatch(/^pkg:deb\/debian\/libc6@.+\?arch=amd64&distro=debian-12$/);
    expect(libc.properties).toContainEqual({ name: "checks:package:layer", value: "0" });
    expect(libc.properties).toContainEqual({ name: "checks:package:sourceName", value: "glibc" });
  });
});
