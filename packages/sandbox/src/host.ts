import { availableParallelism } from "node:os";
import { realpathSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseRef } from "@checks/image";
import { RawFindingSchema } from "@checks/sdk/host";
import type { RawFinding } from "@checks/sdk";
import { SandboxError, pluginError } from "./errors.js";
import { filterImageData, needsFromManifest } from "./filter.js";
import { resolveLimits } from "./limits.js";
import type { HostMessage, PluginRequest, RunnerCheck } from "./protocol.js";
import { ImageReadError, RunnerSession, RunnerStartError } from "./session.js";
import type { PluginRunOutcome } from "./session.js";
import type { CheckResult, PluginError, PluginJob, PluginResult, RunPluginsJob, SandboxEvent, SandboxLimits, SandboxRun } from "./types.js";

/** End of a plugin's run: its runner's outcome, or the failure to start a runner. */
type FinalOutcome = Exclude<PluginRunOutcome, { kind: "not-run" }> | { kind: "start-failed"; reason: string };

/** Plugins sent to a runner ahead of their turn, so it need not wait for the host between plugins. */
const PIPELINE_DEPTH = 3;

/** Time the host adds to a plugin's wall-time limit before it kills the runner, for data copying and IPC. */
const WATCHDOG_GRACE_MS = 5000;

/**
 * Runs plugins against one image in runner processes (two by default, each
 * taking the next plugin when it is free), one isolate per plugin, and returns
 * one result per plugin in the order given. A plugin that fails in
 * any way gets an error result; a runner that dies is restarted for the
 * plugins after it. Rejects only with a SandboxError: INVALID_JOB for an invalid
 * job, IMAGE_UNREADABLE when the first runner cannot open and read a `path`
 * image or dies while it receives image data.
 * Exceptions thrown by `onEvent` are ignored, so a faulty listener cannot stop a scan.
 */
export async function runPlugins(job: RunPluginsJob): Promise<SandboxRun> {
  assertValidJob(job);
  const limits = resolveLimits(job.limits);
  const emit = (event: SandboxEvent): void => {
    try {
      job.onEvent?.(event);
    } catch {
      // A listener's failure is the caller's; the scan goes on.
    }
  };

  const prepared = job.plugins.map((plugin, pluginIndex) => prepareRequest(plugin, pluginIndex, limits));
  const { imageMessage, imagePaths, defaultRunners } = await prepareImage(job.image, prepared);
  const readablePaths = [...job.plugins.map((plugin) => plugin.bundleFile), ...imagePaths];
  const runnerCount = job.runners ?? defaultRunners;
  const isolateNetwork = job.isolateNetwork ?? true;
  const results: PluginResult[] = new Array(job.plugins.length);
  let runners = 0;
  let networkIsolated = true;
  let permissionModel = true;
  let next = 0;
  let imageReadOnce = false;
  let imageFailure: ImageReadError | undefined;

  const startSession = async (): Promise<RunnerSession | { kind: "start-failed"; reason: string }> => {
    try {
      const session = await RunnerSession.start(readablePaths, isolateNetwork, imageMessage, limits.imageReadMs, emit);
      imageReadOnce = true;
      runners++;
      networkIsolated &&= session.networkIsolated;
      permissionModel &&= session.ready.permissionModel;
      return session;
    } catch (error) {
      if (error instanceof ImageReadError && !imageReadOnce) imageFailure = error;
      if (!(error instanceof RunnerStartError) && !(error instanceof ImageReadError)) throw error;
      return { kind: "start-failed", reason: error.message };
    }
  };

  const finish = (pluginIndex: number, outcome: FinalOutcome | undefined, durationMs: number): void => {
    const plugin = job.plugins[pluginIndex]!;
    const { request, unknownChecks } = prepared[pluginIndex]!;
    const result = buildResult(plugin, request, unknownChecks, outcome, limits, durationMs);
    for (const check of result.checks) emit({ type: "check-finished", plugin: plugin.name, check: check.checkId, status: check.status });
    emit({ type: "plugin-finished", plugin: plugin.name, durationMs: result.durationMs, ...(result.error ? { error: result.error } : {}) });
    results[pluginIndex] = result;
  };

  // Each worker owns one runner at a time and keeps up to PIPELINE_DEPTH
  // plugins sent to it. A crash is attributed to the plugin the runner was
  // running; the plugins queued behind it go to the next runner.
  const worker = async (): Promise<void> => {
    let session: RunnerSession | undefined;
    const retry: number[] = [];
    const announced = new Set<number>();
    const sent: { pluginIndex: number; sentAt: number; outcome: Promise<PluginRunOutcome> }[] = [];
    const take = (): number | undefined => {
      if (retry.length > 0) return retry.shift();
      return next < job.plugins.length ? next++ : undefined;
    };

    try {
      while (!imageFailure) {
        while (sent.length < PIPELINE_DEPTH && (sent.length === 0 || session?.alive)) {
          const pluginIndex = take();
          if (pluginIndex === undefined) break;
          const plugin = job.plugins[pluginIndex]!;
          const { request } = prepared[pluginIndex]!;
          if (!announced.has(pluginIndex)) emit({ type: "plugin-started", plugin: plugin.name });
          announced.add(pluginIndex);
          if (request.checks.length === 0) {
            finish(pluginIndex, undefined, 0);
            continue;
          }
          if (!session?.alive) {
            session?.close();
            session = undefined;
            const started = await startSession();
            if (imageFailure) return;
            if (!(started instanceof RunnerSession)) {
              finish(pluginIndex, started, 0);
              continue;
            }
            session = started;
          }
          sent.push({ pluginIndex, sentAt: performance.now(), outcome: session.run(request, limits.pluginWallMs + WATCHDOG_GRACE_MS, plugin.name) });
        }

        const head = sent.shift();
        if (!head) break;
        const outcome = await head.outcome;
        if (outcome.kind === "not-run") {
          retry.push(head.pluginIndex);
          continue;
        }
        finish(head.pluginIndex, outcome, outcome.kind === "result" ? outcome.message.durationMs : performance.now() - head.sentAt);
      }
    } finally {
      session?.close();
    }
  };

  const workerCount = Math.max(1, Math.min(runnerCount, job.plugins.length));
  await Promise.all(Array.from({ length: workerCount }, worker));
  if (imageFailure) {
    throw new SandboxError("IMAGE_UNREADABLE", `The runner could not read the image: ${imageFailure.message}`, { cause: imageFailure });
  }

  return { networkIsolated: runners > 0 && networkIsolated, permissionModel: runners > 0 && permissionModel, plugins: results };
}

