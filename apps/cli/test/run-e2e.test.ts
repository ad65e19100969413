/**
 * End to end, as a user runs it: the demo script seeds a fresh embedded
 * registry on a free loopback port with the official plugins, signs and
 * publishes the official set, trusts its key and installs it into an empty
 * CHECKS_HOME; then `checks run` scans the real Debian test image in every
 * format, with an ignore file, and with each exit code.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReport } from "@checks/report";
import type { ScanReport } from "@checks/report";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const checksBin = join(root, "apps/cli/bin/checks.js");
const images = process.env.CHECKS_TEST_IMAGES ?? join(root, ".cache/images");
const image = join(images, "oci");

let home: string;
let work: string;

function checks(args: string[], options: { cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [checksBin, ...args], {
    cwd: options.cwd ?? work,
    env: { ...process.env, CHECKS_HOME: home, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(args: string[]): { code: number | null; report: ScanReport } {
  const result = checks([...args, "--format", "json"]);
  if (result.code === null || result.code > 3) throw new Error(`checks failed: ${result.stderr}`);
  return { code: result.code, report: parseReport(JSON.parse(result.stdout)) };
}

const findingIds = (report: ScanReport) => report.images.flatMap((entry) => entry.findings.map((finding) => `${finding.plugin}/${finding.check}:${finding.messageId}`));

beforeAll(async () => {
  if (!existsSync(join(image, "index.json"))) throw new Error(`The test image ${image} is missing; run "pnpm images" first.`);
  home = await mkdtemp(join(tmpdir(), "checks-e2e-home-"));
  work = await mkdtemp(join(tmpdir(), "checks-e2e-work-"));
  const demo = spawnSync(process.execPath, [join(root, "scripts/demo.mjs"), "--no-build", "--port", "0"], {
    cwd: root,
    env: { ...process.env, CHECKS_HOME: home, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (demo.status !== 0) throw new Error(`The demo failed with ${demo.status}:\n${demo.stdout}\n${demo.stderr}`);
}, 360_000);

afterAll(async () => {
  if (home) checks(["registry", "stop"]);
  await Promise.all([home, work].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("checks run on the Debian test image", () => {
  it("installs the official set from the registry", () => {
    const list = checks(["plugins", "list", "--json"]);
    expect(list.code).toBe(0);
    const listed = (JSON.parse(list.stdout) as { plugins: { name: string; apiVersion: string; checks: { id: string; level: string; tags: string[] }[] }[] }).plugins;
    const names = listed.map((plugin) => plugin.name).sort();
    expect(listed.every((plugin) => plugin.apiVersion === "^1.0.0")).toBe(true);
    expect(listed.flatMap((plugin) => plugin.checks)).toContainEqual(expect.objectContaining({ id: "setuid-files", level: "high", tags: expect.arrayContaining(["security"]) }));
    expect(checks(["plugins", "list"]).stdout).toMatch(/^ {2}setuid-files {2}\[high\]/m);
    expect(names).toEqual([
      "@checks/plugin-accounts",
      "@checks/plugin-hygiene",
      "@checks/plugin-image-config",
      "@checks/plugin-permissions",
      "@checks/plugin-secrets",
      "@checks/plugin-vulnerabilities",
    ]);
    expect(checks(["plugins", "verify"]).code).toBe(0);
  });

  it("finds the planted problems", () => {
    const { code, report } = json(["run", image]);
    expect(code).toBe(1);
    expect(report.sandbox.permissionModel).toBe(true);
    const ids = findingIds(report);
    for (const expected of [
      "@checks/plugin-permissions/setuid-files:unexpectedSetuid",
      "@checks/plugin-permissions/world-writable",
      "@checks/plugin-permissions/file-capabilities",
      "@checks/plugin-secrets/private-keys",
      "@checks/plugin-secrets/deleted-secrets",
      "@checks/plugin-accounts/empty-passwords",
      "@checks/plugin-accounts/extra-root-accounts",
      "@checks/plugin-accounts/sudoers-nopasswd",
      "@checks/plugin-hygiene/package-caches",
      "@checks/plugin-hygiene/shell-files",
      "@checks/plugin-image-config/runs-as-root",
      "@checks/plugin-image-config/build-history",
      "@checks/plugin-vulnerabilities/known-vulnerabilities",
    ]) {
      expect(ids.some((id) => id.startsWith(expected)), `missing ${expected}`).toBe(true);
    }
    expect(report.images[0]!.checks.every((check) => check.status !== "error")).toBe(true);
  });

  it("prints the table report", () => {
    const result = checks(["run", image]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^HIGH \(\d+\)$/m);
    expect(result.stdout).toContain("/usr/local/bin/backup-helper");
    expect(result.stdout).toMatch(/Summary: 1 image, \d+ checks: \d+ findings/);
    expect(result.stderr).not.toContain("\r");
  });

  it.each([
    ["sarif", (text: string) => expect(JSON.parse(text).runs[0].results.length).toBeGreaterThan(10)],
    ["junit", (text: string) => expect(text).toMatch(/<testsuites[^>]*>/)],
    ["markdown", (text: string) => expect(text).toContain("| Severity |")],
    ["html", (text: string) => expect(text).toMatch(/^<!doctype html>/i)],
  ])("writes %s to a file", async (format, assert) => {
    const output = join(work, `report.${format}`);
    const result = checks(["run", image, "--format", format, "--output", output]);
    expect(result.code).toBe(1);
    assert(await readFile(output, "utf8"));
    expect(checks(["run", image, "--format", format, "--output", output]).code, "an existing file is not overwritten").toBe(2);
  });

  it("shows progress and colors on a terminal only", () => {
    // script(1) gives the command a pseudo-terminal, as an interactive shell would.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(checksBin)} run --check setuid-files ${JSON.stringify(image)}`;
    const terminal = (extra: Record<string, string>) =>
      spawnSync("script", ["-qec", command, "/dev/null"], { cwd: work, env: { ...process.env, CHECKS_HOME: home, ...extra }, encoding: "utf8", timeout: 180_000 });
    const colored = terminal({});
    expect(colored.stdout).toContain("Checks finished: 1/1");
    expect(colored.stdout).toContain("\u001b[1m");
    const plain = terminal({ NO_COLOR: "1" });
    expect(plain.stdout).not.toContain("\u001b[1m");
    const quiet = spawnSync("script", ["-qec", `${command} --quiet`, "/dev/null"], { cwd: work, env: { ...process.env, CHECKS_HOME: home }, encoding: "utf8" });
    expect(quiet.stdout).not.toContain("Checks finished");
  });

  it("exits 0 when nothing reaches --fail-on", () => {
    expect(json(["run", image, "--fail-on", "critical"]).code).toBe(0);
  });

  it("keeps the exit code under --severity", () => {
    const filtered = checks(["run", image, "--severity", "info"]);
    expect(filtered.code).toBe(1);
    expect(filtered.stdout).not.toMatch(/^HIGH/m);
  });

  it("exits 2 on a usage error", () => {
    const result = checks(["run", image, "--fail-on", "severe"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("severe");
  });

  it("exits 2 when no check matches the tags", () => {
    const result = checks(["run", image, "--tag", "nosuchtag"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No installed check matches the selection");
  });

  it("exits 2 for an invalid ignore file", async () => {
    const file = join(work, "no-reason.yaml");
    await writeFile(file, "rules:\n  - check: setuid-files\n");
    const result = checks(["run", image, "--ignore-file", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("rules[0].reason");
    expect(result.stderr).not.toContain("internal error");
  });

  it("exits 2 for an output folder that does not exist", () => {
    const result = checks(["run", image, "--output", join(work, "missing", "report.json")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("does not exist");
  });

  it("exits 2 for a --plugin-dir that does not load", async () => {
    const result = checks(["run", image, "--plugin-dir", join(work, "no-such-plugin")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--plugin-dir");
  });

  it("exits 3 for an unreadable image and scans the others", async () => {
    const broken = join(work, "broken.tar");
    await writeFile(broken, "this is not an image");
    const { code, report } = json(["run", image, broken]);
    expect(code).toBe(3);
    expect(report.images).toHaveLength(2);
    expect(report.images[0]!.findings.length).toBeGreaterThan(10);
    expect(report.images[1]!.error?.message).toContain("broken.tar");
  });

  it("selects by tag and level", () => {
    const high = json(["run", image, "--high", "--tag", "security+docker"]).report;
    expect(high.selection.minLevel).toBe("high");
    expect(high.selection.checks.length).toBeGreaterThan(0);
    const runs = high.images[0]!.checks;
    expect(runs.every((check) => check.level === "high" && check.tags.includes("security") && check.tags.includes("docker"))).toBe(true);
  });

  it("applies the ignore file", async () => {
    const before = json(["run", image, "--check", "setuid-files"]).report;
    const unexpected = before.images[0]!.findings.find((finding) => finding.messageId === "unexpectedSetuid")!;
    await writeFile(
      join(work, ".checks-ignore.yaml"),
      [
        "rules:",
        `  - fingerprint: "${unexpected.fingerprint}"`,
        "    reason: backup-helper is reviewed and needs setuid",
        "  - check: setuid-files",
        "    reason: old exception",
        "    expires: 2020-01-01",
      ].join("\n"),
    );
    const after = json(["run", image, "--check", "setuid-files"]);
    await rm(join(work, ".checks-ignore.yaml"));
    const suppressed = after.report.images[0]!.findings.find((finding) => finding.fingerprint === unexpected.fingerprint);
    expect(suppressed?.suppression?.reason).toBe("backup-helper is reviewed and needs setuid");
    expect(after.report.ignoreFile?.expired).toHaveLength(1);
    expect(after.code).toBe(0);
  });

  // Last, because the imported database changes what every later scan reports.
  it("reports vulnerable packages after an OSV import", () => {
    const osv = join(root, "packages/vulndb/test/fixtures/osv/real");
    expect(checks(["db", "import", osv]).code).toBe(0);
    const { report } = json(["run", image, "--plugins", "@checks/plugin-vulnerabilities"]);
    const findings = report.images[0]!.findings;
    const advisories = findings.map((finding) => `${finding.package?.split("@")[0]} ${finding.message}`);
    for (const [purl, advisory] of [
      ["pkg:npm/lodash", "GHSA-35jh-r3h4-6jhm"],
      ["pkg:npm/minimist", "GHSA-xvch-5gv4-984h"],
      ["pkg:pypi/requests", "GHSA-j8r2-6x86-q33q"],
      ["pkg:pypi/urllib3", "GHSA-v845-jxx5-vc9f"],
    ]) {
      expect(advisories.some((line) => line.startsWith(purl!) && line.includes(advisory!)), `${purl} ${advisory} in:\n${advisories.join("\n")}`).toBe(true);
    }
    expect(findings.some((finding) => finding.messageId === "noDatabase")).toBe(false);
  });
});
