import { mkdir, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { DEFAULT_PORT, buildVerdaccioConfig, registryPaths } from "./config.js";
import { RegistryError } from "./control.js";
import type { RegistryOptions } from "./config.js";

const require = createRequire(import.meta.url);

/** A registry listening in this process. */
export interface RunningRegistry {
  /** Base URL without a trailing slash, such as `http://127.0.0.1:4873`. */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

type RunServer = (config: Record<string, unknown>) => Promise<Server>;

/**
 * Starts verdaccio in this process with the checks configuration and resolves
 * once it listens. The config is also written to `<dir>/config.json` so a site
 * can see what runs.
 */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const paths = registryPaths(options);
  const config = buildVerdaccioConfig(options);
  await mkdir(paths.storage, { recursive: true });
  await writeFile(paths.configFile, JSON.stringify(config, null, 2) + "\n");

  // verdaccio is CommonJS; its package entry exports runServer.
  const { runServer } = require("verdaccio") as { runServer: RunServer };
  const server = await runServer(config);
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? DEFAULT_PORT;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const hint = error.code === "EADDRINUSE" ? "another process uses this port; pass another --port" : "check the --host and --port values";
      reject(new RegistryError("START_FAILED", `The registry cannot listen on ${host}:${port} (${error.code ?? error.message}); ${hint}.`, { cause: error }));
    };
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Starts the registry as `startRegistry` does and records its pid and URL in
 * `<dir>/state.json`, which `registryStatus` and the CLI read; closing it
 * removes the file.
 */
export async function startRegistryWithState(options: RegistryOptions): Promise<RunningRegistry> {
  const { stateFile } = registryPaths(options);
  const registry = await startRegistry(options);
  const state = { pid: process.pid, url: registry.url, port: registry.port, dir: options.dir, startedAt: new Date().toISOString() };
  await writeFile(stateFile, JSON.stringify(state, null, 2) + "\n");
  return {
    ...registry,
    close: async () => {
      try {
        await registry.close();
      } finally {
        await rm(stateFile, { force: true });
      }
    },
  };
}
