import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import bcrypt from "bcryptjs";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { registryPaths } from "./config.js";
import type { RegistryOptions } from "./config.js";

/** Contents of `<dir>/state.json`, written by the running registry process. */
export interface RegistryState {
  pid: number;
  url: string;
  port: number;
  dir: string;
  startedAt: string;
}

export type RegistryErrorCode = "START_FAILED" | "START_TIMEOUT" | "STOP_TIMEOUT" | "NOT_RESPONDING" | "USER_FAILED" | "UNREACHABLE" | "INVALID_SETTINGS";

/** A failure to start, stop or talk to the embedded registry. */
export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RegistryError";
  }
}

/** Reads the state file; undefined when there is none or it is unreadable. */
export async function readRegistryState(dir: string): Promise<RegistryState | undefined> {
  try {
    const state = JSON.parse(await readFile(registryPaths({ dir }).stateFile, "utf8")) as Partial<RegistryState>;
    if (typeof state.pid !== "number" || typeof state.url !== "string" || typeof state.port !== "number") return undefined;
    return state as RegistryState;
  } catch {
    return undefined;
  }
}

/** Returns true when `url` responds to verdaccio's `/-/ping` within `timeoutMs`. */
export async function pingRegistry(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/-/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RegistryStatus {
  running: boolean;
  state?: RegistryState;
  logFile: string;
}

/** Reports whether the registry of `dir` runs and responds. A state file left by a dead process counts as stopped. */
export async function registryStatus(dir: string): Promise<RegistryStatus> {
  const { logFile } = registryPaths({ dir });
  const state = await readRegistryState(dir);
  if (!state || !isAlive(state.pid)) return { running: false, logFile };
  return { running: await pingRegistry(state.url), state, logFile };
}

export interface StartResult {
  state: RegistryState;
  /** False when a registry of this folder already ran and was reused. */
  started: boolean;
}

/** Returns the compiled daemon entry. Tests run this module from src, where only the TypeScript source exists, so it falls back to dist. */
function daemonScript(): string {
  const sibling = fileURLToPath(new URL("./daemon.js", import.meta.url));
  return existsSync(sibling) ? sibling : fileURLToPath(new URL("../dist/daemon.js", import.meta.url));
}

/**
 * Starts the registry of `options.dir` as a detached background process and
 * resolves once it responds, or reuses the one already running there. Its
 * output goes to `<dir>/registry.log`.
 */
export async function startRegistryDaemon(options: RegistryOptions, timeoutMs = 30_000): Promise<StartResult> {
  const status = await registryStatus(options.dir);
  if (status.running && status.state) return { state: status.state, started: false };

  const paths = registryPaths(options);
  await mkdir(paths.dir, { recursive: true });
  await rm(paths.stateFile, { force: true });
  const optionsFile = `${paths.dir}/daemon-options.json`;
  await writeFile(optionsFile, JSON.stringify(options, null, 2) + "\n");

  const log = await open(paths.logFile, "a");
  let exitCode: number | null = null;
  const child = spawn(process.execPath, [daemonScript(), optionsFile], { detached: true, stdio: ["ignore", log.fd, log.fd] });
  child.once("exit", (code) => (exitCode = code ?? -1));
  child.unref();
  await log.close();

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== null) {
      throw new RegistryError("START_FAILED", `The registry process exited with code ${exitCode} before it listened; see ${paths.logFile}. A common cause is a port already in use: pass another --port.`);
    }
    const state = await readRegistryState(options.dir);
    if (state && state.pid === child.pid && (await pingRegistry(state.url))) return { state, started: true };
    await sleep(100);
  }
  throw new RegistryError("START_TIMEOUT", `The registry did not respond within ${timeoutMs} ms; see ${paths.logFile}.`);
}

