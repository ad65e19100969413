import semver from "semver";
import { compareText } from "./text.js";

/**
 * Compares two npm versions by SemVer 2.0.0 as the `semver` package implements
 * it (prerelease identifiers, build metadata ignored). A leading `v` or `=` is
 * accepted. Versions that are not SemVer compare as plain strings, after every
 * valid version.
 */
export function compareSemverVersions(a: string, b: string): number {
  const left = semver.parse(a.trim(), { loose: true });
  const right = semver.parse(b.trim(), { loose: true });
  if (left && right) return left.compare(right);
  if (Boolean(left) !== Boolean(right)) return left ? -1 : 1;
  return compareText(a, b);
}
