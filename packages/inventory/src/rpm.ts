import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { InventoryError, type InventoryErrorCode } from "./errors.js";
import { INVENTORY_LIMITS } from "./limits.js";
import type { ParsedPackage, ParseResult } from "./parsed.js";

const require = createRequire(import.meta.url);

/**
 * Loads better-sqlite3 on first use, so images without an rpm database never
 * load the native addon (a restricted runner process needs `--allow-addons` for it).
 */
function openSerialized(bytes: Buffer): Database.Database {
  const Sqlite = require("better-sqlite3") as typeof Database;
  return new Sqlite(bytes, { readonly: true });
}

/** rpm header tags (rpmtag.h). */
export const RPM_TAG = Object.freeze({
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
});

/** rpm header data types (rpmtag.h). */
const TYPE = Object.freeze({ INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 });

const ENTRY_BYTES = 16;
const decoder = new TextDecoder("utf-8", { fatal: false });

type HeaderValue = string | number;

/**
 * Reads the tags this package needs from one rpm header blob as rpmdb.sqlite
 * stores it: a big-endian index count and data length, 16-byte index entries
 * (tag, type, offset, count), then the data. Throws InventoryError
 * `INVALID_DATABASE` when an offset or count points outside the blob and
 * `LIMIT_EXCEEDED` when the header declares more than INVENTORY_LIMITS allow.
 */
export function parseRpmHeader(blob: Uint8Array, file: string): Map<number, HeaderValue> {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const invalid = (reason: string, code: InventoryErrorCode = "INVALID_DATABASE"): InventoryError => new InventoryError(code, file, `rpm header ${reason}`);
  if (blob.byteLength < 8) throw invalid("is shorter than 8 bytes");

  const entryCount = view.getUint32(0);
  const dataLength = view.getUint32(4);
  if (entryCount > INVENTORY_LIMITS.maxRpmHeaderEntries || dataLength > INVENTORY_LIMITS.maxRpmHeaderBytes) {
    throw invalid(
      `declares ${entryCount} entries and ${dataLength} data bytes; the limits are ${INVENTORY_LIMITS.maxRpmHeaderEntries} and ${INVENTORY_LIMITS.maxRpmHeaderBytes}`,
      "LIMIT_EXCEEDED",
    );
  }
  const dataStart = 8 + entryCount * ENTRY_BYTES;
  if (dataStart + dataLength > blob.byteLength) throw invalid("is shorter than its declared size");

  const tags = new Set<number>(Object.values(RPM_TAG));
  const values = new Map<number, HeaderValue>();
  for (let index = 0; index < entryCount; index++) {
    const at = 8 + index * ENTRY_BYTES;
    const tag = view.getUint32(at);
    if (!tags.has(tag)) continue;
    const type = view.getUint32(at + 4);
    const offset = view.getUint32(at + 8);
    const count = view.getUint32(at + 12);
    if (offset >= dataLength) throw invalid(`entry for tag ${tag} points outside the data`);

    const absolute = dataStart + offset;
    if (type === TYPE.INT32) {
      if (count < 1 || offset + 4 > dataLength) throw invalid(`entry for tag ${tag} points outside the data`);
      values.set(tag, view.getInt32(absolute));
    } else if (type === TYPE.STRING || type === TYPE.STRING_ARRAY || type === TYPE.I18NSTRING) {
      // Arrays and translated strings: the first string is the untranslated value.
      const end = blob.indexOf(0, absolute);
      if (end < 0 || end > dataStart + dataLength) throw invalid(`string for tag ${tag} is not terminated`);
      values.set(tag, decoder.decode(blob.subarray(absolute, end)));
    }
  }
  return values;
}

/** Copies a SQLite file image and marks it as a rollback-journal database, since SQLite cannot deserialize a WAL-mode image. */
function withoutWal(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  if (copy.length >= 20 && copy[18] === 2 && copy[19] === 2) {
    copy[18] = 1;
    copy[19] = 1;
  }
  return copy;
}

/**
 * Lists the packages of an rpm SQLite database (`rpmdb.sqlite`, rpm 4.16 and
 * later) from its bytes, in memory: nothing is written to disk. A header that
 * cannot be read is skipped with a note; a file that is not an rpm database
 * throws InventoryError `INVALID_DATABASE`.
 */
export function parseRpmSqlite(bytes: Uint8Array, file: string): ParseResult {
  let db: Database.Database;
  try {
    db = openSerialized(withoutWal(bytes));
  } catch (error) {
    throw new InventoryError("INVALID_DATABASE", file, `is not a SQLite database (${(error as Error).message})`, { cause: error });
  }

  const notes: string[] = [];
  const packages: ParsedPackage[] = [];
  try {
    let rows: Iterable<{ hnum: number; blob: Uint8Array }>;
    try {
      rows = db.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum").iterate() as Iterable<{ hnum: number; blob: Uint8Array }>;
    } catch (error) {
      throw new InventoryError("INVALID_DATABASE", file, `has no readable Packages table (${(error as Error).message})`, { cause: error });
    }
    for (const row of rows) {
      if (packages.length >= INVENTORY_LIMITS.maxPackagesPerDatabase) {
        notes.push(`${file}: more than ${INVENTORY_LIMITS.maxPackagesPerDatabase} packages; the rest are not listed.`);
        break;
      }
      try {
        const parsed = toPackage(parseRpmHeader(row.blob, file));
        if (parsed === "signing-key") continue;
        if (parsed) packages.push(parsed);
        else notes.push(`${file}: header ${row.hnum} has no name or version; skipped.`);
      } catch (error) {
        if (!(error instanceof InventoryError)) throw error;
        notes.push(`${error.message} (header ${row.hnum}); skipped.`);
      }
    }
  } finally {
    db.close();
  }
  return { packages, notes };
}

function toPackage(header: Map<number, HeaderValue>): ParsedPackage | "signing-key" | undefined {
  const name = header.get(RPM_TAG.NAME);
  const version = header.get(RPM_TAG.VERSION);
  const release = header.get(RPM_TAG.RELEASE);
  // gpg-pubkey entries are imported signing keys, not installed software.
  if (name === "gpg-pubkey") return "signing-key";
  if (typeof name !== "string" || typeof version !== "string") return undefined;

  const epoch = header.get(RPM_TAG.EPOCH);
  const versionRelease = typeof release === "string" && release !== "" ? `${version}-${release}` : version;
  const parsed: ParsedPackage = { name, version: epoch !== undefined && epoch !== 0 ? `${epoch}:${versionRelease}` : versionRelease };
  if (typeof epoch === "number" && epoch !== 0) parsed.epoch = String(epoch);
  const arch = header.get(RPM_TAG.ARCH);
  if (typeof arch === "string" && arch !== "") parsed.architecture = arch;
  const license = header.get(RPM_TAG.LICENSE);
  if (typeof license === "string" && license !== "") parsed.licenses = [license];

  // SOURCERPM is `name-version-release.src.rpm`.
  const sourceRpm = header.get(RPM_TAG.SOURCERPM);
  const source = typeof sourceRpm === "string" ? /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm) : null;
  if (source) {
    parsed.sourceName = source[1]!;
    parsed.sourceVersion = `${source[2]}-${source[3]}`;
  }
  return parsed;
}
