import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Readable } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { AdvisoryWriter, type AdvisoryDb } from "./db.js";
import { VulnDbError } from "./errors.js";
import { OSV_LIMITS, osvRecordSchema, toAdvisoryRow, type AdvisoryRow } from "./osv.js";

/** Limits on one import source. */
export const IMPORT_LIMITS = Object.freeze({
  /** Entries of a zip archive or files under a folder. */
  maxEntries: 2_000_000,
  /** Folder nesting below the source folder. */
  maxDepth: 16,
  /** Uncompressed to compressed size of one zip entry. */
  maxCompressionRatio: 1_000,
  /** Notes kept in the summary; later ones are only counted. */
  maxNotes: 100,
  /** Records written per transaction. */
  batchSize: 2_000,
  /** Largest zip archive read into memory whole; larger ones are read from the file entry by entry. */
  maxInMemoryZipBytes: 512 * 1024 * 1024,
  /** Zip entries inflated at the same time; each keeps at most one record in memory. */
  zipConcurrency: 32,
});

export interface ImportSummary {
  /** The folder, zip archive or JSON file imported. */
  source: string;
  importId: number;
  startedAt: string;
  finishedAt: string;
  /** Records read, including skipped ones. */
  records: number;
  added: number;
  updated: number;
  /** Records whose id was already stored with the same or a newer `modified` time. */
  unchanged: number;
  /** Records marked withdrawn; they are kept but never match. */
  withdrawn: number;
  /** Records that were invalid or over a limit. */
  skipped: number;
  /** Reasons for skipped records, at most `IMPORT_LIMITS.maxNotes`; `skipped` counts all. */
  notes: string[];
}

export interface ImportOptions {
  /** Largest zip archive read into memory whole; defaults to IMPORT_LIMITS.maxInMemoryZipBytes. */
  maxInMemoryZipBytes?: number;
}

interface RawRecord {
  /** Origin of the record for notes: `file.json` or `archive.zip!entry.json`. */
  origin: string;
  bytes?: Buffer;
  /** Set when the record could not be read at all. */
  problem?: string;
}

/**
 * Imports OSV records from a folder (searched recursively for `*.json`), a zip
 * archive such as the per-ecosystem `all.zip` files osv.dev publishes, or one
 * JSON file. Importing the same records again changes nothing, because a record
 * is only written when its `modified` time is newer than the stored one. An
 * invalid record is skipped with a note; a source that cannot be read at all
 * throws VulnDbError (`SOURCE_NOT_FOUND`, `SOURCE_UNSUPPORTED`, `ARCHIVE_INVALID`).
 */
export async function importOsv(db: AdvisoryDb, source: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const kind = await detectSource(source);
  const startedAt = new Date().toISOString();
  const importId = Number(
    db.sqlite.prepare("INSERT INTO imports (source, started_at) VALUES (?, ?)").run(source, startedAt).lastInsertRowid,
  );
  const writer = new AdvisoryWriter(db, importId);
  const summary: ImportSummary = {
    source, importId, startedAt, finishedAt: startedAt,
    records: 0, added: 0, updated: 0, unchanged: 0, withdrawn: 0, skipped: 0, notes: [],
  };

  const skip = (origin: string, reason: string): void => {
    summary.skipped++;
    if (summary.notes.length < IMPORT_LIMITS.maxNotes) summary.notes.push(`${origin}: ${reason}`);
  };
  let batch: AdvisoryRow[] = [];
  const writeBatch = db.sqlite.transaction((rows: AdvisoryRow[]) => {
    for (const row of rows) {
      summary[writer.write(row)]++;
      if (row.withdrawn) summary.withdrawn++;
    }
  });
  const flush = (): void => {
    if (batch.length > 0) writeBatch(batch);
    batch = [];
  };

  const maxInMemory = options.maxInMemoryZipBytes ?? IMPORT_LIMITS.maxInMemoryZipBytes;
  const records = kind === "zip" ? readZip(source, maxInMemory) : kind === "folder" ? readFolder(source) : readSingleFile(source);
  for await (const raw of records) {
    summary.records++;
    const row = parseRecord(raw, skip);
    if (!row) continue;
    batch.push(row);
    if (batch.length >= IMPORT_LIMITS.batchSize) flush();
  }
  flush();

  summary.finishedAt = new Date().toISOString();
  db.sqlite
    .prepare(
      `UPDATE imports SET finished_at = ?, records = ?, added = ?, updated = ?, unchanged = ?, withdrawn = ?, skipped = ? WHERE id = ?`,
    )
    .run(summary.finishedAt, summary.records, summary.added, summary.updated, summary.unchanged, summary.withdrawn, summary.skipped, importId);
  return summary;
}

