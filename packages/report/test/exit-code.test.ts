import type { Severity } from "@checks/sdk";
import { describe, expect, it } from "vitest";
import { exitCodeFor, formatReport, type ScanReport } from "../src/index.js";
import { sampleReport, suppressedReport } from "./fixture.js";

/** Returns the sample report without its image error and check error. */
function withoutErrors(report: ScanReport): ScanReport {
  return {
    ...report,
    images: report.images
      .filter((image) => !image.error)
      .map((image) => ({ ...image, checks: image.checks.filter((check) => check.status !== "error") })),
  };
}

function onlyFindingsOf(report: ScanReport, severities: Severity[]): ScanReport {
  return { ...report, images: report.images.map((image) => ({ ...image, findings: image.findings.filter((item) => severities.includes(item.severity)) })) };
}

describe("exitCodeFor", () => {
  it.each<[string, () => ScanReport, Severity, number]>([
    ["image and check errors win over findings", sampleReport, "info", 3],
    ["findings at fail-on", () => withoutErrors(sampleReport()), "critical", 1],
    ["findings above fail-on", () => withoutErrors(sampleReport()), "low", 1],
    ["no findings at or above fail-on", () => onlyFindingsOf(withoutErrors(sampleReport()), ["info", "low"]), "medium", 0],
    ["no findings at all", () => onlyFindingsOf(withoutErrors(sampleReport()), []), "info", 0],
    ["suppressed findings do not count", () => onlyFindingsOf(withoutErrors(suppressedReport()), ["low", "info"]), "low", 0],
  ])("%s", (_name, build, failOn, expected) => {
    expect(exitCodeFor(build(), failOn)).toBe(expected);
  });

  it("returns 3 for an image error alone", () => {
    const report = onlyFindingsOf(sampleReport(), []);
    report.images = report.images.filter((image) => image.error);
    expect(exitCodeFor(report, "critical")).toBe(3);
  });

  it("returns 3 for a check error alone", () => {
    const report = onlyFindingsOf(sampleReport(), []);
    report.images = report.images.filter((image) => image.name === "alpine-rootfs/");
    expect(exitCodeFor(report, "critical")).toBe(3);
  });

  it("ignores the severity filter", () => {
    const report = withoutErrors(sampleReport());
    report.selection.severityFilter = ["info"];
    expect(exitCodeFor(report, "high")).toBe(1);
    const table = formatReport(report, "table", { color: false, severityFilter: ["info"] });
    expect(table).not.toContain("HIGH");
    expect(exitCodeFor(report, "high")).toBe(1);
  });
});
