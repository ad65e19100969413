import { readFile } from "node:fs/promises";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { z } from "zod";
import { describe, expect, expectTypeOf, it } from "vitest";
import { IgnoreFileSchema, formatReport, parseReport, reportJsonSchema, type ScanReport, type ScanReportSchema } from "../../src/index.js";
import { sampleReport, suppressedReport } from "../fixture.js";

async function readSchema(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(new URL(`../../schema/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

async function compileReportSchema() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(await readSchema("report.schema.json"));
}

describe("JSON format", () => {
  it("is the report as it is, suppressed findings included", () => {
    const report = suppressedReport();
    const parsed = JSON.parse(formatReport(report, "json", { color: false })) as ScanReport;
    expect(parsed).toEqual(report);
    expect(parsed.images.flatMap((image) => image.findings).filter((finding) => finding.suppression)).toHaveLength(3);
  });

  it("keeps every severity whatever the filter", () => {
    const report = suppressedReport();
    const parsed = JSON.parse(formatReport(report, "json", { color: false, severityFilter: ["critical"] })) as ScanReport;
    expect(parsed.images[0]!.findings).toHaveLength(report.images[0]!.findings.length);
  });

  it.each([
    ["plain report", sampleReport],
    ["suppressed report", suppressedReport],
  ])("validates against report.schema.json: %s", async (_name, build) => {
    const validate = await compileReportSchema();
    const valid = validate(JSON.parse(formatReport(build(), "json", { color: false })));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("fails the schema for a broken report", async () => {
    const validate = await compileReportSchema();
    const broken = JSON.parse(formatReport(sampleReport(), "json", { color: false })) as Record<string, any>;
    broken.images[0].findings[0].severity = "severe";
    delete broken.tool;
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((error) => error.instancePath).sort()).toEqual(["", "/images/0/findings/0/severity"]);
  });

  it("keeps the published schema files up to date", async () => {
    expect(await readSchema("report.schema.json")).toEqual(reportJsonSchema());
    expect(await readSchema("ignore.schema.json")).toEqual(z.toJSONSchema(IgnoreFileSchema, { target: "draft-2020-12", io: "input" }));
  });

  it("parses its own output back", () => {
    const report = suppressedReport();
    expect(parseReport(JSON.parse(formatReport(report, "json", { color: false })))).toEqual(report);
  });

  it("matches the ScanReport type", () => {
    expectTypeOf<z.input<typeof ScanReportSchema>>().toEqualTypeOf<ScanReport>();
  });
});