function parseRecord(raw: RawRecord, skip: (origin: string, reason: string) => void): AdvisoryRow | undefined {
  if (raw.problem || !raw.bytes) {
    skip(raw.origin, raw.problem ?? "could not be read");
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.bytes.toString("utf8"));
  } catch (error) {
    skip(raw.origin, `invalid JSON (${(error as Error).message})`);
    return undefined;
  }
  const parsed = osvRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    skip(raw.origin, `not an OSV record: ${issue ? `${issue.path.join(".") || "(record)"}: ${issue.message}` : "invalid"}`);
    return undefined;
  }
  return toAdvisoryRow(parsed.data).row;
}

async function detectSource(source: string): Promise<"folder" | "zip" | "json"> {
  let stats;
  try {
    stats = await lstat(source);
  } catch (error) {
    throw new VulnDbError("SOURCE_NOT_FOUND", `Advisory source ${source} does not exist; pass a folder of OSV JSON files or a zip archive.`, { cause: error });
  }
  if (stats.isDirectory()) return "folder";
  if (!stats.isFile()) {
    throw new VulnDbError("SOURCE_UNSUPPORTED", `Advisory source ${source} is neither a folder nor a regular file.`);
  }

  const handle = await open(source, "r");
  const magic = Buffer.alloc(4);
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (magic[0] === 0x50 && magic[1] === 0x4b && (magic[2] === 3 || magic[2] === 5) && (magic[3] === 4 || magic[3] === 6)) return "zip";
  if (source.endsWith(".json")) return "json";
  throw new VulnDbError(
    "SOURCE_UNSUPPORTED",
    `Advisory source ${source} is neither a zip archive nor a .json file; pass a folder of OSV JSON files or a zip archive.`,
  );
}

async function* readSingleFile(file: string): AsyncGenerator<RawRecord> {
  yield readJsonFile(file, basename(file));
}

/**
 * Reads one record file synchronously: a folder import reads many small files
 * one after another, and synchronous reads avoid a thread-pool round trip per file.
 */
function readJsonFile(file: string, origin: string): RawRecord {
  try {
    const size = lstatSync(file).size;
    if (size > OSV_LIMITS.maxRecordBytes) {
      return { origin, problem: `${size} bytes, more than the ${OSV_LIMITS.maxRecordBytes}-byte limit for one record` };
    }
    return { origin, bytes: readFileSync(file) };
  } catch (error) {
    return { origin, problem: `cannot be read (${(error as Error).message})` };
  }
}

/** Yields every `*.json` regular file under `root`, in name order, without following symlinks. */
async function* readFolder(root: string): AsyncGenerator<RawRecord> {
  let seen = 0;
  const pending: { folder: string; depth: number }[] = [{ folder: root, depth: 0 }];
  while (pending.length > 0) {
    const { folder, depth } = pending.shift()!;
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      seen++;
      if (seen > IMPORT_LIMITS.maxEntries) {
        throw new VulnDbError("SOURCE_UNSUPPORTED", `Advisory folder ${root} has more than ${IMPORT_LIMITS.maxEntries} entries; import it in parts.`);
      }
      const path = join(folder, entry.name);
      const origin = path.slice(root.length + 1) || entry.name;
      if (entry.isDirectory()) {
        if (depth + 1 > IMPORT_LIMITS.maxDepth) yield { origin, problem: `folder nested deeper than ${IMPORT_LIMITS.maxDepth} levels; not searched` };
        else pending.push({ folder: path, depth: depth + 1 });
      } else if (entry.isFile() && entry.name.endsWith(".json")) {
        yield readJsonFile(path, origin);
      }
    }
  }
}

