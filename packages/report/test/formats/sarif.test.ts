import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { formatReport } from "../../src/index.js";
import { PARTIAL_FINGERPRINT_KEY, pathToUri } from "../../src/formats/sarif.js";
import { HOSTILE, sampleReport, suppressedReport } from "../fixture.js";

/**
 * Compiles the official SARIF 2.1.0 schema (2.1.0-rtm.5, JSON Schema
 * draft-04) that the npm package @microsoft/jest-sarif ships under the MIT
 * licence. The schema is read from node_modules, so no copy is committed.
 */
async function compileSarifSchema() {
  const require = createRequire(import.meta.url);
  const packageFolder = dirname(require.resolve("@microsoft/jest-sarif/package.json"));
  const schema = JSON.parse(await readFile(join(packageFolder, "lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8")) as Record<string, unknown>;
  // The schema's "language" pattern has a stray "]" that is invalid with the
  // RegExp "u" flag, so patterns are compiled without it.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

function sarifOf(options: { severityFilter?: ("critical" | "high" | "medium" | "low" | "info")[] } = {}): any {
  return JSON.parse(formatReport(suppressedReport(), "sarif", { color: false, ...options }));
}

describe("SARIF format", () => {
  it.each([
    ["plain report", sampleReport],
    ["suppressed report", suppressedReport],
  ])("validates against the SARIF 2.1.0 schema: %s", async (_name, build) => {
    const validate = await compileSarifSchema();
    const valid = validate(JSON.parse(formatReport(build(), "sarif", { color: false })));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("fails the SARIF schema when a result has no message", async () => {
    const validate = await compileSarifSchema();
    const log = sarifOf();
    delete log.runs[0].results[0].message;
    expect(validate(log)).toBe(false);
  });

  it("has one run with a rule per check", () => {
    const log = sarifOf();
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const ids = log.runs[0].tool.driver.rules.map((rule: any) => rule.id);
    expect(ids).toEqual([
      "@checks/plugin-secrets/secret-in-env",
      "@checks/plugin-files/setuid-files",
      "@checks/plugin-files/world-writable",
      "@checks/plugin-files/apt-cache",
      "@checks/plugin-secrets/vulnerable-packages",
    ]);
    const setuid = log.runs[0].tool.driver.rules[1];
    expect(setuid.help.text).toBe("Remediation for setuid-files");
    expect(setuid.properties["security-severity"]).toBe("8.0");
  });

  it("points results at the rule, the image path and the fingerprint", () => {
    const log = sarifOf();
    const rules = log.runs[0].tool.driver.rules;
    const report = suppressedReport();
    expect(log.runs[0].results).toHaveLength(report.images.flatMap((image) => image.findings).length);
    for (const result of log.runs[0].results) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.partialFingerprints[PARTIAL_FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{64}$/);
    }
    const passwd = log.runs[0].results.find((result: any) => result.locations[0].physicalLocation?.artifactLocation.uri === "usr/bin/passwd");
    expect(passwd.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe("IMAGE1");
    expect(passwd.level).toBe("error");
    expect(log.runs[0].originalUriBaseIds.IMAGE2.description.text).toBe("Root of image alpine-rootfs/");
  });

  it("marks suppressed findings with their justification", () => {
    const suppressed = sarifOf().runs[0].results.filter((result: any) => result.suppressions);
    expect(suppressed).toHaveLength(3);
    expect(suppressed[0].suppressions[0]).toMatchObject({ kind: "external", status: "accepted" });
    expect(suppressed.map((result: any) => result.suppressions[0].justification)).toContain("upload folder is world-writable by design");
  });

  it("reports image and check errors as notifications", () => {
    const invocation = sarifOf().runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications.map((notification: any) => notification.descriptor.id)).toEqual(["CHECK_THREW", "IMAGE_UNREADABLE"]);
  });

  it("applies the severity filter", () => {
    const levels = sarifOf({ severityFilter: ["critical"] }).runs[0].results.map((result: any) => result.properties.severity);
    expect(levels).toEqual(["critical"]);
  });

  it("escapes links, brackets and control characters in messages", () => {
    const text = formatReport(suppressedReport(), "sarif", { color: false });
    const log = JSON.parse(text);
    const messages = log.runs[0].results.map((result: any) => result.message.text);
    expect(messages).toContain("World-writable \\[click\\](https://example.invalid/phish) @everyone #1");
    expect(text).not.toContain("\\u001b");
    const uris = log.runs[0].results.map((result: any) => result.locations[0].physicalLocation?.artifactLocation.uri).filter(Boolean);
    expect(uris).toContain("usr/bin/%5D%5D%3Ea%20%7C%20b%20%7C%7C%20c%3Cscript%3Ewindow.__injected%20%3D%20true%3C/script%3E%1B%5B2J");
    expect(JSON.stringify(log.runs[0].results[0].properties.evidence)).toContain("\\\\x1b[31m");
  });

  it.each([
    ["/usr/bin/passwd", "usr/bin/passwd"],
    ["/tmp/data dir/file#1", "tmp/data%20dir/file%231"],
    [`/usr/bin/${HOSTILE.cdataEnd}?%`, "usr/bin/%5D%5D%3E%3F%25"],
    ["/bad/\ud800", "bad/%EF%BF%BD"],
  ])("encodes path %j as a URI", (path, uri) => {
    expect(pathToUri(path)).toBe(uri);
  });
});
