// pnpm bench: reads the Debian test image (and a ~1 GB image made from it)
// metadata-only and with the official plugins' declared needs, against the
// floor `tar -tzf` over the same gzip layers, in the same run. Each read runs
// in a child process so its peak RSS can be measured.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { createHash } from "node:crypto";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const images = process.env.CHECKS_TEST_IMAGES ?? join(repo, ".cache", "images");
const runs = Number(process.env.BENCH_RUNS ?? 3);

if (!existsSync(join(images, ".oci.done"))) {
  console.log(`bench: no test images in ${images}; run \`pnpm images\` (scripts/build-test-images.sh) first. Nothing measured.`);
  process.exit(0);
}

/** The union of the official plugins' declared content needs, as the engine builds it. */
function officialNeeds() {
  const caps = new Map();
  const add = (glob, maxBytes) => caps.set(glob, Math.max(caps.get(glob) ?? 0, maxBytes));
  const pluginsDir = join(repo, "plugins");
  let plugins = 0;
  for (const name of existsSync(pluginsDir) ? readdirSync(pluginsDir) : []) {
    const bundle = join(pluginsDir, name, "dist", "plugin.js");
    if (name === "example" || !existsSync(bundle)) continue;
    try {
      const exports = runInNewContext(`${readFileSync(bundle, "utf8")};__checksPlugin`, {});
      const plugin = exports.default ?? exports;
      for (const check of plugin.checks ?? []) {
        const needs = check.needs ?? {};
        const globs = needs.content === true ? needs.paths ?? [] : Array.isArray(needs.content) ? needs.content : [];
        for (const glob of globs) add(glob, needs.maxBytes ?? 1024 * 1024);
      }
      plugins++;
    } catch (error) {
      console.error(`bench: could not load ${bundle}: ${error.message}`);
    }
  }
  for (const glob of ["/etc/os-release", "/usr/lib/os-release", "/var/lib/dpkg/status", "/var/lib/dpkg/status.d/*", "/lib/apk/db/installed"]) add(glob, 64 * 1024 * 1024);
  return { needs: [...caps].map(([glob, maxBytes]) => ({ glob, maxBytes })), plugins };
}

function gzipLayers(layout) {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8"));
  const blob = (digest) => join(layout, "blobs", ...digest.split(":"));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), "utf8"));
  return manifest.layers.map((layer) => blob(layer.digest));
}

/** A ~1 GB (unpacked) image: five gzip layers, each the Debian root filesystem under its own folder. */
function bigImage() {
  const dir = join(images, "bench-1g");
  if (existsSync(join(dir, ".done"))) return dir;
  console.error("bench: building the ~1 GB image (once; cached in " + dir + ")");
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const layers = [];
  for (let i = 0; i < 5; i++) {
    const tmp = join(dir, `layer${i}.tar.gz`);
    execFileSync("sh", ["-c", `tar --numeric-owner --sort=name --transform 's,^\\./,./copy${i}/,' -C "$1" -cf - . | gzip -n -6 > "$2"`, "sh", join(images, "rootfs"), tmp]);
    const data = readFileSync(tmp);
    const digest = createHash("sha256").update(data).digest("hex");
    execFileSync("mv", [tmp, join(dir, "blobs", "sha256", digest)]);
    layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: `sha256:${digest}`, size: data.length });
  }
  const put = (value) => {
    const data = Buffer.from(JSON.stringify(value));
    const digest = createHash("sha256").update(data).digest("hex");
    writeFileSync(join(dir, "blobs", "sha256", digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const config = put({ os: "linux", architecture: "amd64", config: {}, rootfs: { type: "layers", diff_ids: [] }, history: [] });
  const manifest = put({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config }, layers });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest }] }));
  writeFileSync(join(dir, ".done"), "");
  return dir;
}

function floor(blobs) {
  const start = performance.now();
  for (const blob of blobs) {
    const result = spawnSync("tar", ["-tzf", blob], { stdio: ["ignore", "ignore", "inherit"] });
    if (result.status !== 0) throw new Error(`tar -tzf ${blob} failed`);
  }
  return performance.now() - start;
}

function child(ref, needs, raw) {
  const out = execFileSync(process.execPath, [join(here, "child.mjs"), ref, JSON.stringify(needs), String(raw)], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").pop());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);

const { needs, plugins } = officialNeeds();
const targets = [
  { name: "Debian bookworm minbase (oci/, 2 gzip layers)", layout: join(images, "oci") },
  { name: "~1 GB image (bench-1g/, 5 gzip layers)", layout: bigImage() },
];

console.log(`Image reader benchmark: median of ${runs} runs, Node ${process.version}, ${process.platform}-${process.arch}`);
console.log(`Content needs: ${needs.length} globs from ${plugins} official plugin bundles plus os-release and package databases.\n`);
console.log("| image | unpacked | entries | tar -tzf (floor) | metadata only | ratio | RSS | with content | ratio | RSS | files with content |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const target of targets) {
  const blobs = gzipLayers(target.layout);
  const floors = [];
  const meta = [];
  const content = [];
  for (let i = 0; i < runs; i++) {
    floors.push(floor(blobs));
    meta.push(child(target.layout, [], false));
    content.push(child(target.layout, needs, true));
  }
  const f = median(floors);
  const m = median(meta.map((r) => r.ms));
  const c = median(content.map((r) => r.ms));
  const unpacked = blobs.reduce((n, blob) => n + Number(execFileSync("sh", ["-c", 'gzip -dc "$1" | wc -c', "sh", blob], { encoding: "utf8" }).trim()), 0);
  console.log(
    `| ${target.name} | ${mb(unpacked)} MB | ${meta[0].entries} | ${(f / 1000).toFixed(2)} s | ${(m / 1000).toFixed(2)} s | ${(m / f).toFixed(2)}x | ${mb(Math.max(...meta.map((r) => r.rssBytes)))} MB | ${(c / 1000).toFixed(2)} s | ${(c / f).toFixed(2)}x | ${mb(Math.max(...content.map((r) => r.rssBytes)))} MB | ${content[0].withContent} |`,
  );
}
