import { createHash } from "node:crypto";
import type { Severity } from "@checks/sdk";
import { escapeHtml, safeHttpUrl } from "../escape.js";
import type { Finding, ImageResult, ScanReport } from "../types.js";
import { SEVERITIES_DESCENDING, checkErrors, displayedFindings, displayedSeverities, imageDetails, plural, qualifiedCheckId, summarize, type FormatOptions } from "../view.js";
import { summaryText } from "./table.js";
import { FILTER_SCRIPT, STYLESHEET } from "./html-assets.js";

/** Checks drawn in the chart by check; the rest are summed into one bar. */
const MAX_CHART_CHECKS = 15;

const SEVERITY_COLOR: Record<Severity, string> = { critical: "#7f1d1d", high: "#dc2626", medium: "#d97706", low: "#2563eb", info: "#6b7280" };

/**
 * Renders the report as one self-contained HTML page: summary counts, bar
 * charts by severity and by check (inline SVG), the images, errors and a
 * findings table filtered by severity, text and image. CSS and script are
 * inline and a Content-Security-Policy allows only those two by their sha256,
 * so the page makes no request and no script injected through a report string
 * runs even if escaping failed.
 */
export function formatHtml(report: ScanReport, options: FormatOptions): string {
  const severities = displayedSeverities(report, options);
  const showSuppressed = options.showSuppressed ?? false;
  const summary = summarize(report.images, severities);
  const rows = report.images.flatMap((image, index) => displayedFindings(image, severities, showSuppressed).map((finding) => ({ finding, image, index })));
  const policy = [
    "default-src 'none'",
    `style-src '${cspHash(STYLESHEET)}'`,
    `script-src '${cspHash(FILTER_SCRIPT)}'`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>checks report: ${escapeHtml(plural(summary.findings, "finding"))}</title>
<style>${STYLESHEET}</style>
</head>
<body>
<header>
<h1>checks report</h1>
<p class="meta">checks ${escapeHtml(report.tool.version)}, started ${escapeHtml(report.startedAt)}, finished ${escapeHtml(report.finishedAt)}, report layout ${escapeHtml(report.schemaVersion)}</p>
<p id="summary-line">${escapeHtml(summaryText(summary))}</p>
</header>
<main>
${summaryCards(summary, severities)}
<section class="charts">
${severityChart(summary.bySeverity, severities)}
${checkChart(rows.filter((row) => !row.finding.suppression).map((row) => row.finding))}
</section>
${imagesSection(report.images, severities)}
${errorsSection(report.images)}
${ignoreFileSection(report)}
${findingsSection(report.images, rows, severities)}
</main>
<script>${FILTER_SCRIPT}</script>
</body>
</html>
`;
}

function cspHash(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}

function summaryCards(summary: ReturnType<typeof summarize>, severities: ReadonlySet<Severity>): string {
  const cards = [
    card("count-findings", "Findings", summary.findings, "findings"),
    ...SEVERITIES_DESCENDING.filter((severity) => severities.has(severity)).map((severity) => card(`count-${severity}`, capitalize(severity), summary.bySeverity[severity], severity)),
    card("count-suppressed", "Suppressed", summary.suppressed, "muted"),
    card("count-image-errors", "Image errors", summary.imageErrors, summary.imageErrors > 0 ? "error" : "muted"),
    card("count-check-errors", "Check errors", summary.checkErrors, summary.checkErrors > 0 ? "error" : "muted"),
  ];
  return `<section class="cards" aria-label="Summary">\n${cards.join("\n")}\n</section>`;
}

function card(id: string, label: string, count: number, kind: string): string {
  return `<div class="card ${kind}"><span class="count" id="${id}">${count}</span><span class="label">${label}</span></div>`;
}

interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Draws a horizontal bar chart; labels are escaped, values are counts. */
function barChart(id: string, title: string, bars: readonly Bar[]): string {
  const rowHeight = 24;
  const labelWidth = 280;
  const barWidth = 320;
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rows = bars.map((bar, index) => {
    const y = index * rowHeight + 4;
    const width = Math.round((bar.value / max) * barWidth);
    return [
      `<g class="bar" data-label="${escapeHtml(bar.label)}" data-value="${bar.value}">`,
      `<title>${escapeHtml(bar.label)}: ${bar.value}</title>`,
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(truncate(bar.label, 40))}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${width}" height="${rowHeight - 6}" fill="${bar.color}"></rect>`,
      `<text x="${labelWidth + width + 6}" y="${y + 16}">${bar.value}</text>`,
      `</g>`,
    ].join("");
  });
  const empty = bars.length === 0 ? `<text x="8" y="20">No findings</text>` : "";
  return `<figure id="${id}"><figcaption>${escapeHtml(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${labelWidth + barWidth + 60}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 60} ${height}">${rows.join("")}${empty}</svg></figure>`;
}

