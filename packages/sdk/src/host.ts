/** Host-side parts of the contract: manifest and finding schemas, API version checks. */
export {
  API_VERSION,
  CheckManifestSchema,
  MessageManifestSchema,
  PLUGIN_KEYWORD,
  PLUGIN_NAME_PATTERN,
  PluginManifestSchema,
  PluginPackageSchema,
  RawFindingSchema,
  formatProblems,
  supportsApiRange,
  validatePluginPackage,
} from "./manifest.js";
export type { CheckManifest, ManifestProblem, ManifestResult, MessageManifest, PluginManifest, PluginPackage } from "./manifest.js";
