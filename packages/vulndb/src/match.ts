import type { AdvisoryRecord, OsRelease, PackageRecord } from "@checks/sdk";
import type { AdvisoryDb, AffectedLookupRow } from "./db.js";
import { lookupTarget, type LookupTarget } from "./ecosystems.js";
import type { StoredRange } from "./osv.js";
import { COMPARATORS, type VersionComparator } from "./versions/index.js";
import { compareText } from "./versions/text.js";

type Severity = NonNullable<AdvisoryRecord["severity"]>;

export interface RangeVerdict {
  affected: boolean;
  /** The lowest `fixed` event above the installed version, in a range that affects it. */
  fixedVersion?: string;
}

/**
 * Evaluates one OSV range as the OSV schema defines it: events sorted by
 * version, `introduced` opens a vulnerable interval, `fixed` closes it at that
 * version and `last_affected` closes it after that version. `introduced: "0"`
 * is below every version.
 */
export function evaluateRange(version: string, range: StoredRange, compare: VersionComparator): RangeVerdict {
  const versionOf = (event: StoredRange["events"][number]): string => event.introduced ?? event.fixed ?? event.last_affected ?? "";
  const rank = (event: StoredRange["events"][number]): number => (event.introduced === "0" ? -1 : 0);
  const events = [...range.events].sort((a, b) => rank(a) - rank(b) || (rank(a) === -1 ? 0 : compare(versionOf(a), versionOf(b))));

  let affected = false;
  for (const event of events) {
    if (event.introduced !== undefined) {
      if (event.introduced === "0" || compare(version, event.introduced) >= 0) affected = true;
    } else if (event.fixed !== undefined) {
      if (compare(version, event.fixed) >= 0) affected = false;
    } else if (event.last_affected !== undefined) {
      if (compare(version, event.last_affected) > 0) affected = false;
    }
  }
  if (!affected) return { affected };

  let fixedVersion: string | undefined;
  for (const event of events) {
    if (event.fixed === undefined || compare(event.fixed, version) <= 0) continue;
    if (fixedVersion === undefined || compare(event.fixed, fixedVersion) < 0) fixedVersion = event.fixed;
  }
  return fixedVersion === undefined ? { affected } : { affected, fixedVersion };
}

/** Decides whether one affected entry covers a version, from its explicit version list and its ranges. */
export function evaluateAffected(version: string, ranges: readonly StoredRange[], versions: readonly string[], target: Pick<LookupTarget, "scheme">): RangeVerdict {
  const ecosystemCompare = COMPARATORS[target.scheme];
  let affected = versions.some((listed) => listed === version || ecosystemCompare(listed, version) === 0);
  let fixedVersion: string | undefined;

  for (const range of ranges) {
    const compare = range.type === "SEMVER" ? COMPARATORS.semver : ecosystemCompare;
    const verdict = evaluateRange(version, range, compare);
    if (!verdict.affected) continue;
    affected = true;
    if (verdict.fixedVersion !== undefined && (fixedVersion === undefined || compare(verdict.fixedVersion, fixedVersion) < 0)) {
      fixedVersion = verdict.fixedVersion;
    }
  }
  if (!affected) return { affected };
  return fixedVersion === undefined ? { affected } : { affected, fixedVersion };
}

/**
 * Looks every package up in the advisory database and returns one record per
 * package and advisory that affects its installed version. Debian, Ubuntu and
 * Alpine advisories name source packages, so those are looked up by source name
 * and version. For one package, an advisory is left out when an advisory kept
 * before it lists its id as an alias, or when its aliases are all covered
 * already, so a CVE filed by several databases is reported once.
 */
export function matchPackages(db: AdvisoryDb, packages: readonly PackageRecord[], osRelease?: OsRelease): AdvisoryRecord[] {
  const results: AdvisoryRecord[] = [];
  // Packages that share a name (the binaries of one source package) share one lookup.
  const cache = new Map<string, ParsedRow[]>();

  for (const record of packages) {
    const target = lookupTarget(record, osRelease);
    if (!target) continue;
    const key = `${target.base}\u0000${target.name}`;
    let rows = cache.get(key);
    if (!rows) {
      rows = db.lookup(target.base, target.name).map(parseRow);
      cache.set(key, rows);
    }
    if (rows.length === 0) continue;
    results.push(...matchOne(record, target, rows));
  }
  return results;
}

interface ParsedRow {
  row: AffectedLookupRow;
  ranges: StoredRange[];
  versions: string[];
}

function parseRow(row: AffectedLookupRow): ParsedRow {
  return { row, ranges: JSON.parse(row.ranges) as StoredRange[], versions: JSON.parse(row.versions) as string[] };
}

function matchOne(record: PackageRecord, target: LookupTarget, rows: readonly ParsedRow[]): AdvisoryRecord[] {
  const byId = new Map<string, AdvisoryRecord>();
  for (const { row, ranges, versions } of rows) {
    if (!target.releaseMatches(row.ecosystem_release)) continue;
    const verdict = evaluateAffected(target.version, ranges, versions, target);
    if (!verdict.affected) continue;

    const previous = byId.get(row.id);
    if (previous) {
      // Several affected entries of one advisory: keep the lowest fix.
      if (verdict.fixedVersion && (!previous.fixedVersion || COMPARATORS[target.scheme](verdict.fixedVersion, previous.fixedVersion) < 0)) {
        previous.fixedVersion = verdict.fixedVersion;
      }
      continue;
    }
    byId.set(row.id, toAdvisoryRecord(record, row, verdict));
  }
  return withoutAliasDuplicates([...byId.values()]);
}

function toAdvisoryRecord(record: PackageRecord, row: AffectedLookupRow, verdict: RangeVerdict): AdvisoryRecord {
  const advisory: AdvisoryRecord = {
    id: row.id,
    aliases: JSON.parse(row.aliases) as string[],
    purl: record.purl,
    installedVersion: record.version,
  };
  const severity = (row.severity ?? row.advisory_severity) as Severity | null;
  const cvss = row.severity ? row.cvss : row.advisory_cvss;
  if (row.summary) advisory.summary = row.summary;
  if (severity) advisory.severity = severity;
  if (cvss) advisory.cvss = cvss;
  if (verdict.fixedVersion) advisory.fixedVersion = verdict.fixedVersion;
  if (row.url) advisory.url = row.url;
  return advisory;
}

/**
 * Keeps advisories with more aliases first, so a DSA that names two CVEs is kept
 * and the DEBIAN-CVE record of one of them is dropped. An advisory without
 * aliases is only dropped when a kept one names its id.
 */
function withoutAliasDuplicates(advisories: AdvisoryRecord[]): AdvisoryRecord[] {
  const sorted = advisories.sort((a, b) => b.aliases.length - a.aliases.length || compareText(a.id, b.id));
  const covered = new Set<string>();
  const kept: AdvisoryRecord[] = [];
  for (const advisory of sorted) {
    if (covered.has(advisory.id)) continue;
    if (advisory.aliases.length > 0 && advisory.aliases.every((alias) => covered.has(alias))) continue;
    kept.push(advisory);
    covered.add(advisory.id);
    for (const alias of advisory.aliases) covered.add(alias);
  }
  return kept;
}
