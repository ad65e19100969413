/**
 * The check-plugin contract. This entry point uses no Node APIs: it is bundled
 * into every plugin and runs inside an isolate.
 */
export { defineCheck, definePlugin, DefinitionError, DEFAULT_MAX_BYTES, MAX_DECLARED_BYTES } from "./define.js";
export type {
  AnyCheck,
  Check,
  CheckContext,
  CheckDefinition,
  CheckNeeds,
  FindingInput,
  MessageSpec,
  MessageTable,
  OptionsOf,
  OptionsSchema,
  Placeholders,
  PlaceholderValue,
  Plugin,
  PluginDefinition,
} from "./check.js";
export type { FileStat, FileSystemView, ImageView, LayerView, ReadOptions, WalkOptions } from "./view.js";
export { AccessDeniedError } from "./view.js";
export type * from "./image-data.js";
export { CAPABILITIES, LEVELS, SEVERITIES, compareSeverity, levelsFrom } from "./levels.js";
export type { Capability, Level, Severity } from "./levels.js";
export { compileGlob, matchAny, matchGlob, GlobSyntaxError } from "./glob.js";
export { MAX_SYMLINK_HOPS, normalizePath, parentPath, resolveLinkTarget, resolvePath } from "./paths.js";
export type { PathLookup, ResolveResult } from "./paths.js";
export { placeholdersOf, renderMessage } from "./message.js";
export { redact, redactMatches } from "./redact.js";
export { FileIndex, createImageView } from "./create-view.js";
export type { AccessPolicy, ViewHandle } from "./create-view.js";
export { runCheck, ReportError } from "./run-check.js";
export type { CheckRunResult, RawFinding, RunCheckOptions } from "./run-check.js";
export { isSetuid, isSetgid, isSticky, isWorldWritable, MODE_SETUID, MODE_SETGID, MODE_STICKY } from "./modes.js";
