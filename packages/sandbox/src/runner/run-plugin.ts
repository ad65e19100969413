import { readFileSync } from "node:fs";
import type ivm from "isolated-vm";
import type { ImageData } from "@checks/sdk";
import type { PluginRequest, RunnerCheck, RunnerError } from "../protocol.js";
import type { PluginErrorCode, PluginErrorPhase, SandboxLimits } from "../types.js";
import type { RunnerCache } from "./cache.js";
import { capFindings, capText } from "./caps.js";

export interface PluginOutcome {
  durationMs: number;
  error?: RunnerError;
  checks: RunnerCheck[];
}

/** Maximum length of the result JSON accepted from one check, in characters. */
const MAX_RESULT_CHARS = 32 * 1024 * 1024;

interface BootstrapFunctions {
  setImage: ivm.Reference<(data: ImageData) => void>;
  loadPlugin: ivm.Reference<() => string>;
  startCheck: ivm.Reference<(request: string) => void>;
  collect: ivm.Reference<() => string>;
}

/** A failure while calling into the isolate, classified into a plugin error code. */
class IsolateFailure extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs the selected checks of one plugin in a fresh isolate and returns their
 * results. Failures of the plugin become errors attributed to the plugin, the
 * check and the phase. It throws only for a failure of the runner itself, such
 * as an isolate that cannot be created.
 */
export function runPlugin(
  isolatedVm: typeof ivm,
  request: PluginRequest,
  cache: RunnerCache,
  bootstrap: string,
  onCheckStarted: (checkId: string) => void,
): PluginOutcome {
  const started = performance.now();
  const limits = request.limits;
  const deadline = started + limits.pluginWallMs;
  const elapsed = (): number => performance.now() - started;
  const fail = (code: PluginErrorCode, phase: PluginErrorPhase, message: string, check?: string): RunnerError => ({
    code,
    phase,
    message: capText(message, limits.maxMessageBytes),
    ...(check === undefined ? {} : { check }),
  });
  const failAll = (error: RunnerError, status: RunnerCheck["status"]): PluginOutcome => ({
    durationMs: elapsed(),
    error,
    checks: request.checks.map((check) => errorCheck(check.id, status, { ...error, check: check.id }, 0)),
  });

  let source: string;
  try {
    source = readFileSync(request.bundleFile, "utf8");
  } catch (error) {
    return failAll(fail("BUNDLE_UNREADABLE", "load", `Cannot read the bundle ${request.bundleFile}: ${(error as Error).message}`), "error");
  }

  const isolate = new isolatedVm.Isolate({ memoryLimit: limits.memoryMb });
  try {
    const budget = (): number => Math.max(1, Math.min(limits.checkCpuMs, Math.floor(deadline - performance.now())));
    let functions: BootstrapFunctions;
    let loaded: { checkIds?: string[]; error?: string };
    try {
      const context = isolate.createContextSync();
      functions = installBootstrap(context, cache.compile(isolate, bootstrap, "checks:bootstrap"));
      const filtered = cache.filteredCopy(request.checks.map((check) => check.needs));
      functions.setImage.applySync(undefined, [filtered.copyInto()], { timeout: budget() });
      cache.compile(isolate, source, `plugin:${request.name}`).runSync(context, { timeout: budget() });
      loaded = parseJson(functions.loadPlugin.applySync(undefined, [], { timeout: budget() })) as { checkIds?: string[]; error?: string };
    } catch (error) {
      const failure = classify(error, isolate, performance.now() >= deadline);
      return failAll(fail(failure.code === "CHECK_THREW" ? "PLUGIN_LOAD_FAILED" : failure.code, "load", failure.message), "error");
    }

    if (loaded.error !== undefined || !Array.isArray(loaded.checkIds)) {
      return failAll(fail("PLUGIN_LOAD_FAILED", "load", String(loaded.error ?? "The bundle did not load.")), "error");
    }
    const inBundle = new Set(loaded.checkIds);

    const checks: RunnerCheck[] = [];
    let aborted: RunnerError | undefined;
    for (const check of request.checks) {
      if (aborted) {
        checks.push(errorCheck(check.id, "skipped", { ...aborted, check: check.id }, 0));
        continue;
      }
      if (performance.now() >= deadline) {
        aborted = fail("PLUGIN_TIMEOUT", "run", `The plugin used its whole time limit of ${limits.pluginWallMs} ms before this check started.`);
        checks.push(errorCheck(check.id, "skipped", { ...aborted, check: check.id }, 0));
        continue;
      }
      if (!inBundle.has(check.id)) {
        checks.push(errorCheck(check.id, "error", fail("CHECK_NOT_IN_BUNDLE", "load", `The manifest lists check "${check.id}" but the bundle does not define it.`, check.id), 0));
        continue;
      }

      onCheckStarted(check.id);
      const checkStarted = performance.now();
      const result = runOneCheck(functions, check, limits, budget, isolate, deadline);
      const durationMs = performance.now() - checkStarted;
      if ("failure" in result) {
        const error = fail(result.failure.code, result.phase, result.failure.message, check.id);
        checks.push(errorCheck(check.id, "error", error, durationMs));
        if (isolate.isDisposed) aborted = fail("PLUGIN_ABORTED", "run", `An earlier check of this plugin ended its isolate (${result.failure.code}).`);
        continue;
      }
      checks.push({ ...result.check, durationMs });
    }
    return { durationMs: elapsed(), checks };
  } finally {
    if (!isolate.isDisposed) isolate.dispose();
  }
}

