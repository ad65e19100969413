/**
 * Normalizes a Docker or OCI image config (the two share field names) into the
 * SDK's ImageConfig. Untrusted JSON: every field is type-checked and anything
 * unexpected is dropped rather than trusted.
 */
import type { HealthcheckRecord, HistoryRecord, ImageConfig } from "@checks/sdk";

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === "string");
}

function keys(value: unknown): string[] {
  return isObject(value) ? Object.keys(value).sort() : [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [key, item] of Object.entries(value)) if (typeof item === "string") out[key] = item;
  return out;
}

function nanosToSeconds(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value / 1e9 : undefined;
}

export function normalizeConfig(raw: unknown): ImageConfig {
  const root = isObject(raw) ? raw : {};
  const config = isObject(root.config) ? root.config : isObject(root.container_config) ? root.container_config : {};

  const env: Record<string, string> = {};
  for (const item of strings(config.Env) ?? []) {
    const at = item.indexOf("=");
    if (at === -1) env[item] = "";
    else env[item.slice(0, at)] = item.slice(at + 1);
  }

  const history: HistoryRecord[] = [];
  if (Array.isArray(root.history)) {
    for (const item of root.history) {
      if (!isObject(item)) continue;
      const record: HistoryRecord = {};
      const createdBy = str(item.created_by);
      const created = str(item.created);
      const comment = str(item.comment);
      if (createdBy !== undefined) record.createdBy = createdBy;
      if (created !== undefined) record.created = created;
      if (comment !== undefined) record.comment = comment;
      if (item.empty_layer === true) record.emptyLayer = true;
      history.push(record);
    }
  }

  const result: ImageConfig = {
    env,
    labels: stringMap(config.Labels),
    exposedPorts: keys(config.ExposedPorts),
    volumes: keys(config.Volumes),
    history,
  };
  const user = str(config.User);
  if (user) result.user = user;
  const entrypoint = strings(config.Entrypoint);
  if (entrypoint) result.entrypoint = entrypoint;
  const cmd = strings(config.Cmd);
  if (cmd) result.cmd = cmd;
  const workdir = str(config.WorkingDir);
  if (workdir) result.workdir = workdir;
  const stopSignal = str(config.StopSignal);
  if (stopSignal) result.stopSignal = stopSignal;
  const shell = strings(config.Shell);
  if (shell) result.shell = shell;
  for (const key of ["os", "architecture", "variant", "created"] as const) {
    const value = str(root[key]);
    if (value) result[key] = value;
  }

  if (isObject(config.Healthcheck)) {
    const check = config.Healthcheck;
    const healthcheck: HealthcheckRecord = {};
    const test = strings(check.Test);
    if (test) healthcheck.test = test;
    const interval = nanosToSeconds(check.Interval);
    if (interval !== undefined) healthcheck.intervalSeconds = interval;
    const timeout = nanosToSeconds(check.Timeout);
    if (timeout !== undefined) healthcheck.timeoutSeconds = timeout;
    if (typeof check.Retries === "number") healthcheck.retries = check.Retries;
    result.healthcheck = healthcheck;
  }
  return result;
}

/** created_by and comment of each non-empty layer, in layer order. */
export function layerHistory(config: ImageConfig | undefined, layerCount: number): (HistoryRecord | undefined)[] {
  const out: (HistoryRecord | undefined)[] = [];
  for (const record of config?.history ?? []) {
    if (record.emptyLayer) continue;
    out.push(record);
  }
  // Configs without history, or with fewer entries than layers, leave the rest undefined.
  return Array.from({ length: layerCount }, (_, i) => out[i]);
}

/** The diff_ids of the config's rootfs, when present and well-formed. */
export function diffIds(raw: unknown): string[] {
  if (!isObject(raw) || !isObject(raw.rootfs) || !Array.isArray(raw.rootfs.diff_ids)) return [];
  return raw.rootfs.diff_ids.map((id) => (typeof id === "string" ? id : ""));
}