/** Stops the registry of `dir`; resolves to false when none was running. */
export async function stopRegistryDaemon(dir: string, timeoutMs = 15_000): Promise<boolean> {
  const state = await readRegistryState(dir);
  if (!state || !isAlive(state.pid)) {
    await rm(registryPaths({ dir }).stateFile, { force: true });
    return false;
  }
  // A pid from an old state file may belong to an unrelated process by now, so only a registry that responds gets the signal.
  if (!(await pingRegistry(state.url))) {
    throw new RegistryError("NOT_RESPONDING", `Process ${state.pid} from ${registryPaths({ dir }).stateFile} does not respond as a registry at ${state.url}; if it is the registry, stop it with "kill ${state.pid}", then delete the state file.`);
  }
  process.kill(state.pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(state.pid)) {
      await rm(registryPaths({ dir }).stateFile, { force: true });
      return true;
    }
    await sleep(100);
  }
  throw new RegistryError("STOP_TIMEOUT", `The registry process ${state.pid} did not stop within ${timeoutMs} ms; stop it with "kill ${state.pid}".`);
}

async function putUser(url: string, name: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(`${url}/-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ name, password }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new RegistryError("UNREACHABLE", `The registry at ${url} did not respond; start it with "checks registry start".`, { cause: error });
  }
}

/**
 * Signs in to the registry and returns the auth token for publishing. A user
 * that does not exist is created through the adduser API, which verdaccio
 * allows only while self-registration is open (`maxUsers`).
 */
export async function createRegistryUser(url: string, name: string, password: string): Promise<string> {
  let response = await putUser(url, name, password);
  // verdaccio answers 409 for an existing user; npm then logs in with Basic authentication.
  if (response.status === 409) {
    response = await putUser(url, name, password, { authorization: `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}` });
  }
  const body = (await response.json().catch(() => ({}))) as { token?: unknown; error?: unknown };
  if (!response.ok || typeof body.token !== "string") {
    const reason = typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
    throw new RegistryError("USER_FAILED", `Creating or logging in user "${name}" on ${url} failed: ${reason}. Check the password; on the embedded registry, add the user with "checks registry adduser".`);
  }
  return body.token;
}

const USER_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Adds a user to the htpasswd file of the registry in `dir`, or sets the
 * password of an existing one, with a bcrypt hash. verdaccio rereads the
 * file on the next sign-in, so a running registry picks up the change.
 */
export async function addRegistryUser(dir: string, name: string, password: string): Promise<void> {
  if (!USER_PATTERN.test(name)) {
    throw new RegistryError("USER_FAILED", `Invalid user name "${name}": use lower-case letters, digits, ".", "_" and "-", at most 64 characters.`);
  }
  if (password.length < 8) throw new RegistryError("USER_FAILED", `The password for "${name}" is too short: use at least 8 characters.`);
  const { htpasswd } = registryPaths({ dir });
  const existing = await readFile(htpasswd, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const hash = await bcrypt.hash(password, 10);
  const lines = existing.split("\n").filter((line) => line.trim() !== "" && !line.startsWith(`${name}:`));
  lines.push(`${name}:${hash}:autocreated ${new Date().toISOString()}`);
  await mkdir(dir, { recursive: true });
  const temporary = `${htpasswd}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, lines.join("\n") + "\n", { mode: 0o600 });
  await rename(temporary, htpasswd);
}

/**
 * Returns a publish token for the registry of `dir` as the local publisher
 * user, whose random password is kept in `<dir>/publisher.json` (mode 0600).
 * The seed and release scripts publish with it.
 */
export async function publisherToken(dir: string, url: string): Promise<string> {
  const file = `${dir}/publisher.json`;
  let credentials: { name: string; password: string };
  try {
    credentials = JSON.parse(await readFile(file, "utf8")) as { name: string; password: string };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    credentials = { name: "checks-publisher", password: randomBytes(24).toString("base64url") };
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(credentials) + "\n", { mode: 0o600, flag: "wx" });
    await addRegistryUser(dir, credentials.name, credentials.password);
  }
  return createRegistryUser(url, credentials.name, credentials.password);
}
