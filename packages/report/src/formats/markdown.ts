import type { Severity } from "@checks/sdk";
import { escapeMarkdown, safeHttpUrl } from "../escape.js";
import type { Finding, ImageResult, ScanReport } from "../types.js";
import { SEVERITIES_DESCENDING, checkErrors, displayedFindings, displayedSeverities, plural, qualifiedCheckId, summarize, type FormatOptions } from "../view.js";
import { summaryText } from "./table.js";

/** Longest evidence shown in a table cell, in characters; the JSON report has all of it. */
const MAX_EVIDENCE_IN_CELL = 200;

/**
 * Maximum characters of finding rows in one Markdown report. GitHub rejects
 * comments longer than 65,536 characters, so the rows get what is left of
 * that after a margin for the summary, headings and errors; rows past it are
 * counted instead of listed.
 */
export const MAX_MARKDOWN_ROW_CHARACTERS = 50_000;

const SEVERITY_LABEL: Record<Severity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" };

/**
 * Renders the report as GitHub-flavored Markdown for a merge-request comment:
 * a heading with the summary, a table of counts per image, then per image a
 * collapsed `<details>` block with its findings, remediation and errors.
 * Every string from the report goes through `escapeMarkdown`. Finding rows
 * stop at MAX_MARKDOWN_ROW_CHARACTERS, and each image then says how many
 * findings are not listed.
 */
export function formatMarkdown(report: ScanReport, options: FormatOptions): string {
  const severities = displayedSeverities(report, options);
  const showSuppressed = options.showSuppressed ?? false;
  const summary = summarize(report.images, severities);
  const shown = SEVERITIES_DESCENDING.filter((severity) => severities.has(severity));
  const lines: string[] = [];

  lines.push(`### checks: ${plural(summary.findings, "finding")} in ${plural(summary.images, "image")}`, "");
  lines.push(escapeMarkdown(summaryText(summary)), "");

  lines.push(`| Image | ${shown.map((severity) => SEVERITY_LABEL[severity]).join(" | ")} | Suppressed | Errors |`);
  lines.push(`| --- | ${shown.map(() => "---:").join(" | ")} | ---: | ---: |`);
  for (const image of report.images) {
    const counts = summarize([image], severities);
    const errors = counts.imageErrors + counts.checkErrors;
    lines.push(`| ${escapeMarkdown(image.name)} | ${shown.map((severity) => counts.bySeverity[severity]).join(" | ")} | ${counts.suppressed} | ${errors} |`);
  }
  lines.push("");

  const budget = { remaining: MAX_MARKDOWN_ROW_CHARACTERS };
  for (const image of report.images) lines.push(...imageDetailsBlock(image, severities, showSuppressed, budget), "");
  lines.push(...ignoreFileLines(report));
  return lines.join("\n").trimEnd() + "\n";
}

function imageDetailsBlock(image: ImageResult, severities: ReadonlySet<Severity>, showSuppressed: boolean, budget: { remaining: number }): string[] {
  const counts = summarize([image], severities);
  const status = image.error ? "could not be scanned" : plural(counts.findings, "finding");
  const lines = ["<details>", `<summary>${escapeMarkdown(image.name)}: ${status}</summary>`, ""];

  if (image.error) {
    lines.push(`**Image error** ${escapeMarkdown(image.error.code)}: ${escapeMarkdown(image.error.message)}`, "", "</details>");
    return lines;
  }

  const findings = displayedFindings(image, severities, showSuppressed);
  if (findings.length === 0) lines.push("No findings to show.", "");
  else {
    lines.push("| Severity | Check | Finding | Location | Evidence |", "| --- | --- | --- | --- | --- |");
    let omitted = 0;
    for (const finding of findings) {
      const row = findingRow(finding);
      if (row.length + 1 > budget.remaining) {
        omitted++;
        continue;
      }
      budget.remaining -= row.length + 1;
      lines.push(row);
    }
    lines.push("");
    if (omitted > 0) lines.push(`${plural(omitted, "more finding")} not listed, to keep the comment within its size limit; the JSON and HTML reports list all of them.`, "");
    lines.push(...remediationLines(findings));
  }

  const errors = checkErrors(image);
  if (errors.length > 0) {
    lines.push("**Check errors**", "");
    for (const check of errors) {
      const phase = check.error ? ` (${check.error.phase}, ${escapeMarkdown(check.error.code)})` : "";
      lines.push(`- ${escapeMarkdown(qualifiedCheckId(check))}${phase}: ${escapeMarkdown(check.error?.message ?? "the check ended in an error")}`);
    }
    lines.push("");
  }
  for (const note of image.notes) lines.push(`> ${escapeMarkdown(note)}`, "");
  lines.push("</details>");
  return lines;
}

function findingRow(finding: Finding): string {
  const suppressed = finding.suppression ? ` (suppressed: ${escapeMarkdown(finding.suppression.reason)})` : "";
  const location = [
    finding.path !== undefined ? escapeMarkdown(finding.path) : undefined,
    finding.layer !== undefined ? `layer ${finding.layer}` : undefined,
    finding.package !== undefined ? `package ${escapeMarkdown(finding.package)}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  const evidence = finding.evidence === undefined ? "" : escapeMarkdown(truncate(finding.evidence, MAX_EVIDENCE_IN_CELL));
  const cells = [SEVERITY_LABEL[finding.severity], escapeMarkdown(qualifiedCheckId(finding)), `${escapeMarkdown(finding.message)}${suppressed}`, location, evidence];
  return `| ${cells.join(" | ")} |`;
}

/** Lists each check's remediation once, under the findings table. */
function remediationLines(findings: readonly Finding[]): string[] {
  const seen = new Map<string, Finding>();
  for (const finding of findings) if (finding.remediation && !seen.has(qualifiedCheckId(finding))) seen.set(qualifiedCheckId(finding), finding);
  if (seen.size === 0) return [];
  const lines = ["**How to fix**", ""];
  for (const [id, finding] of seen) {
    const url = finding.docsUrl === undefined ? undefined : safeHttpUrl(finding.docsUrl);
    const docs = url ? ` ([docs](<${url.replace(/[<>\s]/g, encodeURIComponent)}>))` : "";
    lines.push(`- ${escapeMarkdown(id)}: ${escapeMarkdown(finding.remediation!)}${docs}`);
  }
  lines.push("");
  return lines;
}

function ignoreFileLines(report: ScanReport): string[] {
  const ignoreFile = report.ignoreFile;
  if (!ignoreFile || (ignoreFile.expired.length === 0 && ignoreFile.unused.length === 0)) return [];
  const lines = [`**Ignore file** ${escapeMarkdown(ignoreFile.source)}: ${plural(ignoreFile.suppressed, "finding")} suppressed`, ""];
  for (const rule of ignoreFile.expired) {
    const matched = rule.matched > 0 ? `, it would match ${plural(rule.matched, "finding")}` : "";
    lines.push(`- Expired: rules&#91;${rule.rule}&#93; (${escapeMarkdown(rule.reason)}) expired ${escapeMarkdown(rule.expires)}${matched}`);
  }
  for (const rule of ignoreFile.unused) lines.push(`- Unused: rules&#91;${rule.rule}&#93; (${escapeMarkdown(rule.reason)}) matched no finding`);
  return lines;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}
