import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IgnoreFileError, MAX_IGNORE_FILE_BYTES, loadIgnoreFile, parseIgnoreFile } from "../src/index.js";
import { IGNORE_YAML } from "./fixture.js";

function problemsOf(text: string): IgnoreFileError {
  try {
    parseIgnoreFile(text, "ignore.yaml");
  } catch (error) {
    if (error instanceof IgnoreFileError) return error;
    throw error;
  }
  throw new Error("expected an IgnoreFileError");
}

describe("parseIgnoreFile", () => {
  it("reads every matcher and the expiry", () => {
    const rules = parseIgnoreFile(IGNORE_YAML, ".checksignore.yaml");
    expect(rules.source).toBe(".checksignore.yaml");
    expect(rules.rules).toHaveLength(4);
    expect(rules.rules[0]).toMatchObject({ index: 0, check: "@checks/plugin-files/apt-cache", path: "/var/cache/apt/**" });
    expect(rules.rules[2]).toMatchObject({ index: 2, package: "openssl", expires: "2026-01-01" });
    expect(rules.rules[3]).toMatchObject({ fingerprint: "0123456789abcdef" });
  });

  it("lets a date rule apply through that day in UTC", () => {
    const rules = parseIgnoreFile("rules:\n  - check: a\n    reason: r\n    expires: 2026-12-31\n", "f");
    expect(rules.rules[0]!.expiresAt!.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("takes a date-time expiry as an instant", () => {
    const rules = parseIgnoreFile('rules:\n  - check: a\n    reason: r\n    expires: "2026-12-31T18:00:00+02:00"\n', "f");
    expect(rules.rules[0]!.expiresAt!.toISOString()).toBe("2026-12-31T16:00:00.000Z");
  });

  it("accepts an empty file as no rules", () => {
    expect(parseIgnoreFile("", "f").rules).toEqual([]);
    expect(parseIgnoreFile("# only a comment\n", "f").rules).toEqual([]);
  });

  it("lists every bad rule with its path", () => {
    const error = problemsOf(`version: 1
rules:
  - check: setuid-files
  - reason: "   "
    path: /etc/shadow
  - reason: matches nothing
  - reason: bad glob
    path: etc/*
  - reason: bad date
    check: a
    expires: 2026-02-30
  - reason: bad fingerprint
    fingerprint: ABC
  - reason: typo
    chek: a
`);
    expect(error.code).toBe("IGNORE_FILE_INVALID");
    const paths = error.problems.map((problem) => problem.path.replace(/ \(line \d+\)$/, ""));
    expect(paths).toEqual(["rules[0].reason", "rules[1].reason", "rules[2]", "rules[3].path", "rules[4].expires", "rules[5].fingerprint", "rules[6]", "rules[6]"]);
    expect(error.problems[0]!.path).toBe("rules[0].reason (line 3)");
    expect(error.problems[2]!.message).toContain('set at least one of "check", "fingerprint", "path" or "package"');
    expect(error.problems[6]!.message).toContain('unknown key "chek"');
    expect(error.problems[7]!.message).toContain("matches nothing");
    expect(error.message).toContain("Ignore file ignore.yaml has 8 problems:");
  });

  it("rejects unknown top-level keys and a wrong version", () => {
    const error = problemsOf("version: 2\nrule: []\nrules: []\n");
    expect(error.code).toBe("IGNORE_FILE_INVALID");
    expect(error.problems.map((problem) => problem.path.replace(/ \(line \d+\)$/, ""))).toEqual(["version", "(file)"]);
  });

  it("rejects rules that are not a list", () => {
    expect(problemsOf("rules: yes\n").problems[0]!.path).toMatch(/^rules/);
  });

  it("reports YAML syntax errors with their line", () => {
    const error = problemsOf("rules:\n  - check: a\n    reason: [unclosed\n");
    expect(error.code).toBe("IGNORE_FILE_SYNTAX");
    expect(error.problems[0]!.path).toMatch(/^line \d+, column \d+$/);
  });

  it("rejects duplicate keys", () => {
    expect(problemsOf("rules:\n  - check: a\n    check: b\n    reason: r\n").code).toBe("IGNORE_FILE_SYNTAX");
  });

  it("rejects a file over the size limit", () => {
    expect(problemsOf("#".repeat(MAX_IGNORE_FILE_BYTES + 1)).code).toBe("IGNORE_FILE_TOO_LARGE");
  });
});

describe("loadIgnoreFile", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "checks-report-ignore-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("reads a YAML file", async () => {
    const path = join(folder, ".checksignore.yaml");
    await writeFile(path, IGNORE_YAML);
    const rules = await loadIgnoreFile(path);
    expect(rules.source).toBe(path);
    expect(rules.rules).toHaveLength(4);
  });

  it("rejects a missing file with the cause", async () => {
    const error = await loadIgnoreFile(join(folder, "missing.yaml")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IgnoreFileError);
    expect((error as IgnoreFileError).code).toBe("IGNORE_FILE_READ_FAILED");
    expect(((error as IgnoreFileError).cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("rejects a file over the size limit before reading it", async () => {
    const path = join(folder, "large.yaml");
    await writeFile(path, "#".repeat(MAX_IGNORE_FILE_BYTES + 1));
    await expect(loadIgnoreFile(path)).rejects.toMatchObject({ code: "IGNORE_FILE_TOO_LARGE" });
  });
});

describe("parseIgnoreFile scalars", () => {
  it.each([
    ["fingerprint in float notation", "fingerprint: 83e113986674", { fingerprint: "83e113986674" }],
    ["fingerprint of digits only", "fingerprint: 123456789012", { fingerprint: "123456789012" }],
    ["package that looks like a number", "package: 1.10", { package: "1.10" }],
    ["check that looks like a boolean", "check: yes", { check: "yes" }],
  ])("keeps a %s as written", (_name, line, expected) => {
    expect(parseIgnoreFile(`version: 1\nrules:\n  - ${line}\n    reason: r\n`, "f").rules[0]).toMatchObject(expected);
  });
});
