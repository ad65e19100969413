/**
 * @checks/image: opens Docker/OCI images, filesystem tars and root filesystem
 * folders without mounting, root or a container engine, and reads them in one
 * pass into the SDK's ImageData (a merged filesystem plus the raw layers).
 */
export { openImage, parseRef } from "./open.js";
export type { LayerSummary, OpenedImage, OpenOptions, ParsedRef } from "./open.js";
export { readImage } from "./read.js";
export type { ContentNeed, ReadNeeds, ReadProgress } from "./read.js";
export { inspectImage } from "./inspect.js";
export type { ConfigSummary, ImageInspection, LayerInspection } from "./inspect.js";
export { ImageError, isImageError } from "./errors.js";
export type { ImageErrorCode, ImageErrorOptions } from "./errors.js";
export { DEFAULT_LIMITS, resolveLimits } from "./limits.js";
export type { ImageLimits } from "./limits.js";
export type { Compression } from "./compression.js";
export { hostPlatform, parsePlatform, formatPlatform } from "./platform.js";
export type { Platform } from "./platform.js";
export { TarParser, normalizeEntryPath } from "./tar.js";
export type { TarEntry, TarEntryType, TarHandler } from "./tar.js";
