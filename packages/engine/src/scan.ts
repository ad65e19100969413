import type { ImageData, Level, Severity } from "@checks/sdk";
import { openImage, readImage } from "@checks/image";
import { INVENTORY_CONTENT_NEEDS, collectInventory } from "@checks/inventory";
import type { ImageResult, ScanReport } from "@checks/report";
import { REPORT_SCHEMA_VERSION } from "@checks/report";
import { runPlugins } from "@checks/sandbox";
import { scanAdvisories } from "@checks/vulndb";
import type { PluginJob, SandboxLimits, SandboxRun } from "@checks/sandbox";
import { collectResults } from "./findings.js";
import { planRead } from "./needs.js";
import type { ReadPlan } from "./needs.js";
import { selectChecks } from "./selection.js";
import type { PluginSource, SelectedCheck, Selection, SelectionResult } from "./selection.js";

export interface ScanRequest {
  /** Image references as the user wrote them: paths to folders, archives, layouts or SIF files. */
  images: string[];
  plugins: PluginSource[];
  selection: Selection;
  /** Options per plugin name, then per check id. */
  options?: Record<string, Record<string, unknown>>;
  platform?: string;
  /** Images scanned at the same time. */
  concurrency?: number;
  limits?: Partial<SandboxLimits>;
  /** Path of the SQLite advisory database; advisories are reported unavailable when missing. */
  advisoryDatabase?: string;
  failOn: Severity;
  severityFilter?: Severity[];
  toolVersion: string;
  /** Starts the sandbox runner without network where the kernel allows it. Defaults to true. */
  isolateNetwork?: boolean;
  onEvent?: (event: EngineEvent) => void;
}

export type EngineEvent =
  | { type: "selection"; selection: SelectionResult }
  | { type: "image-started"; image: string }
  | { type: "image-read"; image: string; files: number; layers: number }
  | { type: "read-progress"; image: string; layer: number; layers: number; bytes: number }
  | { type: "check-finished"; image: string; plugin: string; check: string; status: string }
  | { type: "image-finished"; image: string; findings: number; error?: string };

/** Scans every image with the selected checks and returns the report, before suppressions. */
export async function scan(request: ScanRequest): Promise<ScanReport> {
  const startedAt = new Date().toISOString();
  const selection = selectChecks(request.plugins, request.selection);
  request.onEvent?.({ type: "selection", selection });

  const plan = planRead(selection.selected, INVENTORY_CONTENT_NEEDS);
  const sandbox = { networkIsolated: true, permissionModel: true, ran: false };

  const images = await mapWithConcurrency(request.images, request.concurrency ?? 2, async (ref) => {
    request.onEvent?.({ type: "image-started", image: ref });
    const result = await scanImage(ref, selection.selected, plan, request);
    if (result.sandbox) {
      sandbox.ran = true;
      sandbox.networkIsolated &&= result.sandbox.networkIsolated;
      sandbox.permissionModel &&= result.sandbox.permissionModel;
    }
    request.onEvent?.({ type: "image-finished", image: ref, findings: result.image.findings.length, error: result.image.error?.message });
    return result.image;
  });

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "checks", version: request.toolVersion },
    startedAt,
    finishedAt: new Date().toISOString(),
    selection: {
      plugins: [...new Set(selection.selected.map(({ plugin }) => plugin.name))],
      checks: selection.selected.map(({ plugin, check }) => `${plugin.name}/${check.id}`),
      skipped: selection.skipped.map(({ id }) => id),
      ...(request.selection.tags ? { tags: request.selection.tags } : {}),
      minLevel: request.selection.minLevel as Level,
      failOn: request.failOn,
      ...(request.severityFilter ? { severityFilter: request.severityFilter } : {}),
    },
    sandbox: { networkIsolated: sandbox.ran && sandbox.networkIsolated, permissionModel: sandbox.ran && sandbox.permissionModel },
    images,
  };
}

