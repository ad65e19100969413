// Bundles the runner process and the isolate bootstrap. Both are single files
// so the runner needs read access to nothing but dist/ and isolated-vm.
import { build } from "esbuild";

await build({
  entryPoints: ["src/runner/main.ts"],
  outfile: "dist/runner.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["isolated-vm"],
  logLevel: "warning",
});

await build({
  entryPoints: ["src/isolate/bootstrap.ts"],
  outfile: "dist/bootstrap.js",
  bundle: true,
  platform: "neutral",
  format: "iife",
  target: "es2022",
  mainFields: ["module", "main"],
  logLevel: "warning",
});
