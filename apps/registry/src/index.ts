/** The checks marketplace server: verdaccio configured for plugins, in process or as a background daemon. */
export { DEFAULT_PORT, OFFICIAL_SCOPE, buildVerdaccioConfig, registryPaths } from "./config.js";
export type { RegistryOptions, RegistryPaths, Uplink } from "./config.js";
export { startRegistry, startRegistryWithState } from "./server.js";
export type { RunningRegistry } from "./server.js";
export { RegistryError, addRegistryUser, createRegistryUser, pingRegistry, publisherToken, readRegistryState, registryStatus, startRegistryDaemon, stopRegistryDaemon } from "./control.js";
export type { RegistryErrorCode, RegistryState, RegistryStatus, StartResult } from "./control.js";
export { RegistrySettingsSchema, readRegistrySettings, registryOptionsFrom } from "./settings.js";
export type { RegistrySettings } from "./settings.js";
