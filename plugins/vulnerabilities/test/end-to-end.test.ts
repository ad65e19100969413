import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { collectInventory } from "@checks/inventory";
import { runCheckOn, virtualImage } from "@checks/plugin-tester";
import { importOsv, matchPackages, openAdvisoryDb } from "@checks/vulndb";
import { afterAll, describe, expect, it } from "vitest";
import { debianRootfs, imageFromFolders } from "../../../packages/inventory/test/support/read-rootfs.js";
import { knownVulnerabilities } from "../src/known-vulnerabilities.js";

const OSV_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../packages/vulndb/test/fixtures/osv");
const work = mkdtempSync(join(tmpdir(), "checks-vulnerabilities-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Inventory, import, matching and the check together, as the engine chains them.
describe("known-vulnerabilities with real inventory and database", () => {
  it("reports one finding per package and advisory", async () => {
    const image = virtualImage({
      files: {
        "/etc/os-release": 'ID=debian\nVERSION_ID="12"\n',
        "/var/lib/dpkg/status":
          "Package: apt\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.6.1\n\n" +
          "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u1\n",
        "/srv/app/node_modules/lodash/package.json": '{"name":"lodash","version":"4.17.20"}',
        "/srv/app/node_modules/minimist/package.json": '{"name":"minimist","version":"1.2.6"}',
        "/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA": "Name: requests\nVersion: 2.28.1\n",
      },
    });
    const inventory = collectInventory(image);
    const db = openAdvisoryDb(join(work, "advisories.sqlite"));
    await importOsv(db, OSV_FIXTURES);
    image.packages = inventory.packages;
    image.osRelease = inventory.osRelease;
    image.advisories = matchPackages(db, inventory.packages, inventory.osRelease);
    image.advisoryDatabase = { available: true };
    db.close();

    const result = await runCheckOn(knownVulnerabilities, image);
    expect(result.error).toBeUndefined();
    expect(result.findings.map((finding) => `${finding.messageId} ${finding.data.name} ${finding.data.id}`).sort()).toEqual([
      "vulnerable libc6 DSA-5514-1",
      "vulnerable lodash GHSA-35jh-r3h4-6jhm",
      "vulnerable requests GHSA-j8r2-6x86-q33q",
      "vulnerableUnfixed apt DEBIAN-CVE-2011-3374",
    ]);
  });
});

// The Debian test image from `pnpm images` with the application layer of
// packages/inventory/test/fixtures/app-layer on top.
describe("known-vulnerabilities on the Debian test image", () => {
  it("reports the app-layer packages and apt's binaries", { timeout: 120_000 }, async () => {
    const appLayer = resolve(dirname(fileURLToPath(import.meta.url)), "../../../packages/inventory/test/fixtures/app-layer");
    const image = imageFromFolders("debian-with-app", [debianRootfs(), appLayer]);
    const inventory = collectInventory(image);
    const db = openAdvisoryDb(join(work, "debian.sqlite"));
    await importOsv(db, OSV_FIXTURES);
    image.packages = inventory.packages;
    image.osRelease = inventory.osRelease;
    image.advisories = matchPackages(db, inventory.packages, inventory.osRelease);
    image.advisoryDatabase = { available: true };
    db.close();

    const result = await runCheckOn(knownVulnerabilities, image);
    const summary = result.findings.map((finding) => `${finding.data.name} ${finding.data.id} ${finding.layer} ${finding.severity ?? "-"}`).sort();
    expect(result.error).toBeUndefined();
    expect(summary).toEqual([
      "apt DEBIAN-CVE-2011-3374 0 -",
      "libapt-pkg6.0 DEBIAN-CVE-2011-3374 0 -",
      "lodash GHSA-35jh-r3h4-6jhm 1 high",
      "minimist GHSA-xvch-5gv4-984h 1 critical",
      "requests GHSA-j8r2-6x86-q33q 1 medium",
      "urllib3 GHSA-v845-jxx5-vc9f 1 medium",
    ]);
  });
});
