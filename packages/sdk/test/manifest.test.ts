import { describe, expect, it } from "vitest";
import { formatProblems, supportsApiRange, validatePluginPackage } from "../src/host.js";

const validCheck = {
  id: "setuid-files",
  title: "Setuid files",
  description: "Files with the setuid bit.",
  level: "high",
  tags: ["security"],
  messages: { unexpectedSetuid: { text: "{{path}} is setuid", severity: "high" } },
  remediation: "Remove the bit.",
  needs: { paths: ["/**"], content: [], maxBytes: 1024, capabilities: [] },
};

const validPackage = {
  name: "@checks/plugin-permissions",
  version: "1.2.3",
  keywords: ["checks-plugin"],
  peerDependencies: { "@checks/sdk": "^0.1.0" },
  checks: { apiVersion: "^1.0.0", bundle: "dist/plugin.js", checks: [validCheck] },
};

type Mutation = (pkg: any) => void;

const broken: { name: string; mutate: Mutation; path: string; received?: unknown; allowed: RegExp }[] = [
  { name: "name without the plugin prefix", mutate: (p) => (p.name = "permissions"), path: "name", received: "permissions", allowed: /checks-plugin-NAME/ },
  { name: "version that is a range", mutate: (p) => (p.version = "^1.0.0"), path: "version", received: "^1.0.0", allowed: /exact semver/ },
  { name: "missing keyword", mutate: (p) => (p.keywords = ["security"]), path: "keywords", received: ["security"], allowed: /checks-plugin/ },
  { name: "runtime dependency", mutate: (p) => (p.dependencies = { lodash: "^4" }), path: "dependencies", received: { lodash: "^4" }, allowed: /no runtime dependencies/ },
  { name: "sdk not a peer dependency", mutate: (p) => (p.peerDependencies = {}), path: "peerDependencies", received: {}, allowed: /@checks\/sdk/ },
  { name: "api range that is not semver", mutate: (p) => (p.checks.apiVersion = "one"), path: "checks.apiVersion", received: "one", allowed: /semver range/ },
  { name: "bundle outside the package", mutate: (p) => (p.checks.bundle = "../evil.js"), path: "checks.bundle", received: "../evil.js", allowed: /inside the package/ },
  { name: "absolute bundle path", mutate: (p) => (p.checks.bundle = "/tmp/x.js"), path: "checks.bundle", received: "/tmp/x.js", allowed: /inside the package/ },
  { name: "no checks", mutate: (p) => (p.checks.checks = []), path: "checks.checks", received: [], allowed: /at least one check/ },
  { name: "check id not kebab-case", mutate: (p) => (p.checks.checks[0].id = "SetuidFiles"), path: "checks.checks[0].id", received: "SetuidFiles", allowed: /kebab-case/ },
  { name: "level that is a severity", mutate: (p) => (p.checks.checks[0].level = "critical"), path: "checks.checks[0].level", received: "critical", allowed: /"low"\|"medium"\|"high"/ },
  { name: "unknown severity", mutate: (p) => (p.checks.checks[0].messages.unexpectedSetuid.severity = "severe"), path: "checks.checks[0].messages.unexpectedSetuid.severity", received: "severe", allowed: /"info"/ },
  { name: "unknown capability", mutate: (p) => (p.checks.checks[0].needs.capabilities = ["network"]), path: "checks.checks[0].needs.capabilities[0]", received: "network", allowed: /"config"/ },
  { name: "relative glob", mutate: (p) => (p.checks.checks[0].needs.paths = ["etc/passwd"]), path: "checks.checks[0].needs.paths[0]", received: "etc/passwd", allowed: /absolute/ },
  { name: "maxBytes above the limit", mutate: (p) => (p.checks.checks[0].needs.maxBytes = 1e12), path: "checks.checks[0].needs.maxBytes", received: 1e12, allowed: /<=67108864/ },
  { name: "duplicate check ids", mutate: (p) => p.checks.checks.push({ ...validCheck }), path: "checks.checks[1].id", received: "setuid-files", allowed: /unique/ },
  { name: "misspelled key", mutate: (p) => (p.checks.checks[0].levl = "high"), path: "checks.checks[0]", allowed: /unknown keys "levl"/ },
  { name: "message id not camelCase", mutate: (p) => (p.checks.checks[0].messages = { "Bad-Id": { text: "x", severity: "low" } }), path: "checks.checks[0].messages.Bad-Id", allowed: /camelCase/ },
];

describe("validatePluginPackage", () => {
  it("accepts a valid package", () => {
    const result = validatePluginPackage(structuredClone(validPackage));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(broken)("rejects $name", ({ mutate, path, received, allowed }) => {
    const pkg = structuredClone(validPackage);
    mutate(pkg);
    const result = validatePluginPackage(pkg);
    expect(result.ok).toBe(false);
    const problem = result.problems.find((p) => p.path === path);
    expect(problem, `problems: ${formatProblems(result.problems)}`).toBeDefined();
    if (received !== undefined) expect(problem!.received).toEqual(received);
    expect(formatProblems([problem!])).toMatch(allowed);
  });

  it("lists every problem at once", () => {
    const pkg = structuredClone(validPackage) as any;
    pkg.name = "x";
    pkg.checks.checks[0].level = "critical";
    pkg.checks.bundle = "../x";
    const result = validatePluginPackage(pkg);
    expect(result.problems.map((p) => p.path).sort()).toEqual(["checks.bundle", "checks.checks[0].level", "name"]);
  });

  it("formats the received value", () => {
    const pkg = structuredClone(validPackage) as any;
    pkg.checks.checks[0].level = "critical";
    const text = formatProblems(validatePluginPackage(pkg).problems);
    expect(text).toContain('checks.checks[0].level:');
    expect(text).toContain('(received "critical")');
  });
});

describe("supportsApiRange", () => {
  it.each([
    ["^1.0.0", true],
    ["^1.0.0 || ^2.0.0", true],
    [">=1.0.0 <1.0.1", true],
    ["^2.0.0", false],
    ["^0.9.0", false],
    ["not a range", false],
  ])("range %s gives %s", (range, expected) => {
    expect(supportsApiRange(range, "1.0.0")).toBe(expected);
  });
});
