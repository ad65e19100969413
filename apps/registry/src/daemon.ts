/**
 * Entry point of the detached registry process started by `startRegistryDaemon`:
 * `node daemon.js OPTIONS_FILE`. It writes the state file once it listens and
 * removes it when it stops.
 */
import { readFile } from "node:fs/promises";
import type { RegistryOptions } from "./config.js";
import { startRegistryWithState } from "./server.js";

const optionsFile = process.argv[2];
if (!optionsFile) {
  process.stderr.write("usage: daemon.js OPTIONS_FILE\n");
  process.exit(2);
}

const options = JSON.parse(await readFile(optionsFile, "utf8")) as RegistryOptions;
const registry = await startRegistryWithState(options);
process.stderr.write(`checks registry: listening on ${registry.url} (pid ${process.pid})\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`checks registry: stopping on ${signal}\n`);
  try {
    await registry.close();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
