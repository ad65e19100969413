import { defineCheck } from "@checks/sdk";
import type { AdvisoryRecord, PackageRecord, Severity } from "@checks/sdk";
import { z } from "zod/mini";

/** Severity of an advisory without a CVSS vector or distribution rating. */
const UNRATED_SEVERITY: Severity = "medium";

export const knownVulnerabilities = defineCheck({
  id: "known-vulnerabilities",
  title: "Packages with known vulnerabilities",
  description:
    "Installed dpkg, apk, rpm, Python and npm packages whose version an advisory in the imported OSV database affects. One finding per package and advisory, with the installed and the fixed version.",
  level: "low",
  tags: ["security", "vulnerabilities"],
  messages: {
    vulnerable: {
      text: "{{name}} {{installed}} is affected by {{id}} ({{aliases}}); fixed in {{fixed}}",
      severity: UNRATED_SEVERITY,
    },
    vulnerableUnfixed: {
      text: "{{name}} {{installed}} is affected by {{id}} ({{aliases}}); no fixed version is published yet",
      severity: UNRATED_SEVERITY,
    },
    noDatabase: {
      text: 'No advisory database is imported, so {{count}} installed packages were not checked for known vulnerabilities; import OSV records with "checks db import PATH"',
      // A setup notice rather than a problem of the image: shown in every report, but it fails CI only with --fail-on info.
      severity: "info",
    },
  },
  remediation: "Upgrade the package to the fixed version (rebuild the image on an updated base image for distribution packages), or remove it if the image does not need it.",
  needs: { capabilities: ["packages", "advisories"] },
  options: z.object({
    /** Leave out advisories that have no fixed version yet, as Trivy's --ignore-unfixed does. */
    ignoreUnfixed: z._default(z.boolean(), false),
  }),
  run({ image, options, report }) {
    const packages = image.packages();
    if (!image.advisoryDatabaseAvailable()) {
      if (packages.length > 0) report({ messageId: "noDatabase", data: { count: packages.length } });
      return;
    }

    const byPurl = new Map<string, Readonly<PackageRecord>>();
    for (const record of packages) byPurl.set(record.purl, record);

    for (const advisory of sortAdvisories(image.advisories())) {
      if (options.ignoreUnfixed && !advisory.fixedVersion) continue;
      const record = byPurl.get(advisory.purl);
      const data = {
        name: record?.name ?? advisory.purl,
        installed: advisory.installedVersion,
        id: advisory.id,
        aliases: advisory.aliases.length > 0 ? advisory.aliases.join(", ") : "no aliases",
      };
      const location = {
        package: advisory.purl,
        ...(record?.source ? { path: record.source } : {}),
        ...(record?.layer !== undefined ? { layer: record.layer } : {}),
        ...(advisory.severity ? { severity: advisory.severity } : {}),
        ...(advisory.cvss ? { evidence: advisory.cvss } : {}),
      };
      if (advisory.fixedVersion) report({ messageId: "vulnerable", data: { ...data, fixed: advisory.fixedVersion }, ...location });
      else report({ messageId: "vulnerableUnfixed", data, ...location });
    }
  },
});

/** Orders findings by package, then advisory id, so reports are stable across runs. */
function sortAdvisories(advisories: readonly Readonly<AdvisoryRecord>[]): Readonly<AdvisoryRecord>[] {
  const compareText = (a: string, b: string): number => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  return [...advisories].sort((a, b) => compareText(a.purl, b.purl) || compareText(a.id, b.id));
}
