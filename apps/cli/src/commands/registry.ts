import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { text } from "node:stream/consumers";
import type { Command } from "commander";
import { DEFAULT_PORT, RegistryError, addRegistryUser, createRegistryUser, readRegistrySettings, registryOptionsFrom, registryStatus, startRegistryDaemon, startRegistryWithState, stopRegistryDaemon } from "@checks/registry";
import type { RegistryOptions } from "@checks/registry";
import { nerfDart } from "@checks/marketplace";
import { EXIT, UserError } from "../errors.js";
import { resolveDirs } from "../home.js";

function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

async function asUserError<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof RegistryError) throw new UserError(error.message, EXIT.usage, { cause: error });
    throw error;
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a whole number from 0 to 65535 (received "${value}").`);
  return port;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parseUplinks(values: string[]): RegistryOptions["uplinks"] {
  const uplinks: NonNullable<RegistryOptions["uplinks"]> = {};
  for (const value of values) {
    const equals = value.indexOf("=");
    if (equals <= 0) throw new UserError(`--uplink takes NAME=URL such as "mirror=http://127.0.0.1:5000" (received "${value}").`);
    uplinks[value.slice(0, equals)] = { url: value.slice(equals + 1) };
  }
  return uplinks;
}

/**
 * Stores a token for `url` in the npmrc file, replacing an older token for
 * the same registry. The file is readable by its owner only.
 */
async function saveToken(npmrcFile: string, url: string, token: string): Promise<void> {
  const key = `${nerfDart(url)}:_authToken`;
  const existing = await readFile(npmrcFile, "utf8").catch(() => "");
  const lines = existing.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith(`${key}=`));
  lines.push(`${key}=${token}`);
  await mkdir(dirname(npmrcFile), { recursive: true });
  await writeFile(npmrcFile, lines.join("\n") + "\n", { mode: 0o600 });
  await chmod(npmrcFile, 0o600);
}

interface StartFlags {
  port?: string;
  host?: string;
  storage?: string;
  scope?: string[];
  uplink?: string[];
  publisher?: string[];
  foreground?: boolean;
}

export function register(program: Command): void {
  const registry = program.command("registry").description("Run the embedded plugin registry (verdaccio) with storage in the data folder.");

  registry
    .command("start")
    .description("Start the embedded registry in the background, or report the one already running. Defaults come from <config>/registry.json.")
    .option("--port <port>", `TCP port to listen on; 0 picks a free port (default: ${DEFAULT_PORT})`)
    .option("--host <address>", "address to listen on (default: 127.0.0.1)")
    .option("--storage <dir>", "package storage folder (default: <data>/registry/storage)")
    .option("--scope <@scope>", "a site scope that, like @checks, is never proxied to an uplink; repeatable", collect)
    .option("--uplink <name=url>", "an upstream registry for packages outside the protected scopes; repeatable (default: none)", collect)
    .option("--publisher <user>", "a user allowed to publish under @checks and the site scopes; repeatable (default: every user)", collect)
    .option("--foreground", "run in this process until interrupted instead of in the background")
    .action(async (flags: StartFlags) => {
      const dirs = resolveDirs();
      const dir = join(dirs.data, "registry");
      const settings = await asUserError(readRegistrySettings(join(dirs.config, "registry.json")));
      const options = registryOptionsFrom(dir, settings, {
        host: flags.host,
        port: flags.port === undefined ? undefined : parsePort(flags.port),
        storage: flags.storage === undefined ? undefined : resolve(flags.storage),
        scopes: flags.scope,
        uplinks: flags.uplink === undefined ? undefined : parseUplinks(flags.uplink),
        publishers: flags.publisher,
      });

      if (flags.foreground) {
        const status = await registryStatus(dir);
        if (status.running) throw new UserError(`The registry already runs at ${status.state?.url} (pid ${status.state?.pid}); stop it with "checks registry stop" first.`);
        const running = await asUserError(startRegistryWithState(options));
        print(`Registry listening on ${running.url}; log: ${join(dir, "registry.log")}. Stop it with Ctrl-C.`);
        await new Promise<void>((done) => {
          const stop = () => void running.close().then(done);
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        return;
      }
      const { state, started } = await asUserError(startRegistryDaemon(options));
      print(`${started ? "Started" : "Already running:"} registry at ${state.url} (pid ${state.pid}); log: ${join(dir, "registry.log")}`);
    });

  registry
    .command("status")
    .description("Show whether the embedded registry runs; exits with 1 when it does not.")
    .option("--json", "print the status as JSON")
    .action(async (flags: { json?: boolean }) => {
      const status = await registryStatus(join(resolveDirs().data, "registry"));
      if (!status.running) process.exitCode = EXIT.findings;
      if (flags.json) return print(JSON.stringify(status, null, 2));
      if (status.running && status.state) print(`running at ${status.state.url} (pid ${status.state.pid}, since ${status.state.startedAt}); log: ${status.logFile}`);
      else print(`not running; start it with "checks registry start". Log: ${status.logFile}`);
    });

  registry
    .command("stop")
    .description("Stop the embedded registry.")
    .action(async () => {
      const stopped = await asUserError(stopRegistryDaemon(join(resolveDirs().data, "registry")));
      print(stopped ? "Stopped the registry." : "The registry was not running.");
    });

  registry
    .command("adduser")
    .description("Add a publishing user to the embedded registry (or sign in to another) and store its token in <config>/npmrc.")
    .requiredOption("--name <user>", "user name")
    .option("--password-stdin", "read the password from standard input instead of CHECKS_REGISTRY_PASSWORD")
    .option("--registry <url>", "registry URL (default: the running embedded registry)")
    .action(async (flags: { name: string; passwordStdin?: boolean; registry?: string }) => {
      const dirs = resolveDirs();
      const registryDir = join(dirs.data, "registry");
      const status = await registryStatus(registryDir);
      const url = (flags.registry ?? status.state?.url)?.replace(/\/+$/, "");
      if (url === undefined) throw new UserError('No registry runs; start one with "checks registry start" or pass --registry.');
      const password = flags.passwordStdin ? (await text(process.stdin)).trim() : process.env.CHECKS_REGISTRY_PASSWORD;
      if (!password) throw new UserError("Pass the password on standard input with --password-stdin, or in CHECKS_REGISTRY_PASSWORD.");
      // Self-registration is closed on the embedded registry, so its users go straight into its htpasswd file.
      if (url === status.state?.url) await asUserError(addRegistryUser(registryDir, flags.name, password));
      const token = await asUserError(createRegistryUser(url, flags.name, password));
      const npmrcFile = join(dirs.config, "npmrc");
      await saveToken(npmrcFile, url, token);
      print(`Logged in as ${flags.name} on ${url}; the token is stored in ${npmrcFile}.`);
    });
}
