import { z } from "zod";
import { cvss2BaseScore, cvss3BaseScore, ratingFromWord, ratingOf, type SeverityRating } from "./cvss.js";
import { SUPPORTED_ECOSYSTEMS, normalizeName, parseEcosystem } from "./ecosystems.js";

/** Limits on one OSV record; a record over a limit is skipped with a note. */
export const OSV_LIMITS = Object.freeze({
  maxRecordBytes: 8 * 1024 * 1024,
  maxAffected: 10_000,
  maxRanges: 1_000,
  maxEvents: 10_000,
  maxVersions: 200_000,
  maxAliases: 1_000,
});

const severitySchema = z.object({ type: z.string(), score: z.string() });

const eventSchema = z.object({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});

const affectedSchema = z.object({
  package: z.object({ ecosystem: z.string().max(200), name: z.string().min(1).max(500), purl: z.string().optional() }).optional(),
  severity: z.array(severitySchema).max(100).optional(),
  ranges: z
    .array(z.object({ type: z.string(), repo: z.string().optional(), events: z.array(eventSchema).max(OSV_LIMITS.maxEvents) }))
    .max(OSV_LIMITS.maxRanges)
    .optional(),
  versions: z.array(z.string()).max(OSV_LIMITS.maxVersions).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

/** The subset of the OSV schema (1.6) the database stores; other fields are ignored. */
export const osvRecordSchema = z.object({
  id: z.string().min(1).max(200),
  modified: z.string().min(1).max(64),
  published: z.string().max(64).optional(),
  withdrawn: z.string().max(64).optional(),
  aliases: z.array(z.string().max(200)).max(OSV_LIMITS.maxAliases).optional(),
  upstream: z.array(z.string().max(200)).max(OSV_LIMITS.maxAliases).optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(severitySchema).max(100).optional(),
  affected: z.array(affectedSchema).max(OSV_LIMITS.maxAffected).optional(),
  references: z.array(z.object({ type: z.string(), url: z.string() })).max(10_000).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export type OsvRecord = z.infer<typeof osvRecordSchema>;

/** A range as stored: only ECOSYSTEM and SEMVER ranges, since GIT ranges name commits, not package versions. */
export interface StoredRange {
  type: "ECOSYSTEM" | "SEMVER";
  events: { introduced?: string; fixed?: string; last_affected?: string }[];
}

export interface AffectedRow {
  ecosystem: string;
  base: string;
  release: string;
  name: string;
  ranges: StoredRange[];
  versions: string[];
  severity?: SeverityRating;
  cvss?: string;
}

export interface AdvisoryRow {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases: string[];
  summary?: string;
  severity?: SeverityRating;
  cvss?: string;
  url?: string;
  affected: AffectedRow[];
}

interface Rated {
  severity?: SeverityRating;
  cvss?: string;
}

/**
 * Rates severity from OSV `severity` entries: a CVSS v3 vector first, then a
 * CVSS v2 vector, then a distribution's own rating (the `Ubuntu` type).
 * NOTE: CVSS v4 vectors are kept but not scored, because their score needs the
 * v4 MacroVector tables. A record with only a v4 vector is rated from its
 * distribution or database rating, or stays unrated.
 */
function rateSeverity(entries: readonly { type: string; score: string }[] | undefined, databaseWord?: unknown): Rated {
  const list = entries ?? [];
  for (const entry of list) {
    if (entry.type !== "CVSS_V3") continue;
    const score = cvss3BaseScore(entry.score);
    if (score !== undefined) return { severity: ratingOf(score), cvss: entry.score };
  }
  for (const entry of list) {
    if (entry.type !== "CVSS_V2") continue;
    const score = cvss2BaseScore(entry.score);
    // CVSS v2 has no critical rating: 7.0 to 10.0 is high.
    if (score !== undefined) return { severity: score >= 7 ? "high" : ratingOf(score), cvss: entry.score };
  }
  const vector = list.find((entry) => entry.type === "CVSS_V4")?.score;
  for (const entry of list) {
    const rating = entry.type.startsWith("CVSS") ? undefined : ratingFromWord(entry.score);
    if (rating) return { severity: rating, ...(vector ? { cvss: vector } : {}) };
  }
  if (typeof databaseWord === "string") {
    const rating = ratingFromWord(databaseWord);
    if (rating) return { severity: rating, ...(vector ? { cvss: vector } : {}) };
  }
  return vector ? { cvss: vector } : {};
}

function advisoryUrl(record: OsvRecord): string | undefined {
  const references = record.references ?? [];
  return (references.find((reference) => reference.type === "ADVISORY") ?? references.find((reference) => reference.type === "WEB"))?.url;
}

/**
 * Converts a validated OSV record into the rows the database stores. Affected
 * entries of ecosystems the database does not cover are dropped, and
 * `unsupported` counts them.
 */
export function toAdvisoryRow(record: OsvRecord): { row: AdvisoryRow; unsupported: number } {
  const rated = rateSeverity(record.severity, record.database_specific?.["severity"]);
  const affected: AffectedRow[] = [];
  let unsupported = 0;

  for (const entry of record.affected ?? []) {
    if (!entry.package) continue;
    const { base, release } = parseEcosystem(entry.package.ecosystem);
    if (!Object.hasOwn(SUPPORTED_ECOSYSTEMS, base)) {
      unsupported++;
      continue;
    }
    const ranges: StoredRange[] = [];
    for (const range of entry.ranges ?? []) {
      if (range.type !== "ECOSYSTEM" && range.type !== "SEMVER") continue;
      const events = range.events
        .map(({ introduced, fixed, last_affected }) => ({
          ...(introduced !== undefined ? { introduced } : {}),
          ...(fixed !== undefined ? { fixed } : {}),
          ...(last_affected !== undefined ? { last_affected } : {}),
        }))
        .filter((event) => Object.keys(event).length > 0);
      ranges.push({ type: range.type, events });
    }
    const own = rateSeverity(entry.severity, entry.database_specific?.["severity"] ?? entry.ecosystem_specific?.["severity"]);
    affected.push({
      ecosystem: entry.package.ecosystem,
      base,
      release,
      name: normalizeName(base, entry.package.name),
      ranges,
      versions: entry.versions ?? [],
      ...own,
    });
  }

  // Distribution records (DEBIAN-CVE-*, UBUNTU-CVE-*) name their CVE in `upstream` instead of `aliases`.
  const aliases = [...new Set([...(record.aliases ?? []), ...(record.upstream ?? [])])].filter((alias) => alias !== record.id);
  const row: AdvisoryRow = {
    id: record.id,
    modified: record.modified,
    aliases,
    affected,
    ...rated,
  };
  if (record.published) row.published = record.published;
  if (record.withdrawn) row.withdrawn = record.withdrawn;
  const summary = record.summary ?? record.details?.split("\n")[0];
  if (summary) row.summary = summary.slice(0, 1000);
  const url = advisoryUrl(record);
  if (url) row.url = url;
  return { row, unsupported };
}
