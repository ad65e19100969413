import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Files of the built runner; both `src/` and `dist/` sit one level below the package folder. */
export function runnerFiles(): { runner: string; bootstrap: string; distDir: string } {
  const distDir = fileURLToPath(new URL("../dist/", import.meta.url));
  return { runner: distDir + "runner.mjs", bootstrap: distDir + "bootstrap.js", distDir };
}

/**
 * Returns the flag that enables Node's permission model: `--permission` from
 * Node 23.5, where the model became stable, and `--experimental-permission`
 * before. Node 20.20 accepts only the latter and Node 24.22 only the former;
 * Node 22.23 accepts both.
 */
export function permissionFlag(version: string = process.versions.node): string {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 5) ? "--permission" : "--experimental-permission";
}

let unshareCommand: string | null | undefined;

/**
 * Returns the absolute path of `unshare` when `unshare -rn` can create a user
 * and network namespace here, or null. The result is cached per process.
 */
export function networkNamespaceCommand(): string | null {
  if (unshareCommand === undefined) {
    const candidates = (process.env.PATH ?? "/usr/bin:/bin").split(delimiter).map((folder) => join(folder, "unshare"));
    const command = candidates.find((candidate) => isAbsolute(candidate) && existsSync(candidate));
    const probe = command === undefined ? undefined : spawnSync(command, ["-rn", "true"], { stdio: "ignore", timeout: 5000, env: {} });
    unshareCommand = probe !== undefined && probe.error === undefined && probe.status === 0 ? command! : null;
  }
  return unshareCommand;
}

export interface StartedRunner {
  child: ChildProcess;
  /** True when the runner was started inside `unshare -rn`. */
  inNamespace: boolean;
}

/**
 * Starts a runner process with the permission model. It may read only the
 * runner's own files, isolated-vm and the given paths, which are the plugin
 * bundles and an image the runner reads itself. It gets no fs write,
 * no child processes and no workers. `--allow-addons` lets it load
 * isolated-vm, which needs `--no-node-snapshot` on Node 20.
 */
export function startRunner(readablePaths: readonly string[], isolateNetwork: boolean): StartedRunner {
  const files = runnerFiles();
  const isolatedVmEntry = createRequire(files.runner).resolve("isolated-vm");
  const readable = [realpathSync(files.distDir), realpathSync(dirname(isolatedVmEntry)), ...readablePaths];
  const nodeArguments = [
    permissionFlag(),
    ...unique(readable).map((path) => `--allow-fs-read=${path}`),
    "--allow-addons",
    "--no-node-snapshot",
    "--no-warnings",
    realpathSync(files.runner),
    realpathSync(isolatedVmEntry),
  ];
  const unshare = isolateNetwork ? networkNamespaceCommand() : null;
  const inNamespace = unshare !== null;
  const [command, args] = unshare !== null ? [unshare, ["-rn", process.execPath, ...nodeArguments]] : [process.execPath, nodeArguments];
  const child = spawn(command, args, {
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
    // The runner gets no inherited variables: nothing in it needs them, and they may hold secrets.
    env: {},
  });
  return { child, inNamespace };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
