/**
 * Runs check plugins with no ambient authority. Plugins run in a runner
 * process under Node's permission model, without network where the kernel
 * allows it, and in one isolated-vm isolate each. Memory, time, finding count
 * and size are limited, and the host validates every finding.
 */
export { runPlugins } from "./host.js";
export { DEFAULT_LIMITS, resolveLimits } from "./limits.js";
export { SandboxError } from "./errors.js";
export type { SandboxErrorCode } from "./errors.js";
export { filterImageData, needsFromManifest } from "./filter.js";
export type { DeclaredNeeds } from "./filter.js";
export { networkNamespaceCommand, permissionFlag } from "./launch.js";
export type {
  CheckResult,
  CheckStatus,
  ImageSource,
  PluginError,
  PluginErrorCode,
  PluginErrorPhase,
  PluginJob,
  PluginResult,
  RunPluginsJob,
  SandboxEvent,
  SandboxLimits,
  SandboxRun,
} from "./types.js";
