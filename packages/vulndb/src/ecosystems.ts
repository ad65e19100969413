import type { OsRelease, PackageRecord } from "@checks/sdk";
import type { VersionScheme } from "./versions/index.js";

/**
 * OSV ecosystems this database imports, by the part of the ecosystem string
 * before the first colon (`Debian:12` is `Debian` release `12`).
 */
export const SUPPORTED_ECOSYSTEMS: Readonly<Record<string, VersionScheme>> = Object.freeze({
  Debian: "dpkg",
  Ubuntu: "dpkg",
  Alpine: "apk",
  "Red Hat": "rpm",
  "Rocky Linux": "rpm",
  AlmaLinux: "rpm",
  PyPI: "pep440",
  npm: "semver",
});

export interface ParsedEcosystem {
  base: string;
  /** Everything after the first colon: `12`, `v3.18`, `22.04:LTS`, `enterprise_linux:9::appstream`; empty when absent. */
  release: string;
}

export function parseEcosystem(ecosystem: string): ParsedEcosystem {
  const colon = ecosystem.indexOf(":");
  if (colon < 0) return { base: ecosystem, release: "" };
  return { base: ecosystem.slice(0, colon), release: ecosystem.slice(colon + 1) };
}

/** Normalizes a package name as the ecosystem compares names (PEP 503 for PyPI); other names are kept as written. */
export function normalizeName(base: string, name: string): string {
  if (base === "PyPI") return name.toLowerCase().replace(/[-_.]+/g, "-");
  return name;
}

/** Lookup key of a package in the advisory database. */
export interface LookupTarget {
  base: string;
  /** Returns true when an affected entry's release (see ParsedEcosystem) applies to the image. */
  releaseMatches(release: string): boolean;
  /** Name as the advisories spell it: the source package for Debian, Ubuntu and Alpine. */
  name: string;
  version: string;
  scheme: VersionScheme;
}

const anyRelease = (): boolean => true;

function majorOf(versionId: string | undefined): string | undefined {
  return versionId?.match(/^(\d+)/)?.[1];
}

/**
 * Returns where a package's advisories are filed, or undefined when its
 * distribution is not one the database covers or os-release lacks the release.
 */
export function lookupTarget(record: PackageRecord, osRelease?: OsRelease): LookupTarget | undefined {
  switch (record.ecosystem) {
    case "pypi":
      return { base: "PyPI", releaseMatches: anyRelease, name: normalizeName("PyPI", record.name), version: record.version, scheme: "pep440" };
    case "npm":
      return { base: "npm", releaseMatches: anyRelease, name: record.name, version: record.version, scheme: "semver" };
    case "deb":
      return debianTarget(record, osRelease);
    case "apk":
      return alpineTarget(record, osRelease);
    case "rpm":
      return rpmTarget(record, osRelease);
  }
}

function debianTarget(record: PackageRecord, osRelease?: OsRelease): LookupTarget | undefined {
  const versionId = osRelease?.versionId;
  if (!versionId) return undefined;
  const name = record.sourceName ?? record.name;
  const version = record.sourceVersion ?? record.version;
  const family = distributionFamily(osRelease);

  if (family === "debian") {
    const major = majorOf(versionId);
    if (!major) return undefined;
    return { base: "Debian", releaseMatches: (release) => release === major, name, version, scheme: "dpkg" };
  }
  if (family === "ubuntu") {
    // Ubuntu files LTS releases as `22.04:LTS`; `Pro:` releases cover Ubuntu Pro packages and are left out.
    return { base: "Ubuntu", releaseMatches: (release) => release === versionId || release.startsWith(`${versionId}:`), name, version, scheme: "dpkg" };
  }
  return undefined;
}

function alpineTarget(record: PackageRecord, osRelease?: OsRelease): LookupTarget | undefined {
  if (distributionFamily(osRelease) !== "alpine") return undefined;
  const branch = osRelease?.versionId?.match(/^(\d+\.\d+)/)?.[1];
  if (!branch) return undefined;
  return {
    base: "Alpine",
    releaseMatches: (release) => release === `v${branch}`,
    name: record.sourceName ?? record.name,
    version: record.version,
    scheme: "apk",
  };
}

function rpmTarget(record: PackageRecord, osRelease?: OsRelease): LookupTarget | undefined {
  const major = majorOf(osRelease?.versionId);
  if (!major) return undefined;
  const id = osRelease?.id;
  const common = { name: record.name, version: record.version, scheme: "rpm" as const };
  if (id === "rhel") {
    // Red Hat files releases as `enterprise_linux:9::appstream`, `rhel_eus:9.2::baseos` and similar.
    const pattern = new RegExp(`^[a-z_]+:${major}(?:[.:]|$)`);
    return { base: "Red Hat", releaseMatches: (release) => pattern.test(release), ...common };
  }
  if (id === "rocky") return { base: "Rocky Linux", releaseMatches: (release) => release === major, ...common };
  if (id === "almalinux") return { base: "AlmaLinux", releaseMatches: (release) => release === major, ...common };
  return undefined;
}

/**
 * Returns the os-release ID when that distribution's advisories are imported. Derivatives
 * named only in ID_LIKE are not matched, because their VERSION_ID is not the parent's release.
 */
function distributionFamily(osRelease?: OsRelease): string | undefined {
  const known = ["debian", "ubuntu", "alpine"];
  if (osRelease?.id && known.includes(osRelease.id)) return osRelease.id;
  return undefined;
}
