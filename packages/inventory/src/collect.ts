import type { FileIndex, ImageData, OsRelease, PackageEcosystem, PackageRecord } from "@checks/sdk";
import { parseApkInstalled } from "./apk.js";
import { parseDpkgStatus } from "./dpkg.js";
import { InventoryError } from "./errors.js";
import { INVENTORY_LIMITS } from "./limits.js";
import { RPM_BERKELEY_PATHS, RPM_NDB_PATHS, RPM_SQLITE_PATHS } from "./needs.js";
import { installedPackageFolder, parsePackageJson } from "./npm.js";
import { findOsRelease } from "./os-release.js";
import type { ParsedPackage, ParseResult } from "./parsed.js";
import { buildPurl, distroNamespace, distroQualifier, npmPurl, pypiPurl, splitEpoch } from "./purl.js";
import { parsePythonMetadata } from "./python.js";
import { parseRpmSqlite } from "./rpm.js";
import { decodeText, InventorySource } from "./source.js";

export interface InventoryResult {
  packages: PackageRecord[];
  osRelease?: OsRelease;
  /** Problems met while reading, one line each: skipped entries, unsupported databases, missing content. */
  notes: string[];
}

type DatabaseParser = (bytes: Uint8Array, file: string) => ParseResult;

const DPKG_STATUS = "/var/lib/dpkg/status";
const DPKG_STATUS_D = "/var/lib/dpkg/status.d/";
const APK_INSTALLED = "/lib/apk/db/installed";

/**
 * Lists the installed packages of an image from its merged files: dpkg
 * (`status` and distroless `status.d`), apk, rpm (SQLite database), Python
 * (`dist-info` and `egg-info`) and npm (`node_modules`). Works on content the
 * engine collected for INVENTORY_CONTENT_NEEDS and writes nothing. Malformed
 * input does not throw: each problem becomes a note and reading goes on.
 */
export function collectInventory(image: ImageData | FileIndex): InventoryResult {
  const source = new InventorySource(image);
  const osRelease = findOsRelease(source);
  const packages: PackageRecord[] = [];

  packages.push(...readDatabase(source, DPKG_STATUS, (bytes, file) => parseDpkgStatus(decodeText(bytes), file, { statusRequired: true }), "deb", osRelease));
  for (const path of source.paths) {
    if (!path.startsWith(DPKG_STATUS_D) || path.endsWith(".md5sums") || path.slice(DPKG_STATUS_D.length).includes("/")) continue;
    packages.push(...readDatabase(source, path, (bytes, file) => parseDpkgStatus(decodeText(bytes), file, { statusRequired: false }), "deb", osRelease));
  }

  packages.push(...readDatabase(source, APK_INSTALLED, (bytes, file) => parseApkInstalled(decodeText(bytes), file), "apk", osRelease));

  for (const path of RPM_SQLITE_PATHS) packages.push(...readDatabase(source, path, parseRpmSqlite, "rpm", osRelease));
  noteUnsupportedRpm(source);

  packages.push(...readLanguagePackages(source));

  const result: InventoryResult = { packages, notes: source.notes };
  if (osRelease) result.osRelease = osRelease;
  return result;
}

function readDatabase(source: InventorySource, path: string, parse: DatabaseParser, ecosystem: "deb" | "apk" | "rpm", osRelease: OsRelease | undefined): PackageRecord[] {
  const record = source.lookup(path);
  if (!record || record.type !== "file") return [];
  const bytes = source.content(record);
  if (!bytes) return [];

  let result: ParseResult;
  try {
    result = parse(bytes, path);
  } catch (error) {
    if (!(error instanceof InventoryError)) throw error;
    source.notes.push(`${error.message}; its packages are not listed.`);
    return [];
  }
  source.notes.push(...result.notes);

  const firstLayers = layersThatAdded(source, path, parse);
  return result.packages.map((parsed) => toRecord(parsed, ecosystem, path, firstLayers?.get(packageKey(parsed)) ?? record.layer, osRelease));
}

function packageKey(parsed: ParsedPackage): string {
  return `${parsed.name}\u0000${parsed.version}\u0000${parsed.architecture ?? ""}`;
}

/**
 * For layered images, finds the first layer whose copy of the database lists
 * each package. A package database is rewritten by every layer that installs
 * anything, so the merged file's layer is only the last writer.
 */
