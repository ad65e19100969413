import { describe, expect, it } from "vitest";
import type { CheckManifest } from "@checks/sdk/host";
import { matchesTags, parseTagExpression, selectChecks, SelectionError } from "../src/selection.js";
import type { PluginSource } from "../src/selection.js";
import { planRead } from "../src/needs.js";

function check(id: string, level: CheckManifest["level"], tags: string[], needs: Partial<CheckManifest["needs"]> = {}): CheckManifest {
  return {
    id, title: id, description: "", level, tags, remediation: "",
    messages: { found: { text: "found", severity: "low" } },
    needs: { paths: [], content: [], maxBytes: 1024, capabilities: [], ...needs },
  };
}

function plugin(name: string, checks: CheckManifest[]): PluginSource {
  return { name, version: "1.0.0", bundleFile: `/plugins/${name}/dist/plugin.js`, source: "store", manifest: { apiVersion: "^1.0.0", bundle: "dist/plugin.js", checks } };
}

const plugins = [
  plugin("@checks/plugin-permissions", [check("setuid-files", "high", ["security", "permissions"]), check("world-writable", "medium", ["security"])]),
  plugin("@checks/plugin-hygiene", [check("apt-cache", "low", ["clean"]), check("docker-history", "high", ["security", "docker"])]),
];

const ids = (result: ReturnType<typeof selectChecks>) => result.selected.map(({ plugin, check }) => `${plugin.name}/${check.id}`);

describe("parseTagExpression", () => {
  it.each([
    ["security", [["security"]]],
    ["security+docker", [["security", "docker"]]],
    ["security|clean", [["security"], ["clean"]]],
    ["security+docker|clean", [["security", "docker"], ["clean"]]],
  ])("parses %s", (expression, expected) => {
    expect(parseTagExpression(expression)).toEqual(expected);
  });

  it.each(["", "security+", "|clean", "Security Checks"])("rejects %j", (expression) => {
    expect(() => parseTagExpression(expression)).toThrow(SelectionError);
  });

  it("needs every tag of an alternative", () => {
    expect(matchesTags(parseTagExpression("security+docker"), ["security"])).toBe(false);
    expect(matchesTags(parseTagExpression("security+docker"), ["docker", "security"])).toBe(true);
    expect(matchesTags(parseTagExpression("docker|clean"), ["clean"])).toBe(true);
  });
});

describe("selectChecks", () => {
  it("runs everything at the low level", () => {
    expect(ids(selectChecks(plugins, { minLevel: "low" }))).toHaveLength(4);
  });

  it("runs medium and high with --med", () => {
    expect(ids(selectChecks(plugins, { minLevel: "medium" }))).toEqual([
      "@checks/plugin-permissions/setuid-files", "@checks/plugin-permissions/world-writable", "@checks/plugin-hygiene/docker-history",
    ]);
  });

  it("runs high only with --high", () => {
    expect(ids(selectChecks(plugins, { minLevel: "high" }))).toEqual(["@checks/plugin-permissions/setuid-files", "@checks/plugin-hygiene/docker-history"]);
  });

  it("needs both tags with +", () => {
    expect(ids(selectChecks(plugins, { minLevel: "low", tags: "security+docker" }))).toEqual(["@checks/plugin-hygiene/docker-history"]);
  });

  it("needs either tag with |", () => {
    expect(ids(selectChecks(plugins, { minLevel: "low", tags: "permissions|clean" }))).toEqual([
      "@checks/plugin-permissions/setuid-files", "@checks/plugin-hygiene/apt-cache",
    ]);
  });

  it("selects plugins, checks and skips", () => {
    expect(ids(selectChecks(plugins, { minLevel: "low", plugins: ["@checks/plugin-hygiene"] }))).toHaveLength(2);
    expect(ids(selectChecks(plugins, { minLevel: "low", checks: ["apt-cache", "@checks/plugin-permissions/setuid-files"] }))).toHaveLength(2);
    const skipped = selectChecks(plugins, { minLevel: "low", skipChecks: ["world-writable"] });
    expect(ids(skipped)).not.toContain("@checks/plugin-permissions/world-writable");
    expect(skipped.skipped).toContainEqual({ id: "@checks/plugin-permissions/world-writable", reason: "skipped by --skip-check" });
  });

  it("rejects unknown plugins and checks", () => {
    expect(() => selectChecks(plugins, { minLevel: "low", plugins: ["nope"] })).toThrow(/not installed/);
    expect(() => selectChecks(plugins, { minLevel: "low", checks: ["setuid-file"] })).toThrow(/no installed plugin has a check "setuid-file"/i);
  });
});

describe("planRead", () => {
  it("unions content globs with the largest cap", () => {
    const a = plugin("a", [check("one", "low", [], { paths: ["/etc/*"], content: ["/etc/passwd"], maxBytes: 100 }), check("two", "low", [], { content: ["/etc/passwd"], maxBytes: 5000 })]);
    const plan = planRead(selectChecks([a], { minLevel: "low" }).selected, [{ glob: "/var/lib/dpkg/status", maxBytes: 1 }]);
    expect(plan.content).toContainEqual({ glob: "/etc/passwd", maxBytes: 5000 });
    expect(plan.content.filter((need) => need.glob === "/etc/passwd")).toHaveLength(1);
    expect(plan.content.some((need) => need.glob === "/var/lib/dpkg/status")).toBe(false);
    expect(plan.rawLayers).toBe(false);
  });

  it("adds inventory paths when packages are declared", () => {
    const a = plugin("a", [check("vulns", "high", [], { capabilities: ["packages", "advisories"] })]);
    const plan = planRead(selectChecks([a], { minLevel: "low" }).selected, [{ glob: "/var/lib/dpkg/status", maxBytes: 1 }]);
    expect(plan.content).toContainEqual({ glob: "/var/lib/dpkg/status", maxBytes: 1 });
    expect(plan.advisories).toBe(true);
  });

  it("does not grow with the number of checks declaring the same glob", () => {
    const many = plugin("many", Array.from({ length: 50 }, (_, i) => check(`c${i}`, "low", [], { content: ["/etc/shadow"], maxBytes: 10 })));
    expect(planRead(selectChecks([many], { minLevel: "low" }).selected, []).content.length).toBe(3);
  });
});

describe("collectResults", () => {
  it("gives distinct fingerprints to findings without a path", async () => {
    const { collectResults } = await import("../src/findings.js");
    const source = plugin("@checks/plugin-image-config", [check("secret-env-names", "medium", ["security"])]);
    const result = collectResults(
      {
        name: source.name,
        version: "1.0.0",
        durationMs: 1,
        checks: [{ checkId: "secret-env-names", status: "failed", notes: [], deniedCount: 0, durationMs: 1, findings: [
          { checkId: "secret-env-names", messageId: "found", data: { name: "API_TOKEN" } },
          { checkId: "secret-env-names", messageId: "found", data: { name: "DB_PASSWORD" } },
        ] }],
      },
      selectChecks([source], { minLevel: "low" }).selected,
      { name: "image", format: "oci-layout", digest: "sha256:1" },
    );
    expect(result.findings).toHaveLength(2);
    expect(result.findings[0]!.fingerprint).not.toBe(result.findings[1]!.fingerprint);
    expect(result.checks[0]!.status).toBe("failed");
  });
});
