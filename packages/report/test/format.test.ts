import { describe, expect, it } from "vitest";
import { REPORT_FORMATS, UnknownFormatError, formatReport, isReportFormat, type ReportFormat } from "../src/index.js";
import { suppressedReport } from "./fixture.js";

describe("formatReport", () => {
  it.each(REPORT_FORMATS)("renders %s", (format) => {
    expect(formatReport(suppressedReport(), format, { color: false }).length).toBeGreaterThan(0);
  });

  it("rejects an unknown format", () => {
    expect(() => formatReport(suppressedReport(), "yaml" as ReportFormat, { color: false })).toThrow(UnknownFormatError);
    try {
      formatReport(suppressedReport(), "yaml" as ReportFormat, { color: false });
    } catch (error) {
      expect((error as UnknownFormatError).code).toBe("UNKNOWN_FORMAT");
    }
  });

  it("recognizes format names", () => {
    expect(isReportFormat("sarif")).toBe(true);
    expect(isReportFormat("xml")).toBe(false);
  });

  it("does not change the report", () => {
    const report = suppressedReport();
    const copy = structuredClone(report);
    for (const format of REPORT_FORMATS) formatReport(report, format, { color: true, showSuppressed: true, severityFilter: ["high"] });
    expect(report).toEqual(copy);
  });

  it("locks the HTML page down with a content security policy", () => {
    const html = formatReport(suppressedReport(), "html", { color: false });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toContain("unsafe-inline");
  });
});
