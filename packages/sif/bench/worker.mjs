// Runs one read in its own process so that its peak RSS can be reported alone.
// Usage: node worker.mjs metadata|content FILE.sif
import { performance } from "node:perf_hooks";
import process from "node:process";
import { readSifImage } from "../dist/index.js";

const [mode, file] = process.argv.slice(2);
const content = mode === "content" ? [{ glob: "/**", maxBytes: Number.MAX_SAFE_INTEGER }] : [];
const started = performance.now();
const data = await readSifImage(file, { content });
const milliseconds = performance.now() - started;
let bytes = 0;
for (const record of data.files) bytes += record.content?.length ?? 0;
process.stdout.write(JSON.stringify({ milliseconds, files: data.files.length, contentBytes: bytes, maxRssKiB: process.resourceUsage().maxRSS }));
