// One measurement in a fresh process, so that peak RSS belongs to this read alone.
// Usage: node child.mjs IMAGE NEEDS_JSON RAW_LAYERS
import { openImage, readImage } from "../dist/index.js";

const [ref, needsJson, raw] = process.argv.slice(2);
const content = JSON.parse(needsJson ?? "[]");
const start = performance.now();
const image = await openImage(ref);
let entries = 0;
const data = await readImage(image, {
  content,
  rawLayers: raw === "true",
  onProgress: (event) => {
    if (event.phase === "layer" && event.done) entries += event.entries;
  },
});
const ms = performance.now() - start;
await image.close();
const withContent = data.files.filter((file) => file.content !== undefined).length;
process.stdout.write(JSON.stringify({ ms, rssBytes: process.resourceUsage().maxRSS * 1024, files: data.files.length, entries, withContent }) + "\n");
