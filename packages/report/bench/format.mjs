// Times applySuppressions and every format on a synthetic report of
// IMAGES x FINDINGS_PER_IMAGE findings. Run `pnpm build && pnpm bench`.
import { performance } from "node:perf_hooks";
import { REPORT_FORMATS, REPORT_SCHEMA_VERSION, applySuppressions, fingerprint, formatReport, parseIgnoreFile } from "../dist/index.js";

const IMAGES = 3;
const FINDINGS_PER_IMAGE = 10_000;
const CHECKS = 50;
const RULES = 200;
const SEVERITIES = ["info", "low", "medium", "high", "critical"];

function buildReport() {
  const images = [];
  for (let image = 0; image < IMAGES; image++) {
    const digest = `sha256:${String(image).repeat(64)}`;
    const checks = Array.from({ length: CHECKS }, (_, index) => ({
      plugin: "@checks/plugin-bench",
      pluginVersion: "1.0.0",
      check: `check-${index}`,
      title: `Check ${index}`,
      level: "medium",
      tags: ["security"],
      status: "failed",
      findings: FINDINGS_PER_IMAGE / CHECKS,
      durationMs: 5,
      deniedCount: 0,
      notes: [],
    }));
    const findings = Array.from({ length: FINDINGS_PER_IMAGE }, (_, index) => {
      const check = `check-${index % CHECKS}`;
      const path = `/usr/lib/bench/${index}/file-${index}.so`;
      return {
        fingerprint: fingerprint({ check: `@checks/plugin-bench/${check}`, messageId: "found", path, imageDigest: digest }),
        plugin: "@checks/plugin-bench",
        pluginVersion: "1.0.0",
        check,
        checkTitle: `Check ${index % CHECKS}`,
        messageId: "found",
        message: `Finding ${index} in <${path}> | with "quotes"`,
        severity: SEVERITIES[index % SEVERITIES.length],
        path,
        evidence: `evidence \u001b[31m${index}\u001b[0m`,
        remediation: "Remove the file from the image.",
      };
    });
    images.push({ name: `bench-${image}.tar`, digest, checks, findings, notes: [] });
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "checks", version: "0.0.0" },
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:01:00.000Z",
    selection: { plugins: ["@checks/plugin-bench"], checks: [], skipped: [], minLevel: "low", failOn: "high" },
    sandbox: { networkIsolated: true, permissionModel: true },
    images,
  };
}

function time(label, run) {
  const start = performance.now();
  const output = run();
  const milliseconds = performance.now() - start;
  const size = typeof output === "string" ? ` ${(output.length / 1024 / 1024).toFixed(1)} MiB` : "";
  console.log(`${label.padEnd(20)} ${milliseconds.toFixed(0).padStart(6)} ms${size}`);
  return output;
}

const rulesYaml = ["rules:", ...Array.from({ length: RULES }, (_, index) => `  - path: "/usr/lib/bench/${index * 7}/**"\n    reason: bench rule ${index}`)].join("\n");
const report = time("build report", buildReport);
const rules = parseIgnoreFile(rulesYaml, "bench.yaml");
const suppressed = time("applySuppressions", () => applySuppressions(report, rules, new Date("2026-01-01T00:00:00Z")).report);
for (const format of REPORT_FORMATS) time(format, () => formatReport(suppressed, format, { color: false, showSuppressed: true }));
console.log(`${IMAGES * FINDINGS_PER_IMAGE} findings, ${RULES} path rules, node ${process.version}`);