/**
 * Builds the message that gives a runner its image. Data is first filtered to
 * what some selected check declared, so undeclared data never leaves the host.
 * A `path` image is opened by the runner itself, which may then read the
 * image's file or folder and nothing else. One runner is the default there,
 * because every runner reads the whole image.
 */
async function prepareImage(
  image: RunPluginsJob["image"],
  prepared: readonly { request: PluginRequest }[],
): Promise<{ imageMessage: HostMessage; imagePaths: string[]; defaultRunners: number }> {
  if (image.kind === "data") {
    const declared = prepared.flatMap(({ request }) => request.checks.map((check) => check.needs));
    return { imageMessage: { type: "image", data: filterImageData(image.data, declared) }, imagePaths: [], defaultRunners: defaultRunnerCount() };
  }

  let parsed: { path: string };
  try {
    parsed = await parseRef(image.ref);
  } catch (error) {
    throw new SandboxError("IMAGE_UNREADABLE", `No image at ${JSON.stringify(image.ref)}: ${(error as Error).message}`, { cause: error });
  }
  const path = resolve(parsed.path);
  const { ref, platform, needs } = image;
  return {
    imageMessage: { type: "open-image", ref, ...(platform === undefined ? {} : { platform }), needs },
    imagePaths: [path, realpathSync(path)],
    defaultRunners: 1,
  };
}

/** Two runners use both cores of a typical CI machine; more cost memory for a copy of the image data each. */
function defaultRunnerCount(): number {
  return Math.min(2, availableParallelism());
}

/** Splits the selected checks into those the manifest declares (sent to the runner) and unknown ids. */
function prepareRequest(plugin: PluginJob, pluginIndex: number, limits: SandboxLimits): { request: PluginRequest; unknownChecks: string[] } {
  const byId = new Map(plugin.manifest.checks.map((check) => [check.id, check]));
  const unknownChecks: string[] = [];
  const checks: PluginRequest["checks"] = [];
  for (const checkId of plugin.checkIds) {
    const manifestCheck = byId.get(checkId);
    if (!manifestCheck) {
      unknownChecks.push(checkId);
      continue;
    }
    checks.push({ id: checkId, needs: needsFromManifest(manifestCheck), messages: manifestCheck.messages, options: plugin.options[checkId] ?? {} });
  }
  return { request: { type: "plugin", pluginIndex, name: plugin.name, bundleFile: plugin.bundleFile, checks, limits }, unknownChecks };
}

