import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { formatReport } from "../../src/index.js";
import { HOSTILE, sampleReport, suppressedReport } from "../fixture.js";

function parse(xml: string): any {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase", "property"].includes(name), processEntities: true });
  return parser.parse(xml);
}

describe("JUnit format", () => {
  const xml = formatReport(suppressedReport(), "junit", { color: false });
  const document = parse(xml);
  const suites = document.testsuites.testsuite;

  it("is well-formed XML", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it("has one suite per image and one case per check", () => {
    expect(suites.map((suite: any) => suite.name)).toEqual(["debian-12.tar a | b || c", "alpine-rootfs/", "broken.tar"]);
    expect(suites.map((suite: any) => suite.testcase.length)).toEqual([5, 5, 1]);
    expect(document.testsuites.tests).toBe("11");
  });

  it("fails checks with findings at or above fail-on", () => {
    const names = suites[0].testcase.filter((testCase: any) => testCase.failure).map((testCase: any) => testCase.name.split(":")[0]);
    expect(names).toEqual(["@checks/plugin-secrets/secret-in-env", "@checks/plugin-files/setuid-files", "@checks/plugin-secrets/vulnerable-packages"]);
    expect(suites[0].failures).toBe("3");
  });

  it("lists findings below fail-on and suppressed ones as output", () => {
    const aptCache = suites[0].testcase.find((testCase: any) => testCase.name.startsWith("@checks/plugin-files/apt-cache"));
    expect(aptCache.failure).toBeUndefined();
    expect(aptCache["system-out"]).toContain("Below high: [info] Message aptListsLeft");
    expect(aptCache["system-out"]).toContain("Suppressed: [low] Message aptCacheLeft");
  });

  it("reports check errors and image errors as errors", () => {
    const failed = suites[1].testcase.find((testCase: any) => testCase.error);
    expect(failed.name).toBe("@checks/plugin-secrets/secret-in-env: Title of secret-in-env");
    expect(failed.error.type).toBe("CHECK_THREW");
    expect(suites[2].testcase[0].error.type).toBe("IMAGE_UNREADABLE");
    expect(document.testsuites.errors).toBe("2");
  });

  it("marks skipped checks", () => {
    expect(suites[1].testcase.find((testCase: any) => testCase.skipped !== undefined).name).toContain("vulnerable-packages");
  });

  it("keeps hostile strings as text", () => {
    expect(suites[0].testcase[0].failure["#text"]).toContain(HOSTILE.script);
    expect(xml).not.toContain("<script>");
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(suites[2].testcase[0].error["#text"]).toContain("not a tar archive ]]>");
  });

  it("applies the severity filter", () => {
    const filtered = parse(formatReport(sampleReport(), "junit", { color: false, severityFilter: ["critical"] }));
    expect(filtered.testsuites.testsuite[0].failures).toBe("1");
  });
});
