// Benchmarks readSifImage against unsquashfs on the Debian root filesystem that
// scripts/build-test-images.sh builds, or on a synthetic tree when it is absent.
// Usage: pnpm --filter "@checks/sif..." build && pnpm --filter @checks/sif bench
// Needs mksquashfs, unsquashfs and GNU time (/usr/bin/time) for the reference peak RSS.
import { Buffer } from "node:buffer";
import console from "node:console";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const imagesDir = process.env.CHECKS_TEST_IMAGES ?? join(repo, ".cache", "images");
const runs = Number(process.env.BENCH_RUNS ?? "3");
const work = mkdtempSync(join(tmpdir(), "checks-sif-bench-"));
const shm = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/checks-sif-bench-") : mkdtempSync(join(tmpdir(), "checks-sif-extract-"));

try {
  let tree = join(imagesDir, "rootfs");
  let input = "Debian root filesystem from scripts/build-test-images.sh";
  if (!existsSync(tree)) {
    tree = join(work, "synthetic");
    input = "synthetic tree (the Debian root filesystem was not found)";
    writeSyntheticTree(tree, 40_000);
  }

  const squashfs = join(work, "rootfs.squashfs");
  execFileSync("mksquashfs", [tree, squashfs, "-noappend", "-quiet", "-no-progress", "-comp", "gzip"], { stdio: "ignore" });
  const sif = join(work, "rootfs.sif");
  wrapInSif(squashfs, sif);

  const results = {
    input,
    squashfsBytes: statSync(squashfs).size,
    machine: `${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    metadata: measure(() => ours("metadata", sif), () => reference(["-lls", squashfs])),
    content: measure(
      () => ours("content", sif),
      () => {
        rmSync(join(shm, "out"), { recursive: true, force: true });
        return reference(["-d", join(shm, "out"), "-no-progress", "-quiet", squashfs]);
      },
    ),
  };
  console.log(JSON.stringify(results, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(shm, { recursive: true, force: true });
}

function measure(runOurs, runReference) {
  const oursRuns = [];
  const referenceRuns = [];
  for (let i = 0; i < runs; i++) {
    oursRuns.push(runOurs());
    referenceRuns.push(runReference());
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const oursSeconds = median(oursRuns.map((run) => run.seconds));
  const referenceSeconds = median(referenceRuns.map((run) => run.seconds));
  return {
    oursSeconds,
    oursInProcessSeconds: median(oursRuns.map((run) => run.inProcessSeconds)),
    referenceSeconds,
    ratio: Number((oursSeconds / referenceSeconds).toFixed(2)),
    oursPeakRssMiB: Math.max(...oursRuns.map((run) => run.peakRssMiB)),
    referencePeakRssMiB: Math.max(...referenceRuns.map((run) => run.peakRssMiB)),
    files: oursRuns[0].files,
    contentBytes: oursRuns[0].contentBytes,
  };
}

function ours(mode, file) {
  const started = performance.now();
  const child = spawnSync(process.execPath, [join(here, "worker.mjs"), mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`worker failed: ${child.stderr}`);
  const report = JSON.parse(child.stdout);
  return { seconds, inProcessSeconds: report.milliseconds / 1000, peakRssMiB: report.maxRssKiB / 1024, files: report.files, contentBytes: report.contentBytes };
}

function reference(args) {
  const started = performance.now();
  const child = spawnSync("/usr/bin/time", ["-f", "%M", "unsquashfs", ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`unsquashfs failed: ${child.stderr}`);
  const lines = child.stderr.trim().split("\n");
  return { seconds, inProcessSeconds: seconds, peakRssMiB: Number(lines[lines.length - 1]) / 1024 };
}

/** Writes a SIF file whose only object is `squashfs` as the primary system partition (layout as in src/sif/format.ts). */
function wrapInSif(squashfs, target) {
  const size = statSync(squashfs).size;
  const dataOffset = 32768;
  const head = Buffer.alloc(dataOffset);
  head.write("#!/usr/bin/env run-singularity\n", 0, "latin1");
  head.write("SIF_MAGIC", 32, "latin1");
  head.write("01", 42, "latin1");
  head.write("02", 45, "latin1");
  head.writeBigInt64LE(47n, 80);
  head.writeBigInt64LE(48n, 88);
  head.writeBigInt64LE(4096n, 96);
  head.writeBigInt64LE(BigInt(48 * 585), 104);
  head.writeBigInt64LE(BigInt(dataOffset), 112);
  head.writeBigInt64LE(BigInt(size), 120);
  const at = 4096;
  head.writeInt32LE(0x4004, at);
  head[at + 4] = 1;
  head.writeUInt32LE(1, at + 5);
  head.writeUInt32LE(0xf0000001, at + 9);
  head.writeBigInt64LE(BigInt(dataOffset), at + 17);
  head.writeBigInt64LE(BigInt(size), at + 25);
  head.writeBigInt64LE(BigInt(size), at + 33);
  head.writeInt32LE(1, at + 201);
  head.writeInt32LE(2, at + 205);
  head.write("02", at + 209, "latin1");

  const out = openSync(target, "w");
  const input = openSync(squashfs, "r");
  try {
    writeSync(out, head);
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      const read = readSync(input, buffer, 0, buffer.length, null);
      if (read === 0) break;
      writeSync(out, buffer, 0, read);
    }
  } finally {
    closeSync(input);
    closeSync(out);
  }
}

function writeSyntheticTree(root, count) {
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${i % 200}`, `e${i % 13}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}`), `file ${i}\n`.repeat(1 + (i % 500)));
  }
}
