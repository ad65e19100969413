/**
 * Code that runs inside each plugin's isolate before the plugin bundle. The
 * build bundles it with the SDK into one script. It keeps the image data and
 * the plugin object in closures, so plugin code reaches neither through a
 * global. It hands every result back as a JSON string, so the runner never
 * touches an object that plugin code could have shaped with getters or proxies.
 */
import "./globals.js";
import { FileIndex, runCheck } from "@checks/sdk";
import type { AnyCheck, CheckRunResult, ImageData, MessageTable } from "@checks/sdk";

/** Request the runner passes to `startCheck`, as JSON. */
interface CheckRequest {
  checkId: string;
  needs: AnyCheck["needs"];
  messages: MessageTable;
  options: unknown;
  maxFindings: number;
}

// Intrinsics captured before plugin code runs, so a plugin that replaces
// JSON or Promise.prototype.then cannot change how results are encoded.
const stringify = JSON.stringify;
const parse = JSON.parse;
const then = Promise.prototype.then;
const apply = Reflect.apply;
const hasOwn = Object.prototype.hasOwnProperty;
const getPrototypeOf = Object.getPrototypeOf;
const StringCtor = String;

let index: FileIndex | undefined;
let checks: Map<string, AnyCheck> | undefined;
let pending: { settled: boolean; result?: CheckRunResult; failure?: string } | undefined;

function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) return StringCtor(value.message);
    return `non-Error value thrown: ${StringCtor(value)}`;
  } catch {
    return "non-Error value thrown that cannot be converted to a string";
  }
}

const bootstrap = {
  /** Stores the image data the runner copied in and indexes it. */
  setImage(data: ImageData): void {
    index = new FileIndex(data);
  },

  /** Reads the bundle's export and returns `{checkIds}` or `{error}` as JSON. */
  loadPlugin(): string {
    const scope = globalThis as Record<string, unknown>;
    const holder = scope.__checksPlugin;
    // The bundle declares the name with `var`, which makes it non-deletable.
    if (!Reflect.deleteProperty(scope, "__checksPlugin")) scope.__checksPlugin = undefined;
    try {
      const plugin = (holder as { default?: unknown } | undefined)?.default as { kind?: unknown; checks?: unknown } | undefined;
      if (!plugin || plugin.kind !== "plugin" || !Array.isArray(plugin.checks)) {
        return stringify({ error: "The bundle does not define __checksPlugin.default as a plugin created with definePlugin." });
      }
      const found = new Map<string, AnyCheck>();
      for (const check of plugin.checks as unknown[]) {
        const candidate = check as AnyCheck;
        if (candidate && candidate.kind === "check" && typeof candidate.id === "string" && typeof candidate.run === "function") {
          found.set(candidate.id, candidate);
        }
      }
      checks = found;
      return stringify({ checkIds: [...found.keys()] });
    } catch (error) {
      return stringify({ error: describeThrown(error) });
    }
  },

  /**
   * Starts one check. The runner calls `collect` right after: isolated-vm runs
   * the microtask queue before the call returns, and an isolate has no timers
   * or I/O, so a promise still pending then can never settle.
   */
  startCheck(requestJson: string): void {
    const request = parse(requestJson) as CheckRequest;
    pending = { settled: false };
    const state = pending;
    const check = checks?.get(request.checkId);
    if (!check || !index) {
      state.settled = true;
      state.failure = `The bundle has no check "${request.checkId}".`;
      return;
    }
    // The manifest's needs and messages are the authority, not what the bundle claims.
    const governed: AnyCheck = { ...check, id: request.checkId, needs: request.needs, messages: request.messages };
    const promise = runCheck(governed, index, { options: request.options, maxFindings: request.maxFindings });
    apply(then, promise, [
      (result: CheckRunResult) => {
        state.settled = true;
        state.result = result;
      },
      (error: unknown) => {
        state.settled = true;
        state.failure = describeThrown(error);
      },
    ]);
  },

  /** Returns the started check's result as JSON, `{pending: true}` or `{failure}`. */
  collect(): string {
    const state = pending;
    pending = undefined;
    if (!state || !state.settled) return stringify({ pending: true });
    if (state.failure !== undefined) return stringify({ failure: state.failure });
    try {
      return stringify({ result: plainResult(state.result!) });
    } catch (error) {
      return stringify({ unencodable: describeThrown(error) });
    }
  },
};

/** Copies a result into fresh objects so only own data properties are encoded. */
function plainResult(result: CheckRunResult): unknown {
  const findings: unknown[] = [];
  for (const finding of result.findings) {
    const copy: Record<string, unknown> = {};
    for (const key in finding) {
      if (apply(hasOwn, finding, [key])) copy[key] = (finding as unknown as Record<string, unknown>)[key];
    }
    const data = copy.data;
    if (data !== null && typeof data === "object" && getPrototypeOf(data) !== Object.prototype && getPrototypeOf(data) !== null) {
      copy.data = { ...(data as Record<string, unknown>) };
    }
    findings.push(copy);
  }
  return {
    checkId: result.checkId,
    findings,
    notes: result.notes,
    deniedCount: result.deniedCount,
    error: result.error ? { code: result.error.code, message: result.error.message } : undefined,
  };
}

(globalThis as Record<string, unknown>).__checksBootstrap = bootstrap;
