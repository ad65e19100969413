import { compareSeverity, type Severity } from "@checks/sdk";
import { escapeXml } from "../escape.js";
import type { CheckRun, Finding, ImageResult, ScanReport } from "../types.js";
import { SEVERITIES_DESCENDING, displayedFindings, displayedSeverities, isCheckError, plural, qualifiedCheckId, type FormatOptions } from "../view.js";

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

/**
 * Renders the report as JUnit XML: one test suite per image and one test case
 * per check in it. A check with displayed unsuppressed findings at or above
 * the report's `failOn` severity has a `failure`, so the test results agree
 * with the exit code. A check that ended in an error has an `error`, a skipped
 * check a `skipped` element. An image that could not be read is one test case
 * with an `error`. Suppressed findings and findings below `failOn` are listed
 * in `system-out` and never fail.
 */
export function formatJunit(report: ScanReport, options: FormatOptions): string {
  const severities = displayedSeverities(report, options);
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, seconds: 0 };
  const suites = report.images.map((image, index) => imageSuite(image, index, report.startedAt, severities, report.selection.failOn, total));

  const header = `<testsuites name="checks" ${countAttributes(total)}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', header, ...suites, "</testsuites>", ""].join("\n");
}

function imageSuite(image: ImageResult, index: number, timestamp: string, severities: ReadonlySet<Severity>, failOn: Severity, total: Counts): string {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, seconds: 0 };
  const cases: string[] = [];

  if (image.error) {
    counts.tests++;
    counts.errors++;
    cases.push(
      testCase(image.name, "open image", 0, `    <error type="${escapeXml(image.error.code, true)}" message="${escapeXml(image.error.message, true)}">${escapeXml(image.error.message)}</error>`),
    );
  }

  const findings = displayedFindings(image, severities, true);
  const byCheck = new Map<string, Finding[]>();
  for (const finding of findings) {
    const id = qualifiedCheckId(finding);
    byCheck.set(id, [...(byCheck.get(id) ?? []), finding]);
  }

  for (const check of image.checks) {
    const id = qualifiedCheckId(check);
    const seconds = check.durationMs / 1000;
    counts.tests++;
    counts.seconds += seconds;
    cases.push(testCase(image.name, `${id}: ${check.title}`, seconds, checkBody(check, byCheck.get(id) ?? [], failOn, counts)));
    byCheck.delete(id);
  }
  // Findings of a check that is missing from `checks` still get a test case.
  for (const [id, checkFindings] of byCheck) {
    counts.tests++;
    cases.push(testCase(image.name, id, 0, checkBody(undefined, checkFindings, failOn, counts)));
  }

  for (const key of Object.keys(total) as Array<keyof Counts>) total[key] += counts[key];
  const properties = [
    ["digest", image.digest],
    ["format", image.format],
    ["platform", image.platform],
  ]
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([name, value]) => `      <property name="${name}" value="${escapeXml(value, true)}"/>`);
  const propertyBlock = properties.length > 0 ? ["    <properties>", ...properties, "    </properties>"] : [];
  const notes = image.notes.length > 0 ? [`    <system-out>${escapeXml(image.notes.join("\n"))}</system-out>`] : [];

  return [
    `  <testsuite name="${escapeXml(image.name, true)}" id="${index}" timestamp="${escapeXml(timestamp, true)}" ${countAttributes(counts)}>`,
    ...propertyBlock,
    ...cases,
    ...notes,
    "  </testsuite>",
  ].join("\n");
}

/** Returns the child elements of a check's test case and counts its outcome. */
function checkBody(check: CheckRun | undefined, findings: Finding[], failOn: Severity, counts: Counts): string {
  const failing = findings.filter((finding) => !finding.suppression && compareSeverity(finding.severity, failOn) >= 0);
  const passing = findings.filter((finding) => !finding.suppression && compareSeverity(finding.severity, failOn) < 0);
  const suppressed = findings.filter((finding) => finding.suppression);
  const parts: string[] = [];

  if (check && isCheckError(check)) {
    counts.errors++;
    const code = check.error?.code ?? "CHECK_ERROR";
    const message = check.error?.message ?? "the check ended in an error";
    parts.push(`    <error type="${escapeXml(code, true)}" message="${escapeXml(message, true)}">${escapeXml(`Phase: ${check.error?.phase ?? "run"}\n${message}`)}</error>`);
  } else if (failing.length > 0) {
    counts.failures++;
    const worst = SEVERITIES_DESCENDING.find((severity) => failing.some((finding) => finding.severity === severity))!;
    const summary = `${plural(failing.length, "finding")} at or above ${failOn}, the most severe ${worst}`;
    parts.push(`    <failure type="${worst}" message="${escapeXml(summary, true)}">${escapeXml(failing.map(findingText).join("\n\n"))}</failure>`);
  } else if (check?.status === "skipped") {
    counts.skipped++;
    parts.push(`    <skipped message="${escapeXml(check.notes[0] ?? "skipped", true)}"/>`);
  }

  const output = [
    ...(check?.notes ?? []),
    ...passing.map((finding) => `Below ${failOn}: ${findingText(finding)}`),
    ...suppressed.map((finding) => `Suppressed: ${findingText(finding)}`),
  ];
  if (output.length > 0) parts.push(`    <system-out>${escapeXml(output.join("\n\n"))}</system-out>`);
  return parts.join("\n");
}

function testCase(className: string, name: string, seconds: number, body: string): string {
  const open = `    <testcase classname="${escapeXml(className, true)}" name="${escapeXml(name, true)}" time="${seconds.toFixed(3)}"`;
  return body === "" ? `${open}/>` : `${open}>\n${body.replace(/^ {4}/gm, "      ")}\n    </testcase>`;
}

function findingText(finding: Finding): string {
  const lines = [`[${finding.severity}] ${finding.message}`];
  if (finding.path !== undefined) lines.push(`Path: ${finding.path}`);
  if (finding.layer !== undefined) lines.push(`Layer: ${finding.layer}`);
  if (finding.package !== undefined) lines.push(`Package: ${finding.package}`);
  if (finding.evidence !== undefined) lines.push(`Evidence: ${finding.evidence}`);
  if (finding.remediation) lines.push(`Fix: ${finding.remediation}`);
  if (finding.suppression) lines.push(`Reason: ${finding.suppression.reason} (${finding.suppression.source} rules[${finding.suppression.rule}])`);
  lines.push(`Fingerprint: ${finding.fingerprint}`);
  return lines.join("\n");
}

function countAttributes(counts: Counts): string {
  return `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${counts.seconds.toFixed(3)}"`;
}