function buildResult(
  plugin: PluginJob,
  request: PluginRequest,
  unknownChecks: readonly string[],
  outcome: FinalOutcome | undefined,
  limits: SandboxLimits,
  durationMs: number,
): PluginResult {
  const name = plugin.name;
  const byId = new Map<string, CheckResult>();
  for (const checkId of unknownChecks) {
    const error = pluginError("CHECK_NOT_IN_MANIFEST", name, "load", `Check "${checkId}" is not in the manifest of ${name}@${plugin.version}.`, checkId);
    byId.set(checkId, errorResult(checkId, "error", error));
  }

  let pluginLevel: PluginError | undefined;
  if (outcome?.kind === "result") {
    const message = outcome.message;
    if (message.error) pluginLevel = pluginError(message.error.code, name, message.error.phase, message.error.message, message.error.check);
    for (const check of request.checks) {
      const received = message.checks.find((candidate) => candidate.checkId === check.id);
      byId.set(
        check.id,
        received
          ? validateCheck(name, check.id, received, limits)
          : errorResult(check.id, "error", pluginError("RUNNER_CRASHED", name, "report", "The runner returned no result for this check.", check.id)),
      );
    }
  } else if (outcome !== undefined) {
    const running = outcome.kind === "start-failed" ? undefined : outcome.checkId;
    pluginLevel =
      outcome.kind === "start-failed"
        ? pluginError("RUNNER_START_FAILED", name, "load", outcome.reason)
        : outcome.kind === "timeout"
          ? pluginError("PLUGIN_TIMEOUT", name, running ? "run" : "load", `The runner did not finish the plugin within ${limits.pluginWallMs + WATCHDOG_GRACE_MS} ms and was killed.`, running)
          : pluginError("RUNNER_CRASHED", name, running ? "run" : "load", outcome.reason, running);
    for (const check of request.checks) {
      const isCause = running === undefined || running === check.id;
      byId.set(
        check.id,
        isCause
          ? errorResult(check.id, "error", { ...pluginLevel, check: check.id })
          : errorResult(check.id, "skipped", pluginError("PLUGIN_ABORTED", name, "run", `The plugin stopped at check "${running}" (${pluginLevel.code}).`, check.id)),
      );
    }
  }

  const checks = plugin.checkIds.map((checkId) => byId.get(checkId)!);
  return { name, version: plugin.version, durationMs, checks, ...(pluginLevel ? { error: pluginLevel } : {}) };
}

/** Validates a check's findings with RawFindingSchema; invalid ones are dropped and make the check an error. */
function validateCheck(plugin: string, checkId: string, received: RunnerCheck, limits: SandboxLimits): CheckResult {
  const findings: RawFinding[] = [];
  const problems: string[] = [];
  for (const [index, candidate] of received.findings.slice(0, limits.maxFindingsPerCheck).entries()) {
    const parsed = RawFindingSchema.safeParse(candidate);
    if (!parsed.success) {
      problems.push(`finding ${index}: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(finding)"}: ${issue.message}`).join("; ")}`);
    } else if (parsed.data.checkId !== checkId) {
      problems.push(`finding ${index}: checkId is "${parsed.data.checkId}", expected "${checkId}"`);
    } else {
      findings.push(parsed.data as RawFinding);
    }
  }

  const result: CheckResult = {
    checkId,
    status: received.status,
    findings,
    notes: received.notes,
    deniedCount: received.deniedCount,
    durationMs: received.durationMs,
  };
  if (received.error) {
    result.status = received.status === "skipped" ? "skipped" : "error";
    result.error = pluginError(received.error.code, plugin, received.error.phase, received.error.message, checkId);
  } else if (problems.length > 0) {
    result.status = "error";
    const listed = problems.slice(0, 5).join("\n");
    const more = problems.length > 5 ? `\n(${problems.length - 5} more)` : "";
    result.error = pluginError("INVALID_FINDING", plugin, "report", `${problems.length} findings failed validation and were dropped:\n${listed}${more}`, checkId);
  } else {
    result.status = findings.length > 0 ? "failed" : "passed";
  }
  return result;
}

function errorResult(checkId: string, status: CheckResult["status"], error: PluginError): CheckResult {
  return { checkId, status, findings: [], notes: [], deniedCount: 0, durationMs: 0, error };
}

/** Throws SandboxError INVALID_JOB listing every problem with the job's shape. */
function assertValidJob(job: RunPluginsJob): void {
  const problems: string[] = [];
  if (!job || typeof job !== "object") throw new SandboxError("INVALID_JOB", "runPlugins needs a job object.");
  if (job.image?.kind !== "data" && job.image?.kind !== "path") problems.push('image.kind: expected "data" or "path"');
  if (job.image?.kind === "data" && (!job.image.data || !Array.isArray(job.image.data.files))) problems.push("image.data.files: expected an array");
  if (!Array.isArray(job.plugins)) problems.push("plugins: expected an array");
  if (job.runners !== undefined && (!Number.isSafeInteger(job.runners) || job.runners < 1)) {
    problems.push(`runners: received ${JSON.stringify(job.runners)}; use a whole number of at least 1`);
  }
  for (const [index, plugin] of (Array.isArray(job.plugins) ? job.plugins : []).entries()) {
    if (typeof plugin?.name !== "string" || plugin.name === "") problems.push(`plugins[${index}].name: expected a package name`);
    if (typeof plugin?.bundleFile !== "string" || !isAbsolute(plugin.bundleFile)) {
      problems.push(`plugins[${index}].bundleFile: expected an absolute path, received ${JSON.stringify(plugin?.bundleFile)}`);
    }
    if (!Array.isArray(plugin?.manifest?.checks)) problems.push(`plugins[${index}].manifest.checks: expected the validated manifest`);
    if (!Array.isArray(plugin?.checkIds)) problems.push(`plugins[${index}].checkIds: expected an array of check ids`);
  }
  if (problems.length > 0) throw new SandboxError("INVALID_JOB", `Invalid sandbox job:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
