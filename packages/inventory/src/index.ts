/** Installed-package inventory of an image (dpkg, apk, rpm, Python, npm), os-release and CycloneDX export. */
export { collectInventory } from "./collect.js";
export type { InventoryResult } from "./collect.js";
export { INVENTORY_CONTENT_NEEDS, OS_RELEASE_PATHS, RPM_BERKELEY_PATHS, RPM_NDB_PATHS, RPM_SQLITE_PATHS } from "./needs.js";
export type { ContentNeed } from "./needs.js";
export { toCycloneDx, CYCLONEDX_PROPERTIES } from "./cyclonedx.js";
export type { CycloneDxOptions } from "./cyclonedx.js";
export { parseOsRelease } from "./os-release.js";
export { parseDpkgStatus } from "./dpkg.js";
export { parseApkInstalled } from "./apk.js";
export { parseRpmHeader, parseRpmSqlite, RPM_TAG } from "./rpm.js";
export { parsePythonMetadata } from "./python.js";
export { parsePackageJson, installedPackageFolder } from "./npm.js";
export { buildPurl } from "./purl.js";
export type { ParsedPackage, ParseResult } from "./parsed.js";
export { InventoryError } from "./errors.js";
export type { InventoryErrorCode } from "./errors.js";
export { INVENTORY_LIMITS } from "./limits.js";
