// Sandbox benchmarks: isolate start cost, per-call cost across the isolate
// boundary, memory of an idle isolate, and 50 plugins against 1 plugin on the
// same image data. Run with `pnpm bench` after `pnpm build`.
import console from "node:console";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { URL, fileURLToPath } from "node:url";
import { TextEncoder } from "node:util";
import { build } from "esbuild";
import { PluginManifestSchema } from "@checks/sdk/host";
import { DEFAULT_LIMITS, runPlugins } from "../dist/index.js";
import { RunnerCache } from "../dist/runner/cache.js";
import { runPlugin } from "../dist/runner/run-plugin.js";

const require = createRequire(import.meta.url);
const ivm = require("isolated-vm");
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const bootstrapSource = readFileSync(new URL("../dist/bootstrap.js", import.meta.url), "utf8");

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const ms = (value) => `${value.toFixed(2)} ms`;

function isolateStart(iterations) {
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const isolate = new ivm.Isolate({ memoryLimit: 128 });
    const context = isolate.createContextSync();
    isolate.compileScriptSync(bootstrapSource).runSync(context);
    times.push(performance.now() - started);
    isolate.dispose();
  }
  return median(times);
}

function bridgeCall(iterations) {
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = isolate.createContextSync();
  const echo = context.evalSync("(request) => JSON.stringify({ result: JSON.parse(request) })", { reference: true });
  const request = JSON.stringify({ checkId: "probe", options: {}, maxFindings: 1000 });
  for (let i = 0; i < 1000; i++) echo.applySync(undefined, [request], { timeout: 1000 });
  const started = performance.now();
  for (let i = 0; i < iterations; i++) echo.applySync(undefined, [request], { timeout: 1000 });
  const perCall = (performance.now() - started) / iterations;
  isolate.dispose();
  return perCall;
}

function idleMemory(count) {
  const isolates = [];
  const heaps = [];
  for (let i = 0; i < count; i++) {
    const isolate = new ivm.Isolate({ memoryLimit: 128 });
    const context = isolate.createContextSync();
    isolate.compileScriptSync(bootstrapSource).runSync(context);
    isolates.push({ isolate, context });
    heaps.push(isolate.getHeapStatisticsSync());
  }
  const used = median(heaps.map((heap) => heap.used_heap_size));
  const total = median(heaps.map((heap) => heap.total_heap_size));
  for (const { isolate } of isolates) isolate.dispose();
  return { used, total };
}

/** Image data with `count` files in /usr and /etc, 1 KiB of content for each file under /etc. */
function imageData(count) {
  const files = [{ path: "/", type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 }];
  for (const folder of ["/etc", "/usr", "/usr/share"]) files.push({ path: folder, type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 });
  const passwd = new TextEncoder().encode("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");
  files.push({ path: "/etc/passwd", type: "file", mode: 0o644, uid: 0, gid: 0, size: passwd.length, layer: 0, content: passwd });
  const content = new Uint8Array(1024).fill(65);
  for (let i = 0; i < count; i++) {
    const inEtc = i % 10 === 0;
    const path = inEtc ? `/etc/file-${i}.conf` : `/usr/share/file-${i}`;
    files.push({ path, type: "file", mode: 0o644, uid: 0, gid: 0, size: 1024, layer: 0, ...(inEtc ? { content } : {}) });
  }
  return { info: { name: "bench", format: "rootfs" }, files, config: { env: {}, labels: {}, exposedPorts: [], volumes: [], history: [] } };
}

/**
 * Two workloads. "one-file" reads /etc/passwd, like most configuration checks.
 * "walk" walks and reads every file under /etc: 2000 files of 1 KiB at the default size.
 */
const WORKLOADS = {
  "one-file": {
    needs: { paths: ["/etc/passwd"], content: true },
    body: `for (const line of (image.files.readText("/etc/passwd") ?? "").split("\\n")) {
        if (line.split(":")[2] === "0" && !line.startsWith("root:")) report({ messageId: "large", data: { path: line } });
      }`,
  },
  walk: {
    needs: { paths: ["/etc/**"], content: true },
    body: `for (const stat of image.files.walk("/etc/*.conf")) {
        const text = image.files.readText(stat.path) ?? "";
        if (text.length > 100000) report({ messageId: "large", data: { path: stat.path } });
      }`,
  },
};

async function pluginBundle(directory, workload) {
  const source = `
    import { defineCheck, definePlugin } from "@checks/sdk";
    export default definePlugin({ checks: [defineCheck({
      id: "conf-files", title: "Config files", description: "", level: "low", tags: [], remediation: "",
      messages: { large: { text: "{{path}} is large", severity: "info" } },
      needs: ${JSON.stringify(WORKLOADS[workload].needs)},
      run({ image, report }) {
        ${WORKLOADS[workload].body}
      },
    })] });`;
  const outfile = join(directory, `${workload}.js`);
  await build({ stdin: { contents: source, resolveDir: packageRoot, loader: "ts" }, bundle: true, format: "iife", globalName: "__checksPlugin", platform: "neutral", mainFields: ["module", "main"], outfile, logLevel: "silent" });
  return outfile;
}

/**
 * Measures what the runner spends on one "one-file" plugin, in this process
 * and without IPC: fresh isolate, data copy, bundle, check, result. The caches
 * are warm, as they are for every plugin after the first.
 */
