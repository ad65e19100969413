/**
 * Runs check plugins with no ambient authority: a runner process under Node's
 * permission model (and, where the kernel allows it, without network), one
 * isolated-vm isolate per plugin, limits on memory, time, finding count and
 * size, and host-side validation of every finding.
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
