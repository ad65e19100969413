import type { ScanReport } from "../types.js";

/**
 * Renders the report as JSON, complete: suppressed findings, check errors and
 * findings of every severity stay in it, because the JSON report is the record
 * of the scan that other tools filter. `selection.severityFilter` records what
 * the user asked to see.
 */
export function formatJson(report: ScanReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
