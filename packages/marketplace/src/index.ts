/** Registry client for checks plugins: search, install, verify, lockfile and signed curated sets. */
export { MarketplaceError, isMarketplaceError } from "./errors.js";
export type { MarketplaceErrorCode } from "./errors.js";
export { loadRegistryConfig, mergeRegistryConfig, nerfDart, parseNpmrc, redactRegistryConfig, registryFor, scopeOf, tokenFor } from "./config.js";
export type { RegistryConfig, RegistrySources, ResolvedRegistry } from "./config.js";
export { MAX_PACKUMENT_BYTES, MAX_SEARCH_BYTES, MAX_TARBALL_BYTES, fetchPackument, fetchTarball, publishPackage, resolveVersion, searchRegistry } from "./client.js";
export type { PackageVersion, Packument, PublishInput, SearchResult } from "./client.js";
export { matchesIntegrity, sameIntegrity, sha512Integrity } from "./integrity.js";
export { DEFAULT_TAR_LIMITS, packPackageTarball, readPackageTarball } from "./tar.js";
export type { TarFile, TarLimits } from "./tar.js";
export { LockEntrySchema, LockfileSchema, readLockfile, writeLockfile } from "./lockfile.js";
export type { LockEntry, Lockfile, SetReference } from "./lockfile.js";
export { hashFiles, listInstalledPlugins, loadPluginDir, pluginDir, pluginStore, verifyStore, withStoreLock } from "./store.js";
export type { InstalledPlugin, ListOptions, PluginProblem, PluginStore, VerifyResult } from "./store.js";
export { installPlugin, installPlugins, installSet, parseSpec, removePlugin, updatePlugins } from "./install.js";
export type { InstallOptions, PackageSpec, SetInstallOptions, UpdateResult } from "./install.js";
export {
  CuratedSetSchema,
  MAX_SET_BYTES,
  SET_TYPE,
  UnsignedSetSchema,
  canonicalSetBytes,
  generateSigningKey,
  keyIdOf,
  parsePrivateKey,
  parsePublicKey,
  parseSet,
  signSet,
  trustedKeyFrom,
  verifySet,
} from "./sets.js";
export type { CuratedSet, GeneratedKey, SetPlugin, TrustedKey, UnsignedSet } from "./sets.js";
export { SET_FILE, SET_KEYWORD, createSet, fetchSet, publishSet } from "./set-package.js";
export type { CreateSetInput } from "./set-package.js";
export { addTrustedKey, readTrustedKeys, removeTrustedKey } from "./trust.js";