function severityChart(bySeverity: Record<Severity, number>, severities: ReadonlySet<Severity>): string {
  const bars = SEVERITIES_DESCENDING.filter((severity) => severities.has(severity)).map((severity) => ({ label: severity, value: bySeverity[severity], color: SEVERITY_COLOR[severity] }));
  return barChart("chart-severity", "Findings by severity", bars);
}

function checkChart(findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(qualifiedCheckId(finding), (counts.get(qualifiedCheckId(finding)) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const bars: Bar[] = sorted.slice(0, MAX_CHART_CHECKS).map(([label, value]) => ({ label, value, color: "#475569" }));
  const rest = sorted.slice(MAX_CHART_CHECKS);
  if (rest.length > 0) bars.push({ label: `${plural(rest.length, "other check")}`, value: rest.reduce((sum, [, value]) => sum + value, 0), color: "#94a3b8" });
  return barChart("chart-check", "Findings by check", bars);
}

function imagesSection(images: readonly ImageResult[], severities: ReadonlySet<Severity>): string {
  const rows = images.map((image) => {
    const counts = summarize([image], severities);
    const status = image.error ? `<span class="error">could not be scanned</span>` : escapeHtml(plural(counts.findings, "finding"));
    return `<tr><td>${escapeHtml(image.name)}</td><td>${escapeHtml(imageDetails(image).join(", "))}</td><td>${image.checks.length}</td><td>${status}</td><td>${counts.suppressed}</td><td>${counts.checkErrors + counts.imageErrors}</td></tr>`;
  });
  return `<section><h2>Images</h2><table class="images"><thead><tr><th>Image</th><th>Details</th><th>Checks</th><th>Findings</th><th>Suppressed</th><th>Errors</th></tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table></section>`;
}

function errorsSection(images: readonly ImageResult[]): string {
  const items: string[] = [];
  for (const image of images) {
    if (image.error) items.push(`<li class="image-error"><strong>${escapeHtml(image.name)}</strong>: ${escapeHtml(image.error.code)}: ${escapeHtml(image.error.message)}</li>`);
    for (const check of checkErrors(image)) {
      const where = check.error ? ` (${escapeHtml(check.error.phase)}, ${escapeHtml(check.error.code)})` : "";
      items.push(
        `<li class="check-error"><strong>${escapeHtml(image.name)}</strong>: ${escapeHtml(qualifiedCheckId(check))}${where}: ${escapeHtml(check.error?.message ?? "the check ended in an error")}</li>`,
      );
    }
  }
  if (items.length === 0) return "";
  return `<section id="errors"><h2>Errors</h2><ul>\n${items.join("\n")}\n</ul></section>`;
}

function ignoreFileSection(report: ScanReport): string {
  const ignoreFile = report.ignoreFile;
  if (!ignoreFile || (ignoreFile.expired.length === 0 && ignoreFile.unused.length === 0)) return "";
  const items = [
    ...ignoreFile.expired.map(
      (rule) =>
        `<li class="expired-rule">Expired: rules[${rule.rule}] (${escapeHtml(rule.reason)}) expired ${escapeHtml(rule.expires)}${rule.matched > 0 ? `, it would match ${escapeHtml(plural(rule.matched, "finding"))}` : ""}</li>`,
    ),
    ...ignoreFile.unused.map((rule) => `<li class="unused-rule">Unused: rules[${rule.rule}] (${escapeHtml(rule.reason)}) matched no finding</li>`),
  ];
  return `<section id="ignore-file"><h2>Ignore file ${escapeHtml(ignoreFile.source)}</h2><p>${escapeHtml(plural(ignoreFile.suppressed, "finding"))} suppressed.</p><ul>\n${items.join("\n")}\n</ul></section>`;
}

function findingsSection(images: readonly ImageResult[], rows: ReadonlyArray<{ finding: Finding; image: ImageResult; index: number }>, severities: ReadonlySet<Severity>): string {
  const severityBoxes = SEVERITIES_DESCENDING.filter((severity) => severities.has(severity))
    .map((severity) => `<label><input type="checkbox" name="severity" value="${severity}" checked> ${capitalize(severity)}</label>`)
    .join("\n");
  const imageOptions = images.map((image, index) => `<option value="${index}">${escapeHtml(image.name)}</option>`).join("\n");
  const controls = `<form id="filters" class="filters" role="search">
<fieldset><legend>Severity</legend>
${severityBoxes}
</fieldset>
<label>Text <input type="search" id="filter-text" placeholder="message, path, package, check"></label>
<label>Image <select id="filter-image"><option value="">All images</option>
${imageOptions}
</select></label>
</form>`;
  const body = rows.map(({ finding, image, index }) => findingRow(finding, image, index)).join("\n");
  return `<section id="findings"><h2>Findings</h2>
${controls}
<p id="shown-line">Showing <span id="shown-count">${rows.length}</span> of <span id="total-count">${rows.length}</span> findings</p>
<table class="findings"><thead><tr><th>Severity</th><th>Image</th><th>Check</th><th>Finding</th><th>Location</th></tr></thead>
<tbody>
${body}
</tbody></table>
<p id="no-match" hidden>No finding matches the filters.</p>
</section>`;
}

function findingRow(finding: Finding, image: ImageResult, imageIndex: number): string {
  const search = [finding.message, finding.path, finding.package, qualifiedCheckId(finding), finding.checkTitle, finding.evidence, image.name, finding.fingerprint]
    .filter((part): part is string => part !== undefined)
    .join("\n")
    .toLowerCase();
  const details: string[] = [];
  if (finding.evidence !== undefined) details.push(`<div class="evidence"><span class="key">Evidence</span><pre>${escapeHtml(finding.evidence, true)}</pre></div>`);
  if (finding.remediation) details.push(`<div class="fix"><span class="key">Fix</span> ${escapeHtml(finding.remediation, true)}</div>`);
  const docsUrl = finding.docsUrl === undefined ? undefined : safeHttpUrl(finding.docsUrl);
  if (docsUrl) details.push(`<div><a href="${escapeHtml(docsUrl)}" rel="noopener noreferrer" target="_blank">Documentation</a></div>`);
  if (finding.suppression) {
    const expires = finding.suppression.expires ? `, until ${escapeHtml(finding.suppression.expires)}` : "";
    details.push(`<div class="suppression">Suppressed by ${escapeHtml(finding.suppression.source)} rules[${finding.suppression.rule}]${expires}: ${escapeHtml(finding.suppression.reason)}</div>`);
  }
  details.push(`<div class="fingerprint">Fingerprint ${escapeHtml(finding.fingerprint)}</div>`);

  const location = [
    finding.path !== undefined ? `<code>${escapeHtml(finding.path)}</code>` : undefined,
    finding.layer !== undefined ? `layer ${finding.layer}` : undefined,
    finding.package !== undefined ? `package <code>${escapeHtml(finding.package)}</code>` : undefined,
  ].filter((part) => part !== undefined);
  const rowClass = finding.suppression ? ` class="suppressed"` : "";
  return [
    `<tr${rowClass} data-severity="${escapeHtml(finding.severity)}" data-image="${imageIndex}" data-search="${escapeHtml(search, true)}">`,
    `<td><span class="severity ${escapeHtml(finding.severity)}">${escapeHtml(finding.severity)}</span></td>`,
    `<td>${escapeHtml(image.name)}</td>`,
    `<td title="${escapeHtml(finding.checkTitle)}">${escapeHtml(qualifiedCheckId(finding))}</td>`,
    `<td><div class="message">${escapeHtml(finding.message)}</div>${details.join("")}</td>`,
    `<td>${location.join("<br>")}</td>`,
    `</tr>`,
  ].join("");
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}
