/** Offline OSV advisory database in SQLite, per-ecosystem version comparison and matching. */
export { AdvisoryDb, openAdvisoryDb, SCHEMA_VERSION } from "./db.js";
export type { AffectedLookupRow } from "./db.js";
export { importOsv, IMPORT_LIMITS } from "./import.js";
export type { ImportOptions, ImportSummary } from "./import.js";
export { matchPackages, evaluateAffected, evaluateRange } from "./match.js";
export type { RangeVerdict } from "./match.js";
export { databaseStatus } from "./status.js";
export type { DatabaseStatus, ImportRecord } from "./status.js";
export { VulnDbError } from "./errors.js";
export type { VulnDbErrorCode } from "./errors.js";
export { OSV_LIMITS, osvRecordSchema, toAdvisoryRow } from "./osv.js";
export type { AdvisoryRow, AffectedRow, OsvRecord, StoredRange } from "./osv.js";
export { SUPPORTED_ECOSYSTEMS, lookupTarget, normalizeName, parseEcosystem } from "./ecosystems.js";
export type { LookupTarget, ParsedEcosystem } from "./ecosystems.js";
export { cvss2BaseScore, cvss3BaseScore, ratingOf, ratingFromWord } from "./cvss.js";
export type { SeverityRating } from "./cvss.js";
export * from "./versions/index.js";
