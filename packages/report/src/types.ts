import type { Level, Severity } from "@checks/sdk";

/**
 * Version of the JSON report layout (`schema/report.schema.json`). A consumer
 * accepts a report whose major version it supports, because minor versions
 * only add optional fields.
 */
export const REPORT_SCHEMA_VERSION = "1.0.0";

/** One `checks run`: what was selected, how it was isolated, and the result per image. */
export interface ScanReport {
  schemaVersion: string;
  tool: { name: "checks"; version: string };
  /** ISO 8601 date-times. */
  startedAt: string;
  finishedAt: string;
  selection: {
    plugins: string[];
    /** Qualified check ids (`plugin/check`) that ran. */
    checks: string[];
    /** Qualified check ids that the selection excluded. */
    skipped: string[];
    /** Tag expression as given: `a+b` needs both tags, `a|b` either. */
    tags?: string;
    minLevel: Level;
    failOn: Severity;
    /** Severities to display; the exit code never depends on it. */
    severityFilter?: Severity[];
  };
  sandbox: { networkIsolated: boolean; permissionModel: boolean };
  images: ImageResult[];
  /** Set by `applySuppressions`: the ignore file and the rules in it that matched nothing or expired. */
  ignoreFile?: IgnoreFileSummary;
}

export interface ImageResult {
  /** The image as the user named it: a path or a reference. */
  name: string;
  format?: string;
  digest?: string;
  platform?: string;
  /** Set when the image could not be opened; `checks` and `findings` are then empty. */
  error?: { code: string; message: string };
  checks: CheckRun[];
  findings: Finding[];
  notes: string[];
}

export interface CheckRun {
  plugin: string;
  pluginVersion: string;
  check: string;
  title: string;
  level: Level;
  tags: string[];
  status: "passed" | "failed" | "error" | "skipped";
  /** Number of findings the check reported, suppressed ones included. */
  findings: number;
  durationMs: number;
  /** Number of reads the sandbox denied because the check had not declared the path or capability. */
  deniedCount: number;
  notes: string[];
  error?: { code: string; phase: "load" | "run" | "report"; message: string };
}

export interface Finding {
  /** Stable id from `fingerprint()`; ignore rules and report diffs match on it. */
  fingerprint: string;
  plugin: string;
  pluginVersion: string;
  check: string;
  checkTitle: string;
  messageId: string;
  /** Rendered from the check's message table. */
  message: string;
  severity: Severity;
  /** Absolute path inside the image. */
  path?: string;
  /** Zero-based index of the layer the finding comes from. */
  layer?: number;
  package?: string;
  evidence?: string;
  remediation?: string;
  docsUrl?: string;
  /** Set when an ignore rule matched; the finding stays in the report but no longer counts for the exit code. */
  suppression?: Suppression;
}

export interface Suppression {
  reason: string;
  /** The rule's `expires` value as written, a date (`2026-12-31`) or a date-time. */
  expires?: string;
  /** Path of the ignore file. */
  source: string;
  /** Zero-based index of the rule in the file's `rules` list. */
  rule: number;
}

/** An ignore rule whose `expires` has passed: it suppressed nothing in this run. */
export interface ExpiredRule {
  source: string;
  rule: number;
  reason: string;
  expires: string;
  /** Number of findings the rule would have suppressed had it not expired. */
  matched: number;
}

/** An ignore rule that is in force but matched no finding; it may be stale. */
export interface UnusedRule {
  source: string;
  rule: number;
  reason: string;
}

export interface IgnoreFileSummary {
  source: string;
  /** Number of rules in the file. */
  rules: number;
  /** Number of findings suppressed by the file. */
  suppressed: number;
  expired: ExpiredRule[];
  unused: UnusedRule[];
}
