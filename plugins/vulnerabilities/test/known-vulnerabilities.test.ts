import type { AdvisoryRecord, PackageRecord } from "@checks/sdk";
import { testCheck } from "@checks/plugin-tester";
import { knownVulnerabilities } from "../src/known-vulnerabilities.js";

const LODASH: PackageRecord = {
  ecosystem: "npm",
  name: "lodash",
  version: "4.17.20",
  purl: "pkg:npm/lodash@4.17.20",
  source: "/srv/app/node_modules/lodash/package.json",
  layer: 1,
};
const APT: PackageRecord = {
  ecosystem: "deb",
  name: "apt",
  version: "2.6.1",
  architecture: "amd64",
  purl: "pkg:deb/debian/apt@2.6.1?arch=amd64&distro=debian-12",
  source: "/var/lib/dpkg/status",
  layer: 0,
};

const LODASH_TEMPLATE: AdvisoryRecord = {
  id: "GHSA-35jh-r3h4-6jhm",
  aliases: ["CVE-2021-23337"],
  severity: "high",
  cvss: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
  purl: LODASH.purl,
  installedVersion: "4.17.20",
  fixedVersion: "4.17.21",
};
const APT_KEY: AdvisoryRecord = { id: "DEBIAN-CVE-2011-3374", aliases: [], purl: APT.purl, installedVersion: "2.6.1" };

testCheck(knownVulnerabilities, {
  valid: [
    { name: "no database and no packages to check", image: { advisoryDatabase: false } },
    { name: "database with no matching advisory", image: { packages: [LODASH, APT], advisories: [] } },
    { name: "unfixed advisory with ignoreUnfixed", image: { packages: [APT], advisories: [APT_KEY] }, options: { ignoreUnfixed: true } },
  ],
  invalid: [
    {
      name: "advisory with a fix",
      image: { packages: [LODASH, APT], advisories: [LODASH_TEMPLATE] },
      findings: [
        {
          messageId: "vulnerable",
          package: LODASH.purl,
          path: LODASH.source,
          layer: 1,
          severity: "high",
          evidence: LODASH_TEMPLATE.cvss!,
          data: { name: "lodash", installed: "4.17.20", id: "GHSA-35jh-r3h4-6jhm", aliases: "CVE-2021-23337", fixed: "4.17.21" },
        },
      ],
    },
    {
      name: "unfixed advisory without a rating",
      image: { packages: [APT], advisories: [APT_KEY] },
      findings: [
        {
          messageId: "vulnerableUnfixed",
          package: APT.purl,
          path: "/var/lib/dpkg/status",
          severity: undefined,
          data: { name: "apt", installed: "2.6.1", id: "DEBIAN-CVE-2011-3374", aliases: "no aliases" },
        },
      ],
    },
    {
      name: "no advisory database imported",
      image: { packages: [LODASH, APT], advisoryDatabase: false },
      findings: [{ messageId: "noDatabase", data: { count: 2 } }],
    },
  ],
});
