import type { Severity } from "@checks/sdk";
import { escapeControl } from "../escape.js";
import { MIN_FINGERPRINT_PREFIX } from "../ignore.js";
import type { Finding, ImageResult, ScanReport } from "../types.js";
import {
  SEVERITIES_DESCENDING,
  checkErrors,
  displayedFindings,
  displayedSeverities,
  imageDetails,
  plural,
  qualifiedCheckId,
  summarize,
  type FormatOptions,
  type Summary,
} from "../view.js";

/** SGR parameters per style. */
const STYLES = {
  bold: "1",
  dim: "2",
  red: "31",
  brightRed: "1;91",
  yellow: "33",
  blue: "34",
  cyan: "36",
  magenta: "35",
} as const;
type Style = keyof typeof STYLES;

const SEVERITY_STYLE: Record<Severity, Style> = { critical: "brightRed", high: "red", medium: "yellow", low: "blue", info: "dim" };

/**
 * Renders the report for a terminal: one section per image with findings
 * grouped by severity (most severe first) and their remediation, then check
 * errors, the ignore file's expired and unused rules and a summary line.
 * Every string from the report has its control characters escaped, so a
 * plugin cannot move the cursor, change colors or hide text.
 */
export function formatTable(report: ScanReport, options: FormatOptions): string {
  const paint = (style: Style, text: string): string => (options.color ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
  const severities = displayedSeverities(report, options);
  const showSuppressed = options.showSuppressed ?? false;
  const lines: string[] = [];

  for (const image of report.images) {
    lines.push(...imageSection(image, severities, showSuppressed, paint), "");
  }
  lines.push(...ignoreFileSection(report, paint));

  const summary = summarize(report.images, severities);
  lines.push(paint("bold", `Summary: ${summaryText(summary)}`));
  if (summary.suppressed > 0 && !showSuppressed) lines.push(paint("dim", "Suppressed findings are counted but not listed; show them with --show-suppressed."));
  return lines.join("\n") + "\n";
}

type Paint = (style: Style, text: string) => string;

function imageSection(image: ImageResult, severities: ReadonlySet<Severity>, showSuppressed: boolean, paint: Paint): string[] {
  const details = imageDetails(image).map((part) => escapeControl(part));
  const heading = paint("bold", escapeControl(image.name)) + (details.length > 0 ? paint("dim", ` (${details.join(", ")})`) : "");
  const lines = [heading, paint("dim", "=".repeat(Math.min(72, Math.max(8, escapeControl(image.name).length))))];

  if (image.error) {
    lines.push(`${paint("brightRed", "IMAGE ERROR")} ${escapeControl(image.error.code)}: ${escapeControl(image.error.message)}`);
    return lines;
  }

  const findings = displayedFindings(image, severities, showSuppressed);
  if (findings.length === 0) lines.push(paint("dim", "No findings to show."));
  for (const severity of SEVERITIES_DESCENDING) {
    const group = findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    lines.push(paint(SEVERITY_STYLE[severity], `${severity.toUpperCase()} (${group.length})`));
    for (const finding of group) lines.push(...findingLines(finding, paint));
  }

  const errors = checkErrors(image);
  if (errors.length > 0) {
    lines.push(paint("brightRed", `CHECK ERRORS (${errors.length})`));
    for (const check of errors) {
      const where = check.error ? `${check.error.phase}, ${escapeControl(check.error.code)}` : "error";
      lines.push(`  ${escapeControl(qualifiedCheckId(check))} (${where}): ${escapeControl(check.error?.message ?? "the check ended in an error")}`);
    }
  }

  for (const note of image.notes) lines.push(paint("dim", `Note: ${escapeControl(note)}`));
  lines.push(paint("dim", `Image: ${summaryText(summarize([image], severities), false)}`));
  return lines;
}

function findingLines(finding: Finding, paint: Paint): string[] {
  const marker = finding.suppression ? paint("dim", "[suppressed] ") : "";
  const lines = [`  ${marker}${paint("cyan", escapeControl(qualifiedCheckId(finding)))}  ${escapeControl(finding.message)}`];
  const location = [
    finding.path !== undefined ? `Path: ${escapeControl(finding.path)}` : undefined,
    finding.layer !== undefined ? `Layer: ${finding.layer}` : undefined,
    finding.package !== undefined ? `Package: ${escapeControl(finding.package)}` : undefined,
  ].filter((part) => part !== undefined);
  if (location.length > 0) lines.push(`    ${location.join("  ")}`);
  if (finding.evidence !== undefined) lines.push(`    Evidence: ${escapeControl(finding.evidence)}`);
  if (finding.remediation) lines.push(`    ${paint("magenta", "Fix:")} ${escapeControl(finding.remediation)}`);
  if (finding.docsUrl) lines.push(`    Docs: ${escapeControl(finding.docsUrl)}`);
  if (finding.suppression) {
    const expires = finding.suppression.expires ? `, until ${escapeControl(finding.suppression.expires)}` : "";
    lines.push(paint("dim", `    Suppressed by ${escapeControl(finding.suppression.source)} rules[${finding.suppression.rule}]${expires}: ${escapeControl(finding.suppression.reason)}`));
  }
  lines.push(paint("dim", `    Fingerprint: ${finding.fingerprint.slice(0, MIN_FINGERPRINT_PREFIX)}`));
  return lines;
}

function ignoreFileSection(report: ScanReport, paint: Paint): string[] {
  const ignoreFile = report.ignoreFile;
  if (!ignoreFile || (ignoreFile.expired.length === 0 && ignoreFile.unused.length === 0)) return [];
  const source = escapeControl(ignoreFile.source);
  const lines: string[] = [paint("bold", `Ignore file ${source}: ${plural(ignoreFile.suppressed, "finding")} suppressed`)];
  for (const rule of ignoreFile.expired) {
    const matched = rule.matched > 0 ? `; it would match ${plural(rule.matched, "finding")}` : "";
    lines.push(
      paint("yellow", `  Expired: rules[${rule.rule}] (${escapeControl(rule.reason)}) expired ${escapeControl(rule.expires)} and no longer applies${matched}. Fix the findings, or renew the rule with a new date.`),
    );
  }
  for (const rule of ignoreFile.unused) {
    lines.push(paint("dim", `  Unused: rules[${rule.rule}] (${escapeControl(rule.reason)}) matched no finding; remove it if the problem is gone.`));
  }
  lines.push("");
  return lines;
}

/**
 * Returns the summary sentence, such as "2 images, 7 checks: 3 findings
 * (1 critical, 2 high), 1 suppressed"; without `withImages` it starts at the checks.
 */
export function summaryText(summary: Summary, withImages = true): string {
  const bySeverity = SEVERITIES_DESCENDING.filter((severity) => summary.bySeverity[severity] > 0).map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  const parts = [`${plural(summary.findings, "finding")}${bySeverity.length > 0 ? ` (${bySeverity.join(", ")})` : ""}`];
  if (summary.suppressed > 0) parts.push(`${summary.suppressed} suppressed`);
  if (summary.hidden > 0) parts.push(`${summary.hidden} hidden by the severity filter`);
  if (summary.imageErrors > 0) parts.push(plural(summary.imageErrors, "image error"));
  if (summary.checkErrors > 0) parts.push(plural(summary.checkErrors, "check error"));
  const scope = withImages ? `${plural(summary.images, "image")}, ${plural(summary.checks, "check")}` : plural(summary.checks, "check");
  return `${scope}: ${parts.join(", ")}`;
}
