/**
 * Aggregation, fingerprints, suppressions, exit codes and every output format
 * of a `checks run` report.
 */
export { REPORT_SCHEMA_VERSION } from "./types.js";
export type { CheckRun, ExpiredRule, Finding, IgnoreFileSummary, ImageResult, ScanReport, Suppression, UnusedRule } from "./types.js";
export { fingerprint } from "./fingerprint.js";
export type { FingerprintInput } from "./fingerprint.js";
export { IgnoreFileSchema, MAX_IGNORE_FILE_BYTES, MAX_IGNORE_RULES, MIN_FINGERPRINT_PREFIX, loadIgnoreFile, parseIgnoreFile } from "./ignore.js";
export type { IgnoreRule, IgnoreRules } from "./ignore.js";
export { applySuppressions, ruleMatches } from "./suppress.js";
export type { SuppressionResult } from "./suppress.js";
export { EXIT_CODES, exitCodeFor, hasScanError } from "./exit-code.js";
export { REPORT_FORMATS, formatReport, isReportFormat } from "./format.js";
export type { ReportFormat } from "./format.js";
export { summarize, displayedSeverities } from "./view.js";
export type { FormatOptions, Summary } from "./view.js";
export { summaryText } from "./formats/table.js";
export { IgnoreFileError, UnknownFormatError } from "./errors.js";
export type { IgnoreFileErrorCode, IgnoreProblem } from "./errors.js";
export { CheckRunSchema, FindingSchema, ImageResultSchema, ScanReportSchema, parseReport, reportJsonSchema } from "./report-schema.js";
export { escapeControl, escapeHtml, escapeMarkdown, escapeXml } from "./escape.js";
