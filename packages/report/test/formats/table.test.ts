import { describe, expect, it } from "vitest";
import { formatReport } from "../../src/index.js";
import { suppressedReport } from "../fixture.js";

const ESC = "\u001b";

describe("table format", () => {
  const plain = formatReport(suppressedReport(), "table", { color: false });

  it("has one section per image", () => {
    expect(plain).toContain("debian-12.tar a | b || c (docker-archive, sha256:");
    expect(plain).toContain("alpine-rootfs/ (rootfs)");
    expect(plain).toContain("broken.tar\n");
  });

  it("groups findings by severity, most severe first", () => {
    const first = plain.slice(0, plain.indexOf("alpine-rootfs/ (rootfs)"));
    const headings = [...first.matchAll(/^(CRITICAL|HIGH|MEDIUM|LOW|INFO) \((\d+)\)$/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(headings).toEqual(["CRITICAL 1", "HIGH 3", "MEDIUM 1", "INFO 1"]);
  });

  it("shows remediation and the fingerprint prefix", () => {
    expect(plain).toContain("    Fix: Remediation for setuid-files");
    expect(plain).toMatch(/Fingerprint: [0-9a-f]{12}\n/);
  });

  it("shows image and check errors", () => {
    expect(plain).toContain("IMAGE ERROR IMAGE_UNREADABLE: broken.tar is not a tar archive ]]>");
    expect(plain).toContain("CHECK ERRORS (1)");
    expect(plain).toContain("@checks/plugin-secrets/secret-in-env (run, CHECK_THREW): TypeError");
  });

  it("ends with a summary line", () => {
    expect(plain).toContain("Summary: 3 images, 10 checks: 7 findings (1 critical, 4 high, 1 medium, 1 info), 3 suppressed, 1 image error, 1 check error\n");
  });

  it("counts suppressed findings without listing them", () => {
    expect(plain).not.toContain("[suppressed]");
    expect(plain).toContain("show them with --show-suppressed");
  });

  it("lists suppressed findings with their reason on request", () => {
    const withSuppressed = formatReport(suppressedReport(), "table", { color: false, showSuppressed: true });
    expect(withSuppressed).toContain("[suppressed] @checks/plugin-files/world-writable");
    expect(withSuppressed).toContain("Suppressed by .checksignore.yaml rules[1], until 2026-12-31: upload folder is world-writable by design");
  });

  it("reports expired and unused ignore rules", () => {
    expect(plain).toContain("Expired: rules[2] (patched in the next base image) expired 2026-01-01 and no longer applies; it would match 1 finding.");
    expect(plain).toContain("Unused: rules[3] (stale rule for a finding that is gone) matched no finding");
  });

  it("escapes terminal control characters from plugins", () => {
    const all = formatReport(suppressedReport(), "table", { color: false, showSuppressed: true });
    expect(all).not.toContain(ESC);
    expect(all).not.toContain("\u0007");
    expect(all).not.toContain("\u202e");
    expect(all).toContain("\\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07");
    expect(all).toContain("admin\\u202egpj.exe");
  });

  it("colors only when asked", () => {
    const colored = formatReport(suppressedReport(), "table", { color: true });
    expect(colored).toContain(`${ESC}[1;91mCRITICAL (1)${ESC}[0m`);
    // eslint-disable-next-line no-control-regex -- removes SGR sequences
    const withoutColor = colored.replace(/\u001b\[[0-9;]*m/g, "");
    expect(withoutColor).toBe(plain);
  });

  it("displays only the filtered severities", () => {
    const filtered = formatReport(suppressedReport(), "table", { color: false, severityFilter: ["critical", "high"] });
    expect(filtered).not.toMatch(/^(MEDIUM|LOW|INFO) \(/m);
    expect(filtered).toContain("Summary: 3 images, 10 checks: 5 findings (1 critical, 4 high), 5 hidden by the severity filter, 1 image error, 1 check error");
  });

  it("takes the filter from the report's selection", () => {
    const report = suppressedReport();
    report.selection.severityFilter = ["critical"];
    expect(formatReport(report, "table", { color: false })).not.toMatch(/^HIGH \(/m);
  });
});
