import type { Severity } from "@checks/sdk";
import { REPORT_SCHEMA_VERSION, applySuppressions, fingerprint, parseIgnoreFile, type CheckRun, type Finding, type ScanReport } from "../src/index.js";

/** Strings that would break a format that forgot to escape them. */
export const HOSTILE = {
  script: "<script>window.__injected = true</script>",
  image: '<img src=x onerror="window.__injected = true">',
  cdataEnd: "]]>",
  pipe: "a | b || c",
  ansi: "\u001b[31mRED\u001b[0m\u001b]0;title\u0007",
  bidi: "admin\u202egpj.exe",
  markdownLink: "[click](https://example.invalid/phish) @everyone #1",
};

export const DIGEST = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
export const NOW = new Date("2026-06-01T12:00:00Z");

const PLUGIN_FILES = "@checks/plugin-files";
const PLUGIN_SECRETS = "@checks/plugin-secrets";

export function checkRun(plugin: string, check: string, overrides: Partial<CheckRun> = {}): CheckRun {
  return {
    plugin,
    pluginVersion: "1.2.0",
    check,
    title: `Title of ${check}`,
    level: "high",
    tags: ["security"],
    status: "passed",
    findings: 0,
    durationMs: 12,
    deniedCount: 0,
    notes: [],
    ...overrides,
  };
}

export function finding(plugin: string, check: string, messageId: string, severity: Severity, fields: Partial<Finding> = {}, imageDigest?: string): Finding {
  const base: Finding = {
    fingerprint: fingerprint({ check: `${plugin}/${check}`, messageId, path: fields.path, package: fields.package, imageDigest }),
    plugin,
    pluginVersion: "1.2.0",
    check,
    checkTitle: `Title of ${check}`,
    messageId,
    message: `Message ${messageId}`,
    severity,
    remediation: `Remediation for ${check}`,
  };
  return { ...base, ...fields };
}

/**
 * Three images: one with findings of every severity and hostile strings, one
 * rootfs folder with a check error, one that could not be read.
 */
export function sampleReport(): ScanReport {
  const first: Finding[] = [
    finding(PLUGIN_SECRETS, "secret-in-env", "awsKey", "critical", { message: `AWS key in ENV ${HOSTILE.script}`, evidence: `AKIA**** ${HOSTILE.ansi} ${HOSTILE.image}`, docsUrl: "https://docs.example.test/secret-in-env" }, DIGEST),
    finding(PLUGIN_FILES, "setuid-files", "unexpectedSetuid", "high", { path: `/usr/bin/${HOSTILE.cdataEnd}${HOSTILE.pipe}${HOSTILE.script}\u001b[2J`, layer: 2, message: `Setuid file ${HOSTILE.pipe}` }, DIGEST),
    finding(PLUGIN_FILES, "setuid-files", "unexpectedSetuid", "high", { path: "/usr/bin/passwd", layer: 1 }, DIGEST),
    finding(PLUGIN_FILES, "world-writable", "worldWritable", "medium", { path: "/tmp/data dir/file#1", message: `World-writable ${HOSTILE.markdownLink}` }, DIGEST),
    finding(PLUGIN_FILES, "apt-cache", "aptCacheLeft", "low", { path: "/var/cache/apt/archives/x.deb", evidence: `${HOSTILE.bidi} ${HOSTILE.cdataEnd}` }, DIGEST),
    finding(PLUGIN_FILES, "apt-cache", "aptListsLeft", "info", { path: "/var/lib/apt/lists/a" }, DIGEST),
    finding(PLUGIN_SECRETS, "vulnerable-packages", "vulnerable", "high", { package: "openssl@3.0.11", message: "openssl 3.0.11 has CVE-2024-0001" }, DIGEST),
  ];
  const second: Finding[] = [
    finding(PLUGIN_FILES, "setuid-files", "unexpectedSetuid", "high", { path: "/bin/su" }),
    finding(PLUGIN_FILES, "world-writable", "worldWritable", "medium", { path: "/srv/upload" }),
    finding(PLUGIN_FILES, "apt-cache", "aptCacheLeft", "low", { path: "/var/cache/apt/archives/y.deb" }),
  ];

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "checks", version: "0.3.0" },
    startedAt: "2026-06-01T11:59:00.000Z",
    finishedAt: "2026-06-01T12:00:00.000Z",
    selection: {
      plugins: [PLUGIN_FILES, PLUGIN_SECRETS],
      checks: [
        `${PLUGIN_FILES}/setuid-files`,
        `${PLUGIN_FILES}/world-writable`,
        `${PLUGIN_FILES}/apt-cache`,
        `${PLUGIN_SECRETS}/secret-in-env`,
        `${PLUGIN_SECRETS}/vulnerable-packages`,
      ],
      skipped: [],
      minLevel: "low",
      failOn: "high",
    },
    sandbox: { networkIsolated: true, permissionModel: true },
    images: [
      {
        name: `debian-12.tar ${HOSTILE.pipe}`,
        format: "docker-archive",
        digest: DIGEST,
        platform: "linux/amd64",
        checks: [
          checkRun(PLUGIN_SECRETS, "secret-in-env", { status: "failed", findings: 1 }),
          checkRun(PLUGIN_FILES, "setuid-files", { status: "failed", findings: 2 }),
          checkRun(PLUGIN_FILES, "world-writable", { status: "failed", findings: 1, level: "medium" }),
          checkRun(PLUGIN_FILES, "apt-cache", { status: "failed", findings: 2, level: "low" }),
          checkRun(PLUGIN_SECRETS, "vulnerable-packages", { status: "failed", findings: 1 }),
        ],
        findings: first,
        notes: [`Layer 3 is empty ${HOSTILE.ansi}`],
      },
      {
        name: "alpine-rootfs/",
        format: "rootfs",
        checks: [
          checkRun(PLUGIN_FILES, "setuid-files", { status: "failed", findings: 1 }),
          checkRun(PLUGIN_FILES, "world-writable", { status: "failed", findings: 1, level: "medium" }),
          checkRun(PLUGIN_FILES, "apt-cache", { status: "failed", findings: 1, level: "low" }),
          checkRun(PLUGIN_SECRETS, "secret-in-env", {
            status: "error",
            error: { code: "CHECK_THREW", phase: "run", message: `TypeError: cannot read ${HOSTILE.script} ${HOSTILE.ansi}` },
          }),
          checkRun(PLUGIN_SECRETS, "vulnerable-packages", { status: "skipped", notes: ["No package database in the image."] }),
        ],
        findings: second,
        notes: [],
      },
      {
        name: "broken.tar",
        error: { code: "IMAGE_UNREADABLE", message: `broken.tar is not a tar archive ${HOSTILE.cdataEnd}` },
        checks: [],
        findings: [],
        notes: [],
      },
    ],
  };
}

export const IGNORE_YAML = `
rules:
  - check: "@checks/plugin-files/apt-cache"
    path: "/var/cache/apt/**"
    reason: "apt caches are removed by the final build stage ${HOSTILE.pipe}"
  - check: world-writable
    path: /srv/upload
    reason: upload folder is world-writable by design
    expires: 2026-12-31
  - package: openssl
    reason: patched in the next base image
    expires: 2026-01-01
  - fingerprint: "0123456789abcdef"
    reason: stale rule for a finding that is gone
`;

/** Returns the sample report after the ignore file above: 3 findings suppressed, 1 expired rule, 1 unused rule. */
export function suppressedReport(): ScanReport {
  return applySuppressions(sampleReport(), parseIgnoreFile(IGNORE_YAML, ".checksignore.yaml"), NOW).report;
}