async function scanImage(
  ref: string,
  selected: readonly SelectedCheck[],
  plan: ReadPlan,
  request: ScanRequest,
): Promise<{ image: ImageResult; sandbox?: SandboxRun }> {
  const result: ImageResult = { name: ref, checks: [], findings: [], notes: [] };

  let data: ImageData;
  try {
    data = await readImageData(ref, plan, request);
  } catch (error) {
    result.error = describeError(error);
    return { image: result };
  }
  result.format = data.info.format;
  if (data.info.digest) result.digest = data.info.digest;
  if (data.info.platform) result.platform = data.info.platform;
  result.notes.push(...(data.notes ?? []));
  request.onEvent?.({ type: "image-read", image: ref, files: data.files.length, layers: data.layers?.length ?? 1 });

  if (selected.length === 0) return { image: result };

  const jobs = pluginJobs(selected, request.options ?? {});
  const run = await runPlugins({
    image: { kind: "data", data },
    plugins: jobs,
    limits: request.limits,
    isolateNetwork: request.isolateNetwork ?? true,
    onEvent: (event) => {
      if (event.type === "check-finished") {
        request.onEvent?.({ type: "check-finished", image: ref, plugin: event.plugin, check: event.check, status: event.status });
      }
    },
  });

  for (const pluginResult of run.plugins) {
    const ofPlugin = selected.filter(({ plugin }) => plugin.name === pluginResult.name);
    const { checks, findings } = collectResults(pluginResult, ofPlugin, data.info);
    result.checks.push(...checks);
    result.findings.push(...findings);
  }
  return { image: result, sandbox: run };
}

/**
 * Reads the image once with the union of the selected checks' needs, then adds inventory and advisories.
 * NOTE: this parses the untrusted image in the host process. The sandbox's `path` image source would move
 * parsing behind the runner's permission flags, once inventory and advisory matching run there too.
 */
async function readImageData(ref: string, plan: ReadPlan, request: ScanRequest): Promise<ImageData> {
  const opened = await openImage(ref, request.platform ? { platform: request.platform } : {});
  let data: ImageData;
  try {
    data = await readImage(opened, {
      content: plan.content,
      rawLayers: plan.rawLayers,
      onProgress: (progress: { layer?: number; layers?: number; bytes?: number }) =>
        request.onEvent?.({ type: "read-progress", image: ref, layer: progress.layer ?? 0, layers: progress.layers ?? 0, bytes: progress.bytes ?? 0 }),
    });
  } finally {
    await opened.close();
  }

  if (plan.packages || plan.advisories) {
    const inventory = collectInventory(data);
    data.packages = inventory.packages;
    if (inventory.osRelease) data.osRelease = inventory.osRelease;
    data.notes = [...(data.notes ?? []), ...inventory.notes];
  }
  if (!data.osRelease) {
    const inventory = collectInventory({ ...data, files: data.files.filter((file) => file.path.endsWith("os-release")) });
    if (inventory.osRelease) data.osRelease = inventory.osRelease;
  }
  if (plan.advisories) {
    const lookup = request.advisoryDatabase
      ? scanAdvisories(request.advisoryDatabase, data.packages ?? [], data.osRelease)
      : { advisories: [], advisoryDatabase: { available: false } };
    data.advisories = lookup.advisories;
    data.advisoryDatabase = lookup.advisoryDatabase;
  }
  return data;
}

function pluginJobs(selected: readonly SelectedCheck[], options: Record<string, Record<string, unknown>>): PluginJob[] {
  const jobs = new Map<string, PluginJob>();
  for (const { plugin, check } of selected) {
    let job = jobs.get(plugin.name);
    if (!job) {
      job = { name: plugin.name, version: plugin.version, bundleFile: plugin.bundleFile, manifest: plugin.manifest, checkIds: [], options: {} };
      jobs.set(plugin.name, job);
    }
    job.checkIds.push(check.id);
    const checkOptions = options[plugin.name]?.[check.id];
    if (checkOptions !== undefined) job.options[check.id] = checkOptions;
  }
  return [...jobs.values()];
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === "string" ? code : "IMAGE_READ_FAILED", message: error.message };
  }
  return { code: "IMAGE_READ_FAILED", message: String(error) };
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
