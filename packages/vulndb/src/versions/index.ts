import { compareApkVersions } from "./apk.js";
import { compareDpkgVersions } from "./dpkg.js";
import { comparePythonVersions } from "./pep440.js";
import { compareRpmVersions } from "./rpm.js";
import { compareSemverVersions } from "./semver.js";

export { compareApkVersions } from "./apk.js";
export { compareDpkgVersions, parseDpkgVersion } from "./dpkg.js";
export { comparePythonVersions } from "./pep440.js";
export { compareRpmVersions, parseEvr, rpmvercmp } from "./rpm.js";
export { compareSemverVersions } from "./semver.js";

/** Version schemes, one per package format. */
export type VersionScheme = "dpkg" | "apk" | "rpm" | "pep440" | "semver";

export type VersionComparator = (a: string, b: string) => number;

export const COMPARATORS: Readonly<Record<VersionScheme, VersionComparator>> = Object.freeze({
  dpkg: compareDpkgVersions,
  apk: compareApkVersions,
  rpm: compareRpmVersions,
  pep440: comparePythonVersions,
  semver: compareSemverVersions,
});

/** Compares two versions under one scheme; returns a negative number, 0 or a positive number. */
export function compareVersions(scheme: VersionScheme, a: string, b: string): number {
  return COMPARATORS[scheme](a, b);
}