type CheckAttempt = { check: Omit<RunnerCheck, "durationMs"> } | { failure: IsolateFailure; phase: PluginErrorPhase };

function runOneCheck(
  functions: BootstrapFunctions,
  check: PluginRequest["checks"][number],
  limits: SandboxLimits,
  budget: () => number,
  isolate: ivm.Isolate,
  deadline: number,
): CheckAttempt {
  const request = JSON.stringify({
    checkId: check.id,
    needs: check.needs,
    messages: check.messages,
    options: check.options,
    maxFindings: limits.maxFindingsPerCheck,
  });
  let output: unknown;
  try {
    functions.startCheck.applySync(undefined, [request], { timeout: budget() });
    output = functions.collect.applySync(undefined, [], { timeout: budget() });
  } catch (error) {
    return { failure: classify(error, isolate, performance.now() >= deadline), phase: "run" };
  }

  if (typeof output !== "string") return { failure: new IsolateFailure("INVALID_REPORT", "The check's result was not a string."), phase: "report" };
  if (output.length > MAX_RESULT_CHARS) {
    return { failure: new IsolateFailure("RESULT_TOO_LARGE", `The check's result has ${output.length} characters; the limit is ${MAX_RESULT_CHARS}.`), phase: "report" };
  }
  const parsed = parseJson(output) as { pending?: true; failure?: string; unencodable?: string; result?: Record<string, unknown> };
  if (parsed.pending) {
    return { failure: new IsolateFailure("PROMISE_UNSETTLED", "The check's run() returned a promise that can never settle: nothing in the isolate is left to resolve it."), phase: "run" };
  }
  if (parsed.failure !== undefined) return { failure: new IsolateFailure("CHECK_THREW", String(parsed.failure)), phase: "run" };
  if (parsed.unencodable !== undefined || parsed.result === undefined) {
    return { failure: new IsolateFailure("INVALID_REPORT", `The check's findings cannot be encoded as plain data: ${String(parsed.unencodable)}`), phase: "report" };
  }
  return { check: toRunnerCheck(check.id, parsed.result, limits) };
}

/** Converts the bootstrap's plain result into a runner check result, applying the size caps. */
function toRunnerCheck(checkId: string, result: Record<string, unknown>, limits: SandboxLimits): Omit<RunnerCheck, "durationMs"> {
  const notes = Array.isArray(result.notes) ? result.notes.map((note) => capText(String(note), limits.maxMessageBytes)) : [];
  const rawFindings = Array.isArray(result.findings) ? result.findings : [];
  const findings = capFindings(rawFindings.slice(0, limits.maxFindingsPerCheck), limits, notes);
  const deniedCount = Number.isSafeInteger(result.deniedCount) && (result.deniedCount as number) >= 0 ? (result.deniedCount as number) : 0;
  const reported = result.error as { code?: unknown; message?: unknown } | undefined;

  if (reported && typeof reported === "object") {
    const code: PluginErrorCode = reported.code === "INVALID_OPTIONS" ? "INVALID_OPTIONS" : reported.code === "INVALID_REPORT" ? "INVALID_REPORT" : "CHECK_THREW";
    const phase: PluginErrorPhase = code === "INVALID_OPTIONS" ? "load" : code === "INVALID_REPORT" ? "report" : "run";
    const error: RunnerError = { code, phase, check: checkId, message: capText(String(reported.message), limits.maxMessageBytes) };
    return { checkId, status: "error", findings, notes, deniedCount, error };
  }
  return { checkId, status: findings.length > 0 ? "failed" : "passed", findings, notes, deniedCount };
}

function errorCheck(checkId: string, status: RunnerCheck["status"], error: RunnerError, durationMs: number): RunnerCheck {
  return { checkId, status, findings: [], notes: [], deniedCount: 0, durationMs, error };
}

/**
 * Runs the bootstrap in the context and takes references to its functions,
 * then deletes the global that held them, before any plugin code runs.
 */
function installBootstrap(context: ivm.Context, script: ivm.Script): BootstrapFunctions {
  script.runSync(context);
  const holder = context.evalSync("(() => { const b = globalThis.__checksBootstrap; delete globalThis.__checksBootstrap; return b; })()", {
    reference: true,
  }) as ivm.Reference<Record<string, unknown>>;
  const get = <T>(name: string): ivm.Reference<T> => holder.getSync(name, { reference: true }) as ivm.Reference<T>;
  const functions = { setImage: get<(data: ImageData) => void>("setImage"), loadPlugin: get<() => string>("loadPlugin"), startCheck: get<(request: string) => void>("startCheck"), collect: get<() => string>("collect") };
  holder.release();
  return functions;
}

/** Classifies an exception from an isolate call by what isolated-vm reports. */
function classify(error: unknown, isolate: ivm.Isolate, wallTimeUsedUp: boolean): IsolateFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (isolate.isDisposed || /memory limit/i.test(message)) {
    return new IsolateFailure("MEMORY_LIMIT", `The isolate exceeded its memory limit: ${message}`);
  }
  if (/execution timed out/i.test(message)) {
    return wallTimeUsedUp
      ? new IsolateFailure("PLUGIN_TIMEOUT", "The plugin exceeded its wall-time limit.")
      : new IsolateFailure("CPU_TIMEOUT", "The check exceeded its execution-time limit.");
  }
  return new IsolateFailure("CHECK_THREW", message);
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
