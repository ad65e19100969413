import { SEVERITIES, compareSeverity, type Severity } from "@checks/sdk";
import type { CheckRun, Finding, ImageResult, ScanReport } from "./types.js";

export interface FormatOptions {
  /** Severities to display; defaults to the report's `selection.severityFilter`, else all. */
  severityFilter?: Severity[];
  /** Whether the table has ANSI colors; other formats ignore it. The CLI sets it from the terminal and NO_COLOR. */
  color: boolean;
  /** List suppressed findings too; they are always counted. */
  showSuppressed?: boolean;
}

/** Severities from the most to the least severe. */
export const SEVERITIES_DESCENDING: readonly Severity[] = [...SEVERITIES].reverse();

/** Counts for one image or a whole report, after the severity filter. */
export interface Summary {
  images: number;
  imageErrors: number;
  checks: number;
  checkErrors: number;
  /** Unsuppressed findings per severity, only for displayed severities. */
  bySeverity: Record<Severity, number>;
  /** Unsuppressed findings of displayed severities. */
  findings: number;
  /** Suppressed findings of displayed severities. */
  suppressed: number;
  /** Findings, suppressed or not, of severities the filter hides. */
  hidden: number;
}

export function qualifiedCheckId(item: Pick<Finding | CheckRun, "plugin" | "check">): string {
  return `${item.plugin}/${item.check}`;
}

/** Returns the severities to display; an empty or missing filter displays all. */
export function displayedSeverities(report: ScanReport, options: Pick<FormatOptions, "severityFilter">): ReadonlySet<Severity> {
  const filter = options.severityFilter ?? report.selection.severityFilter;
  return new Set(filter && filter.length > 0 ? filter : SEVERITIES);
}

/** Returns the findings of an image that a format lists, most severe first. */
export function displayedFindings(image: ImageResult, severities: ReadonlySet<Severity>, showSuppressed: boolean): Finding[] {
  return image.findings.filter((finding) => severities.has(finding.severity) && (showSuppressed || !finding.suppression)).sort(compareFindings);
}

/** Orders findings by severity (most severe first), then check, path and package. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareSeverity(b.severity, a.severity) ||
    compareText(qualifiedCheckId(a), qualifiedCheckId(b)) ||
    compareText(a.path ?? "", b.path ?? "") ||
    compareText(a.package ?? "", b.package ?? "") ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

/** Counts images, checks and findings of the given images. */
export function summarize(images: readonly ImageResult[], severities: ReadonlySet<Severity>): Summary {
  const summary: Summary = { images: images.length, imageErrors: 0, checks: 0, checkErrors: 0, bySeverity: emptySeverityCounts(), findings: 0, suppressed: 0, hidden: 0 };
  for (const image of images) {
    if (image.error) summary.imageErrors++;
    summary.checks += image.checks.length;
    summary.checkErrors += image.checks.filter(isCheckError).length;
    for (const finding of image.findings) {
      if (!severities.has(finding.severity)) summary.hidden++;
      else if (finding.suppression) summary.suppressed++;
      else {
        summary.bySeverity[finding.severity]++;
        summary.findings++;
      }
    }
  }
  return summary;
}

export function isCheckError(check: CheckRun): boolean {
  return check.status === "error" || check.error !== undefined;
}

/** Returns the check runs of an image that ended in an error. */
export function checkErrors(image: ImageResult): CheckRun[] {
  return image.checks.filter(isCheckError);
}

/** Returns "1 finding" or "3 findings". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** Returns an image's description line parts: format, digest and platform when known. */
export function imageDetails(image: ImageResult): string[] {
  return [image.format, image.digest, image.platform].filter((part): part is string => part !== undefined && part !== "");
}
