#!/usr/bin/env node
// The whole test suite: system tools, test images (cached), then build,
// typecheck, lint and test of every package through turbo.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function step(title, command, args) {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`\n${title} failed (exit code ${result.status ?? result.signal}).\n`);
    process.exit(result.status ?? 1);
  }
}

step("System packages", "bash", ["scripts/system-deps.sh"]);
step("Test images", "bash", ["scripts/build-test-images.sh"]);
// The turbo run's output is passed through and its vitest summaries are added up for one closing line.
process.stdout.write("\n== Build, typecheck, lint and test\n");
const counts = { passed: 0, failed: 0, skipped: 0 };
const turbo = spawn("pnpm", ["exec", "turbo", "run", "build", "typecheck", "lint", "test", "--concurrency=2"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
const lines = createInterface({ input: turbo.stdout });
lines.on("line", (line) => {
  process.stdout.write(`${line}\n`);
  const plain = line.replace(/\u001b\[[0-9;]*m/g, "");
  const summary = /\bTests\s+(.*\(\d+\))\s*$/.exec(plain);
  if (!summary) return;
  for (const [, count, kind] of summary[1].matchAll(/(\d+) (passed|failed|skipped)/g)) counts[kind] += Number(count);
});
const code = await new Promise((done) => turbo.on("close", (status) => done(status ?? 1)));
process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
if (code !== 0) {
  process.stderr.write(`Build, typecheck, lint and test failed (exit code ${code}).\n`);
  process.exit(code);
}