async function runnerCostPerPlugin(iterations) {
  const directory = mkdtempSync(join(tmpdir(), "checks-sandbox-bench-"));
  const bundleFile = await pluginBundle(directory, "one-file");
  const needs = { paths: ["/etc/passwd"], content: ["/etc/passwd"], maxBytes: 1024 * 1024, capabilities: [] };
  const cache = new RunnerCache(ivm, imageData(2000));
  const request = {
    type: "plugin",
    pluginIndex: 0,
    name: "checks-plugin-bench",
    bundleFile,
    checks: [{ id: "conf-files", needs, messages: { large: { text: "{{path}} is large", severity: "info" } }, options: {} }],
    limits: { ...DEFAULT_LIMITS },
  };
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    const outcome = runPlugin(ivm, request, cache, bootstrapSource, () => {});
    times.push(performance.now() - started);
    if (outcome.error || outcome.checks[0]?.error) throw new Error(`Benchmark plugin failed: ${JSON.stringify(outcome)}`);
  }
  return { median: median(times), min: Math.min(...times) };
}

/** Runs 1 and then 50 "one-file" plugins on an image file that the runner opens and reads itself. */
async function pathScaling(ref, runs) {
  const directory = mkdtempSync(join(tmpdir(), "checks-sandbox-bench-"));
  const bundle = await pluginBundle(directory, "one-file");
  const manifest = PluginManifestSchema.parse({
    apiVersion: "^1.0.0",
    bundle: "plugin.js",
    checks: [{ id: "conf-files", title: "Config files", level: "low", messages: { large: { text: "{{path}} is large", severity: "info" } }, needs: WORKLOADS["one-file"].needs }],
  });
  const job = (count) => ({
    image: { kind: "path", ref, needs: { content: [{ glob: "/etc/passwd", maxBytes: 1024 * 1024 }], rawLayers: false } },
    plugins: Array.from({ length: count }, (_, i) => ({ name: `checks-plugin-bench-${i}`, version: "1.0.0", bundleFile: bundle, manifest, checkIds: ["conf-files"], options: {} })),
  });
  const timings = { 1: [], 50: [] };
  for (let run = 0; run < runs; run++) {
    for (const count of [1, 50]) {
      const started = performance.now();
      const result = await runPlugins(job(count));
      timings[count].push(performance.now() - started);
      if (result.plugins.some((plugin) => plugin.error)) throw new Error(`Benchmark plugins failed: ${JSON.stringify(result.plugins[0])}`);
    }
  }
  return { one: median(timings[1]), fifty: median(timings[50]) };
}

async function pluginScaling(fileCount, runs, workload) {
  const directory = mkdtempSync(join(tmpdir(), "checks-sandbox-bench-"));
  const bundle = await pluginBundle(directory, workload);
  const manifest = PluginManifestSchema.parse({
    apiVersion: "^1.0.0",
    bundle: "plugin.js",
    checks: [{ id: "conf-files", title: "Config files", level: "low", messages: { large: { text: "{{path}} is large", severity: "info" } }, needs: WORKLOADS[workload].needs }],
  });
  const data = imageData(fileCount);
  const job = (count) => ({
    image: { kind: "data", data },
    plugins: Array.from({ length: count }, (_, i) => ({ name: `checks-plugin-bench-${i}`, version: "1.0.0", bundleFile: bundle, manifest, checkIds: ["conf-files"], options: {} })),
  });
  const timings = { 1: [], 50: [] };
  for (let run = 0; run < runs; run++) {
    for (const count of [1, 50]) {
      const started = performance.now();
      const result = await runPlugins(job(count));
      timings[count].push(performance.now() - started);
      const failed = result.plugins.filter((plugin) => plugin.error || plugin.checks.some((check) => check.status === "error"));
      if (failed.length > 0) throw new Error(`Benchmark plugins failed: ${JSON.stringify(failed[0])}`);
    }
  }
  return { one: median(timings[1]), fifty: median(timings[50]) };
}

const fileCount = Number(process.env.BENCH_FILES ?? 20000);
const load = () => loadavg().map((value) => value.toFixed(1)).join(" ");
console.log(`node ${process.versions.node}, ${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, load average ${load()}`);
console.log(`isolate start (create, context, bootstrap), median of 50: ${ms(isolateStart(50))}`);
console.log(`call into the isolate (JSON string in and out), mean of 10000: ${(bridgeCall(10000) * 1000).toFixed(1)} µs`);
const perPlugin = await runnerCostPerPlugin(60);
console.log(`runner cost of one "one-file" plugin without IPC, 60 runs: median ${ms(perPlugin.median)}, min ${ms(perPlugin.min)}`);
const memory = idleMemory(20);
console.log(`idle isolate after bootstrap, median of 20: used heap ${(memory.used / 1024 / 1024).toFixed(2)} MiB, total heap ${(memory.total / 1024 / 1024).toFixed(2)} MiB`);
for (const workload of Object.keys(WORKLOADS)) {
  const scaling = await pluginScaling(fileCount, 5, workload);
  console.log(
    `runPlugins, "${workload}" check, ${fileCount} files (${fileCount / 10} with 1 KiB content), median of 5: ` +
      `1 plugin ${ms(scaling.one)}, 50 plugins ${ms(scaling.fifty)}, ratio ${(scaling.fifty / scaling.one).toFixed(2)}x`,
  );
}
const imageFile = process.env.BENCH_IMAGE ?? fileURLToPath(new URL("../../../.cache/images/oci.tar", import.meta.url));
if (existsSync(imageFile)) {
  const scaling = await pathScaling(imageFile, 3);
  console.log(
    `runPlugins, "one-file" check, image ${imageFile} read in the runner, median of 3: ` +
      `1 plugin ${ms(scaling.one)}, 50 plugins ${ms(scaling.fifty)}, ratio ${(scaling.fifty / scaling.one).toFixed(2)}x`,
  );
} else {
  console.log(`skipped the image-file benchmark: ${imageFile} does not exist (build it with \`pnpm images\` or set BENCH_IMAGE)`);
}
console.log(`load average at the end: ${load()}`);