/** Yields every `*.json` entry of a zip archive, checking sizes before and while inflating and the CRC-32 after. */
async function* readZip(file: string, maxInMemory: number): AsyncGenerator<RawRecord> {
  let zip: yauzl.ZipFile;
  let archive: Buffer | undefined;
  const options: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
  const settle = (resolve: (zip: yauzl.ZipFile) => void, reject: (error: unknown) => void) => (error: Error | null, opened?: yauzl.ZipFile) =>
    error || !opened ? reject(error) : resolve(opened);
  try {
    // An archive up to maxInMemoryZipBytes is read whole, because yauzl then reads
    // every central-directory record and entry from memory instead of one file read each.
    const size = lstatSync(file).size;
    if (size <= maxInMemory) archive = readFileSync(file);
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      if (archive) yauzl.fromBuffer(archive, options, settle(resolve, reject));
      else yauzl.open(file, options, settle(resolve, reject));
    });
  } catch (error) {
    throw new VulnDbError("ARCHIVE_INVALID", `Advisory archive ${file} is not a valid zip archive: ${(error as Error).message}`, { cause: error });
  }

  try {
    if (zip.entryCount > IMPORT_LIMITS.maxEntries) {
      throw new VulnDbError("ARCHIVE_INVALID", `Advisory archive ${file} has ${zip.entryCount} entries, more than the limit of ${IMPORT_LIMITS.maxEntries}.`);
    }
    // Entries are inflated a batch at a time, concurrently, and yielded in archive order.
    for (let finished = false; !finished; ) {
      const batch: yauzl.Entry[] = [];
      while (batch.length < IMPORT_LIMITS.zipConcurrency) {
        const entry = await nextEntry(zip, file);
        if (!entry) {
          finished = true;
          break;
        }
        if (!entry.fileName.endsWith("/") && entry.fileName.endsWith(".json")) batch.push(entry);
      }
      const origin = (entry: yauzl.Entry): string => `${basename(file)}!${entry.fileName}`;
      if (archive) {
        for (const entry of batch) yield inflateFromMemory(archive, entry, origin(entry));
      } else {
        yield* await Promise.all(batch.map((entry) => readZipEntry(zip, entry, origin(entry))));
      }
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile, file: string): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.removeListener("entry", onEntry);
      zip.removeListener("end", onEnd);
      zip.removeListener("error", onError);
    };
    const onEntry = (entry: yauzl.Entry): void => {
      cleanup();
      resolve(entry);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new VulnDbError("ARCHIVE_INVALID", `Advisory archive ${file} is damaged: ${error.message}`, { cause: error }));
    };
    zip.once("entry", onEntry);
    zip.once("end", onEnd);
    zip.once("error", onError);
    zip.readEntry();
  });
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;

/**
 * Inflates one entry of an archive held in memory with one synchronous zlib
 * call, which costs far less than a stream per entry. Checks the size limit,
 * the compression ratio and the CRC-32.
 */
function inflateFromMemory(archive: Buffer, entry: yauzl.Entry, origin: string): RawRecord {
  const limit = OSV_LIMITS.maxRecordBytes;
  if (entry.uncompressedSize > limit) {
    return { origin, problem: `${entry.uncompressedSize} bytes uncompressed, more than the ${limit}-byte limit for one record` };
  }
  if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > IMPORT_LIMITS.maxCompressionRatio) {
    return { origin, problem: `compression ratio above ${IMPORT_LIMITS.maxCompressionRatio}:1` };
  }
  if (entry.isEncrypted()) return { origin, problem: "encrypted entries are not supported" };

  const header = entry.relativeOffsetOfLocalHeader;
  if (header + LOCAL_HEADER_BYTES > archive.length || archive.readUInt32LE(header) !== LOCAL_HEADER_SIGNATURE) {
    return { origin, problem: "local file header is missing or damaged" };
  }
  const start = header + LOCAL_HEADER_BYTES + archive.readUInt16LE(header + 26) + archive.readUInt16LE(header + 28);
  if (start + entry.compressedSize > archive.length) return { origin, problem: "entry data runs past the end of the archive" };
  const stored = archive.subarray(start, start + entry.compressedSize);

  let bytes: Buffer;
  try {
    if (entry.compressionMethod === 0) bytes = stored;
    else if (entry.compressionMethod === 8) bytes = inflateRawSync(stored, { maxOutputLength: limit });
    else return { origin, problem: `compression method ${entry.compressionMethod} is not supported; use deflate or store` };
  } catch (error) {
    return { origin, problem: `cannot be inflated (${(error as Error).message})` };
  }
  if (bytes.length !== entry.uncompressedSize) return { origin, problem: "inflated size differs from the size the archive declares" };
  if (crc32(bytes) >>> 0 !== entry.crc32 >>> 0) return { origin, problem: "CRC-32 mismatch" };
  return { origin, bytes };
}

async function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, origin: string): Promise<RawRecord> {
  const limit = OSV_LIMITS.maxRecordBytes;
  if (entry.uncompressedSize > limit) {
    return { origin, problem: `${entry.uncompressedSize} bytes uncompressed, more than the ${limit}-byte limit for one record` };
  }
  if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > IMPORT_LIMITS.maxCompressionRatio) {
    return { origin, problem: `compression ratio above ${IMPORT_LIMITS.maxCompressionRatio}:1` };
  }

  try {
    const stream = await new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, (error, opened) => (error || !opened ? reject(error) : resolve(opened))),
    );
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        stream.destroy();
        return { origin, problem: `more than the ${limit}-byte limit for one record` };
      }
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    // yauzl checks sizes but not the CRC-32.
    if (crc32(bytes) >>> 0 !== entry.crc32 >>> 0) return { origin, problem: "CRC-32 mismatch" };
    return { origin, bytes };
  } catch (error) {
    return { origin, problem: `cannot be inflated (${(error as Error).message})` };
  }
}
