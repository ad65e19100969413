import { mkdir, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { DEFAULT_PORT, buildVerdaccioConfig, registryPaths } from "./config.js";
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
