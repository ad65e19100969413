import type { ImageData, RawFinding } from "@checks/sdk";
import type { PluginManifest } from "@checks/sdk/host";

/** One plugin to run: its bundle, its validated manifest and the selected checks. */
export interface PluginJob {
  name: string;
  version: string;
  /** Absolute path of the plugin's bundle; only the runner process reads it. */
  bundleFile: string;
  /** Validated by the host from package.json. Its needs are the authority, not what the code claims at run time. */
  manifest: PluginManifest;
  /** Ids of the selected checks of this plugin. */
  checkIds: string[];
  /** Raw options per check id, validated inside the isolate by the check's schema. */
  options: Record<string, unknown>;
}

export interface SandboxLimits {
  /** Heap limit of each plugin's isolate, in MiB. */
  memoryMb: number;
  /** Execution time allowed per call into a check, in milliseconds. */
  checkCpuMs: number;
  /** Time allowed for one plugin, from isolate creation to its last check, in milliseconds. */
  pluginWallMs: number;
  maxFindingsPerCheck: number;
  /** Maximum UTF-8 bytes of a note, an error message or a finding's data value; longer ones are truncated. */
  maxMessageBytes: number;
  /** Maximum UTF-8 bytes of a finding's evidence; longer evidence is truncated. */
  maxEvidenceBytes: number;
  /** Time a runner has to open and read a `path` image, or to receive image data, in milliseconds. */
  imageReadMs: number;
}

/**
 * The image to scan: data already read on the host, or a reference that the
 * runner opens with @checks/image's `openImage` and reads with `readImage`,
 * behind its permission flags.
 */
export type ImageSource =
  | { kind: "data"; data: ImageData }
  | {
      kind: "path";
      ref: string;
      platform?: string;
      needs: { content: { glob: string; maxBytes: number }[]; rawLayers: boolean };
    };

export interface RunPluginsJob {
  image: ImageSource;
  plugins: PluginJob[];
  limits?: Partial<SandboxLimits>;
  onEvent?: (event: SandboxEvent) => void;
  /** Starts the runner inside `unshare -rn` when the kernel allows it. Defaults to true. */
  isolateNetwork?: boolean;
  /**
   * Runner processes that run plugins in parallel, each with its own copy of
   * the declared image data. Defaults to 2 (1 on a single CPU) for `data`
   * images and to 1 for `path` images, because each runner reads the image.
   */
  runners?: number;
}

export interface SandboxRun {
  /** True when the runner ran in a network namespace whose only interface is loopback. */
  networkIsolated: boolean;
  /** True when every runner started reported Node's permission model active with no fs write, child processes or workers. */
  permissionModel: boolean;
  plugins: PluginResult[];
}

export interface PluginResult {
  name: string;
  version: string;
  durationMs: number;
  checks: CheckResult[];
  error?: PluginError;
}

export type CheckStatus = "passed" | "failed" | "error" | "skipped";

export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  /** Findings that passed `RawFindingSchema` on the host side. */
  findings: RawFinding[];
  notes: string[];
  /** Reads the check's view rejected because the check did not declare them. */
  deniedCount: number;
  durationMs: number;
  error?: PluginError;
}

export type PluginErrorPhase = "load" | "run" | "report";

export interface PluginError {
  code: PluginErrorCode;
  plugin: string;
  check?: string;
  phase: PluginErrorPhase;
  message: string;
}

/** Codes of errors attributed to a plugin. */
export type PluginErrorCode =
  | "BUNDLE_UNREADABLE"
  | "PLUGIN_LOAD_FAILED"
  | "CHECK_NOT_IN_MANIFEST"
  | "CHECK_NOT_IN_BUNDLE"
  | "INVALID_OPTIONS"
  | "CHECK_THREW"
  | "INVALID_REPORT"
  | "CPU_TIMEOUT"
  | "PLUGIN_TIMEOUT"
  | "MEMORY_LIMIT"
  | "PROMISE_UNSETTLED"
  | "INVALID_FINDING"
  | "RESULT_TOO_LARGE"
  | "PLUGIN_ABORTED"
  | "RUNNER_CRASHED"
  | "RUNNER_START_FAILED";

export type SandboxEvent =
  | { type: "runner-started"; pid: number; networkIsolated: boolean; permissionModel: boolean; nodeVersion: string }
  | { type: "runner-exited"; pid: number; code: number | null; signal: string | null; expected: boolean }
  | { type: "plugin-started"; plugin: string }
  | { type: "check-started"; plugin: string; check: string }
  | { type: "check-finished"; plugin: string; check: string; status: CheckStatus }
  | { type: "plugin-finished"; plugin: string; durationMs: number; error?: PluginError };
