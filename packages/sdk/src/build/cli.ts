#!/usr/bin/env node
import { parseArgs } from "node:util";
import { PluginBuildError, buildPlugin } from "./index.js";

const usage = `Usage: checks-plugin build [DIR] [--entry FILE] [--check]

Bundles the plugin in DIR (default: the current folder) into the file named by
"checks.bundle" in package.json (default dist/plugin.js), writes the metadata of
its checks into "checks.checks", and validates the manifest.

  --entry FILE  entry module, relative to DIR (default src/index.ts)
  --check       fail instead of updating package.json when it is out of date
`;

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { entry: { type: "string" }, check: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  const [command, dir] = positionals;
  if (values.help || command !== "build") {
    process.stdout.write(usage);
    return values.help ? 0 : 2;
  }

  try {
    const result = await buildPlugin({ dir: dir ?? process.cwd(), entry: values.entry, check: values.check });
    const ids = result.checks.map((check) => check.id).join(", ");
    process.stdout.write(`Built ${result.bundleFile} (${result.bundleBytes} bytes) with ${result.checks.length} checks: ${ids}\n`);
    if (result.manifestUpdated) process.stdout.write(`Updated "checks" in package.json.\n`);
    return 0;
  } catch (error) {
    if (error instanceof PluginBuildError) {
      process.stderr.write(`checks-plugin: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await run(process.argv.slice(2));
