import type { PluginError, PluginErrorCode, PluginErrorPhase } from "./types.js";

export type SandboxErrorCode = "INVALID_JOB" | "IMAGE_UNREADABLE";

/** An error in the request to the sandbox itself, not in a plugin. */
export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SandboxError";
  }
}

/** Creates a plugin error attributed to a plugin, a phase and, where known, a check. */
export function pluginError(code: PluginErrorCode, plugin: string, phase: PluginErrorPhase, message: string, check?: string): PluginError {
  return check === undefined ? { code, plugin, phase, message } : { code, plugin, check, phase, message };
}