function layersThatAdded(source: InventorySource, path: string, parse: DatabaseParser): Map<string, number> | undefined {
  const layers = source.data.layers;
  if (!layers || layers.length < 2) return undefined;

  const first = new Map<string, number>();
  for (const layer of layers) {
    const entry = layer.entries.find((candidate) => candidate.path === path && candidate.type === "file" && !candidate.whiteout);
    if (!entry?.content) continue;
    let result: ParseResult;
    try {
      result = parse(entry.content, path);
    } catch {
      continue;
    }
    for (const parsed of result.packages) {
      const key = packageKey(parsed);
      if (!first.has(key)) first.set(key, layer.index);
    }
  }
  return first;
}

function toRecord(parsed: ParsedPackage, ecosystem: "deb" | "apk" | "rpm", source: string, layer: number, osRelease: OsRelease | undefined): PackageRecord {
  const { epoch, version } = ecosystem === "apk" ? { epoch: undefined, version: parsed.version } : splitEpoch(parsed.version);
  const purl = buildPurl(ecosystem, distroNamespace(ecosystem, osRelease), parsed.name, version, {
    arch: parsed.architecture,
    distro: distroQualifier(osRelease),
    epoch,
  });
  return withOptional({ ecosystem, name: parsed.name, version: parsed.version, purl, source, layer }, parsed);
}

function withOptional(record: PackageRecord, parsed: ParsedPackage): PackageRecord {
  if (parsed.architecture) record.architecture = parsed.architecture;
  if (parsed.sourceName) record.sourceName = parsed.sourceName;
  if (parsed.sourceVersion) record.sourceVersion = parsed.sourceVersion;
  if (parsed.licenses) record.licenses = parsed.licenses;
  return record;
}

function noteUnsupportedRpm(source: InventorySource): void {
  const formats: [readonly string[], string][] = [
    [RPM_BERKELEY_PATHS, "Berkeley DB"],
    [RPM_NDB_PATHS, "ndb"],
  ];
  for (const [paths, format] of formats) {
    for (const path of paths) {
      if (source.lookup(path)?.type !== "file") continue;
      source.notes.push(`${path}: rpm database in ${format} format is not supported yet; its packages are not listed. Only rpmdb.sqlite (rpm 4.16 and later) is read.`);
    }
  }
}

/** Python and npm packages, found by path: one manifest per installed package. */
function readLanguagePackages(source: InventorySource): PackageRecord[] {
  const packages: PackageRecord[] = [];
  let manifests = 0;

  for (const path of source.paths) {
    const kind = languageManifestKind(path);
    if (!kind) continue;
    const record = source.lookup(path);
    if (!record || record.type !== "file") continue;
    if (++manifests > INVENTORY_LIMITS.maxManifests) {
      source.notes.push(`More than ${INVENTORY_LIMITS.maxManifests} Python and npm manifests; the rest are not listed.`);
      break;
    }
    const bytes = source.content(record);
    if (!bytes) continue;

    const text = decodeText(bytes);
    const parsed = kind.ecosystem === "pypi" ? parsePythonMetadata(text) : parsePackageJson(text, kind.folder);
    if (!parsed) {
      source.notes.push(`${path}: not a valid ${kind.ecosystem === "pypi" ? "Python metadata file (Name and Version required)" : "package.json (JSON with a version required)"}; skipped.`);
      continue;
    }
    const purl = kind.ecosystem === "pypi" ? pypiPurl(parsed.name, parsed.version) : npmPurl(parsed.name, parsed.version);
    packages.push(withOptional({ ecosystem: kind.ecosystem, name: parsed.name, version: parsed.version, purl, source: path, layer: record.layer }, parsed));
  }
  return packages;
}

function languageManifestKind(path: string): { ecosystem: PackageEcosystem; folder: string } | undefined {
  if (path.endsWith(".dist-info/METADATA") || path.endsWith(".egg-info/PKG-INFO") || path.endsWith(".egg-info")) {
    return { ecosystem: "pypi", folder: "" };
  }
  if (path.endsWith("/package.json")) {
    const folder = installedPackageFolder(path);
    if (folder) return { ecosystem: "npm", folder };
  }
  return undefined;
}
