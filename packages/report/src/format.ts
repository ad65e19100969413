import { UnknownFormatError } from "./errors.js";
import { formatHtml } from "./formats/html.js";
import { formatJson } from "./formats/json.js";
import { formatJunit } from "./formats/junit.js";
import { formatMarkdown } from "./formats/markdown.js";
import { formatSarif } from "./formats/sarif.js";
import { formatTable } from "./formats/table.js";
import type { ScanReport } from "./types.js";
import type { FormatOptions } from "./view.js";

export const REPORT_FORMATS = ["table", "json", "sarif", "junit", "markdown", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Returns true when `value` names a report format; the CLI uses it to validate `--format`. */
export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Renders a report in one format. The severity filter changes what is shown
 * in every format except JSON, which stays the complete record; it never
 * changes the exit code. Throws UnknownFormatError for a format not in
 * REPORT_FORMATS.
 */
export function formatReport(report: ScanReport, format: ReportFormat, options: FormatOptions): string {
  switch (format) {
    case "table":
      return formatTable(report, options);
    case "json":
      return formatJson(report);
    case "sarif":
      return formatSarif(report, options);
    case "junit":
      return formatJunit(report, options);
    case "markdown":
      return formatMarkdown(report, options);
    case "html":
      return formatHtml(report, options);
    default:
      throw new UnknownFormatError(String(format), REPORT_FORMATS);
  }
}
