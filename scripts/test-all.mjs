#!/usr/bin/env node
// The whole test suite: system tools, test images (cached), then build,
// typecheck, lint and test of every package through turbo.
import { spawnSync } from "node:child_process";
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
step("Build, typecheck, lint and test", "pnpm", ["exec", "turbo", "run", "build", "typecheck", "lint", "test", "--concurrency=2"]);
process.stdout.write("\nAll packages built, type-checked, linted and tested.\n");
