import { describe, expect, it } from "vitest";
import { applySuppressions, parseIgnoreFile, ruleMatches, type IgnoreRule } from "../src/index.js";
import { IGNORE_YAML, NOW, finding, sampleReport } from "./fixture.js";

const setuid = finding("@checks/plugin-files", "setuid-files", "unexpectedSetuid", "high", { path: "/usr/bin/passwd", package: "passwd@1:4.13" });

describe("ruleMatches", () => {
  it.each<[string, Omit<IgnoreRule, "index" | "reason">, boolean]>([
    ["check id in any plugin", { check: "setuid-files" }, true],
    ["qualified check id", { check: "@checks/plugin-files/setuid-files" }, true],
    ["check id of another plugin", { check: "@checks/plugin-other/setuid-files" }, false],
    ["other check id", { check: "world-writable" }, false],
    ["full fingerprint", { fingerprint: setuid.fingerprint }, true],
    ["fingerprint prefix", { fingerprint: setuid.fingerprint.slice(0, 12) }, true],
    ["other fingerprint", { fingerprint: "000000000000" }, false],
    ["path glob", { path: "/usr/bin/*" }, true],
    ["path glob at any depth", { path: "**/passwd" }, true],
    ["other path", { path: "/usr/sbin/*" }, false],
    ["package name", { package: "passwd" }, true],
    ["package name and version", { package: "passwd@1:4.13" }, true],
    ["other package version", { package: "passwd@1:4.14" }, false],
    ["package name prefix only", { package: "pass" }, false],
    ["all matchers combined", { check: "setuid-files", path: "/usr/bin/passwd", package: "passwd" }, true],
    ["one combined matcher fails", { check: "setuid-files", path: "/etc/*" }, false],
  ])("%s", (_name, matchers, expected) => {
    expect(ruleMatches({ index: 0, reason: "r", ...matchers }, setuid)).toBe(expected);
  });

  it("never matches a path glob without a path", () => {
    const { path: _path, ...withoutPath } = setuid;
    expect(ruleMatches({ index: 0, reason: "r", path: "/**" }, withoutPath)).toBe(false);
  });
});

describe("applySuppressions", () => {
  const rules = parseIgnoreFile(IGNORE_YAML, ".checksignore.yaml");

  it("marks matched findings and keeps them in the report", () => {
    const input = sampleReport();
    const { report } = applySuppressions(input, rules, NOW);
    const all = report.images.flatMap((image) => image.findings);
    expect(all).toHaveLength(input.images.flatMap((image) => image.findings).length);
    const suppressed = all.filter((item) => item.suppression);
    expect(suppressed.map((item) => item.check).sort()).toEqual(["apt-cache", "apt-cache", "world-writable"]);
    expect(suppressed.find((item) => item.check === "world-writable")!.suppression).toEqual({
      reason: "upload folder is world-writable by design",
      expires: "2026-12-31",
      source: ".checksignore.yaml",
      rule: 1,
    });
  });

  it("reports expired rules with what they would match", () => {
    const { expired, report } = applySuppressions(sampleReport(), rules, NOW);
    expect(expired).toEqual([{ source: ".checksignore.yaml", rule: 2, reason: "patched in the next base image", expires: "2026-01-01", matched: 1 }]);
    const openssl = report.images[0]!.findings.find((item) => item.package === "openssl@3.0.11")!;
    expect(openssl.suppression).toBeUndefined();
  });

  it("applies a date rule on its last day but not the day after", () => {
    const dated = parseIgnoreFile("rules:\n  - check: setuid-files\n    reason: r\n    expires: 2026-06-01\n", "f");
    expect(applySuppressions(sampleReport(), dated, new Date("2026-06-01T23:59:59Z")).expired).toEqual([]);
    expect(applySuppressions(sampleReport(), dated, new Date("2026-06-02T00:00:00Z")).expired).toHaveLength(1);
  });

  it("reports rules that matched nothing as unused", () => {
    const { unused } = applySuppressions(sampleReport(), rules, NOW);
    expect(unused).toEqual([{ source: ".checksignore.yaml", rule: 3, reason: "stale rule for a finding that is gone" }]);
  });

  it("records the ignore file summary in the report", () => {
    const { report } = applySuppressions(sampleReport(), rules, NOW);
    expect(report.ignoreFile).toMatchObject({ source: ".checksignore.yaml", rules: 4, suppressed: 3 });
    expect(report.ignoreFile!.expired).toHaveLength(1);
    expect(report.ignoreFile!.unused).toHaveLength(1);
  });

  it("lets the first matching rule win", () => {
    const twice = parseIgnoreFile("rules:\n  - check: setuid-files\n    reason: first\n  - path: /usr/bin/**\n    reason: second\n", "f");
    const { report, unused } = applySuppressions(sampleReport(), twice, NOW);
    const passwd = report.images[0]!.findings.find((item) => item.path === "/usr/bin/passwd")!;
    expect(passwd.suppression!.reason).toBe("first");
    expect(unused.map((rule) => rule.rule)).toEqual([1]);
  });

  it("keeps an earlier suppression when a second file matches too", () => {
    const first = applySuppressions(sampleReport(), rules, NOW).report;
    const second = parseIgnoreFile("rules:\n  - check: apt-cache\n    reason: second file\n", "second.yaml");
    const { report } = applySuppressions(first, second, NOW);
    const reasons = report.images.flatMap((image) => image.findings).filter((item) => item.check === "apt-cache" && item.suppression).map((item) => item.suppression!.source);
    expect(reasons).toEqual([".checksignore.yaml", "second.yaml", ".checksignore.yaml"]);
  });

  it("does not change the input report", () => {
    const input = sampleReport();
    const copy = structuredClone(input);
    applySuppressions(input, rules, NOW);
    expect(input).toEqual(copy);
  });
});
