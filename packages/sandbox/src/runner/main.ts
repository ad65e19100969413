/**
 * Entry point of the runner process. The host starts it under Node's
 * permission model: no fs write, no child processes, no workers, and fs read
 * only for this file, the bootstrap, isolated-vm and the plugin bundles.
 * Where the kernel allows it, the runner has a network namespace with only
 * loopback. It receives the image data and then one plugin at a time over the
 * IPC channel, and runs each plugin in its own isolate.
 */
import { readFileSync } from "node:fs";
import { openImage, readImage } from "@checks/image";
import { createRequire } from "node:module";
import { networkInterfaces } from "node:os";
import type ivm from "isolated-vm";
import type { HostMessage, OpenImageMessage } from "../protocol.js";
import { RunnerCache } from "./cache.js";
import { runPlugin } from "./run-plugin.js";
import type { PluginOutcome } from "./run-plugin.js";

interface PermissionApi {
  has(scope: string, reference?: string): boolean;
}

const send = (message: unknown): void => {
  process.send?.(message);
};

function permissionModelActive(): boolean {
  const permission = (process as unknown as { permission?: PermissionApi }).permission;
  if (!permission) return false;
  return !permission.has("fs.write") && !permission.has("child") && !permission.has("worker");
}

// The host passes the resolved entry file of isolated-vm, so module resolution
// needs no read access to the node_modules folders around this file.
const isolatedVm = createRequire(import.meta.url)(process.argv[2]!) as typeof ivm;
const bootstrapSource = readFileSync(new URL("./bootstrap.js", import.meta.url), "utf8");
let cache = new RunnerCache(isolatedVm, { info: { name: "", format: "none" }, files: [] });

/** Opens and reads the image in this process, so a parser bug lands behind the permission flags. */
async function openAndRead(message: OpenImageMessage): Promise<void> {
  try {
    const opened = await openImage(message.ref, message.platform === undefined ? {} : { platform: message.platform });
    const data = await readImage(opened, { content: message.needs.content, rawLayers: message.needs.rawLayers });
    cache = new RunnerCache(isolatedVm, data);
    send({ type: "image-ready", files: data.files.length });
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "IMAGE_FAILED";
    send({ type: "image-failed", code: code.slice(0, 100), message: (error instanceof Error ? error.message : String(error)).slice(0, 4096) });
  }
}

process.on("message", (message: HostMessage) => {
  if (message.type === "image") {
    cache = new RunnerCache(isolatedVm, message.data);
    send({ type: "image-ready", files: message.data.files.length });
    return;
  }
  if (message.type === "open-image") {
    void openAndRead(message);
    return;
  }
  if (message.type === "plugin") {
    send({ type: "plugin-started", pluginIndex: message.pluginIndex });
    let outcome: PluginOutcome;
    try {
      outcome = runPlugin(isolatedVm, message, cache, bootstrapSource, (checkId) => {
        send({ type: "check-started", pluginIndex: message.pluginIndex, checkId });
      });
    } catch (error) {
      // An internal failure of the runner, reported like a crash so the scan goes on.
      const reason = `The runner failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 4096);
      outcome = { durationMs: 0, error: { code: "RUNNER_CRASHED", phase: "run", message: reason }, checks: [] };
    }
    send({ type: "plugin-result", pluginIndex: message.pluginIndex, ...outcome });
  }
});

// The host ends the runner by closing the channel.
process.on("disconnect", () => process.exit(0));

send({
  type: "ready",
  nodeVersion: process.versions.node,
  permissionModel: permissionModelActive(),
  interfaces: Object.keys(networkInterfaces()),
});
