import { compareSeverity, type Severity } from "@checks/sdk";
import type { ScanReport } from "./types.js";

/** Exit codes of `checks run` that the report decides. Code 2 (usage or configuration error) comes from the CLI. */
export const EXIT_CODES = { ok: 0, findings: 1, scanError: 3 } as const;

/**
 * Returns the exit code for a report: 3 when an image could not be read or a
 * check ended in an error, else 1 when an unsuppressed finding is at or above
 * `failOn`, else 0. A scan error wins over findings because the scan is then
 * incomplete: the findings it shows may not be all there are, and CI must
 * learn that the scan needs repair, not only that findings need fixing.
 * Neither the severity filter nor any display option changes the result.
 */
export function exitCodeFor(report: ScanReport, failOn: Severity): 0 | 1 | 3 {
  if (hasScanError(report)) return EXIT_CODES.scanError;
  for (const image of report.images) {
    for (const finding of image.findings) {
      if (!finding.suppression && compareSeverity(finding.severity, failOn) >= 0) return EXIT_CODES.findings;
    }
  }
  return EXIT_CODES.ok;
}

/** Returns true when an image could not be read or a check ended in an error. */
export function hasScanError(report: ScanReport): boolean {
  return report.images.some((image) => image.error !== undefined || image.checks.some((check) => check.status === "error" || check.error !== undefined));
}
