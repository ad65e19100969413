import { posix } from "node:path";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { MarketplaceError } from "./errors.js";

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** Bounds on what one package tarball may expand to. */
export interface TarLimits {
  /** Total bytes after decompression, headers included. */
  maxUnpackedBytes: number;
  /** Bytes of one file. */
  maxFileBytes: number;
  /** Number of entries, directories included. */
  maxEntries: number;
  /** Characters of one path. */
  maxPathLength: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxUnpackedBytes: 64 * 1024 * 1024,
  maxFileBytes: 32 * 1024 * 1024,
  maxEntries: 2000,
  maxPathLength: 1024,
};

/** A regular file of a package tarball, with its path relative to the package root. */
export interface TarFile {
  path: string;
  data: Buffer;
}

const BLOCK = 512;

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString("utf8");
}

function octal(header: Buffer, start: number, length: number, packageName: string): number {
  const first = header[start] ?? 0;
  if (first & 0x80) {
    // GNU base-256 encoding, used only for sizes above 8 GiB: always over the limits.
    throw new MarketplaceError("TARBALL_TOO_LARGE", `The tarball of ${packageName} declares an entry larger than 8 GiB; a plugin package is far smaller. Report the package to its publisher.`, { package: packageName });
  }
  const text = field(header, start, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw invalid(packageName, `a header field contains "${text}" instead of an octal number`);
  return parseInt(text, 8);
}

function checksumMatches(header: Buffer, packageName: string): boolean {
  const expected = octal(header, 148, 8, packageName);
  let sum = 0;
  for (let index = 0; index < BLOCK; index++) sum += index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
  return sum === expected;
}

function invalid(packageName: string, detail: string): MarketplaceError {
  return new MarketplaceError("INVALID_TARBALL", `The tarball of ${packageName} is not a valid package archive: ${detail}. Ask the publisher to republish it with "npm publish".`, { package: packageName });
}

function unsafe(packageName: string, detail: string): MarketplaceError {
  return new MarketplaceError("UNSAFE_TARBALL", `The tarball of ${packageName} was rejected: ${detail}. A plugin package contains only regular files inside the package folder; do not install it and report it to the registry's operator.`, { package: packageName });
}

function tooLarge(packageName: string, detail: string): MarketplaceError {
  return new MarketplaceError("TARBALL_TOO_LARGE", `The tarball of ${packageName} is too large: ${detail}. A plugin is one bundle and its manifest; report the package to its publisher.`, { package: packageName });
}

/** Parses the records of a pax extended header (`LENGTH KEY=VALUE\n`). */
function parsePax(data: Buffer, packageName: string): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(data.subarray(offset, space).toString("ascii"), 10);
    if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) throw invalid(packageName, "a pax header record has a bad length");
    const record = data.subarray(space + 1, offset + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/**
 * Turns an archive path into a path relative to the package root, dropping the
 * first folder (`package/` in tarballs made by npm), or rejects it when it is
 * absolute, leaves the root, or contains characters no package file needs.
 */
function packagePath(rawPath: string, packageName: string, limits: TarLimits): string | undefined {
  if (rawPath.length > limits.maxPathLength) throw unsafe(packageName, `a path is ${rawPath.length} characters long, over the limit of ${limits.maxPathLength}`);
  if (rawPath.includes("\0") || rawPath.includes("\\")) throw unsafe(packageName, `the path ${JSON.stringify(rawPath)} contains a NUL or backslash`);
  if (rawPath.startsWith("/")) throw unsafe(packageName, `the path ${JSON.stringify(rawPath)} is absolute`);
  const parts = rawPath.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw unsafe(packageName, `the path ${JSON.stringify(rawPath)} leaves the package folder`);
  const inside = parts.slice(1);
  if (inside.length === 0) return undefined;
  return posix.join(...inside);
}

/**
 * Unpacks a gzipped package tarball in memory, within `limits`. Only regular
 * files and folders are accepted: links, devices, FIFOs, absolute paths and
 * paths with `..` reject the whole tarball, as do duplicate paths.
 */
export async function readPackageTarball(gzipped: Uint8Array, packageName: string, limits: TarLimits = DEFAULT_TAR_LIMITS): Promise<TarFile[]> {
  let archive: Buffer;
  try {
    archive = await gunzipAsync(gzipped, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw tooLarge(packageName, `it expands to more than ${limits.maxUnpackedBytes} bytes`);
    }
    throw invalid(packageName, `gzip decompression failed (${(error as Error).message})`);
  }

  const files: TarFile[] = [];
  const seen = new Set<string>();
  const folders = new Set<string>();
  let entries = 0;
  let offset = 0;
  let pax = new Map<string, string>();
  let longName: string | undefined;

  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    if (!checksumMatches(header, packageName)) throw invalid(packageName, `the header at byte ${offset} has a bad checksum`);

    const size = octal(header, 124, 12, packageName);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > archive.length) throw invalid(packageName, "it ends inside an entry");
    const data = archive.subarray(dataStart, dataEnd);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (++entries > limits.maxEntries) throw tooLarge(packageName, `it has more than ${limits.maxEntries} entries`);

    if (type === "x") {
      pax = parsePax(data, packageName);
      continue;
    }
    if (type === "g") continue;
    if (type === "L") {
      longName = data.toString("utf8").replace(/\0+$/, "");
      continue;
    }

    // A pax size overrides the header's size field; this reader uses the header's, so the two must agree.
    const paxSize = pax.get("size");
    if (paxSize !== undefined && Number(paxSize) !== size) throw invalid(packageName, `a pax header gives size ${paxSize} for an entry of ${size} bytes`);

    const prefix = field(header, 345, 155);
    const name = field(header, 0, 100);
    const rawPath = pax.get("path") ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    pax = new Map();
    longName = undefined;

    if (type === "1" || type === "2") {
      throw unsafe(packageName, `${JSON.stringify(rawPath)} is a ${type === "1" ? "hard" : "symbolic"} link to ${JSON.stringify(field(header, 157, 100))}`);
    }
    if (type === "5") {
      const folder = packagePath(rawPath, packageName, limits);
      if (folder !== undefined) folders.add(folder);
      continue;
    }
    if (type !== "0" && type !== "\0" && type !== "7") {
      throw unsafe(packageName, `${JSON.stringify(rawPath)} is not a regular file (tar type "${type}")`);
    }

    const path = packagePath(rawPath, packageName, limits);
    if (path === undefined) throw unsafe(packageName, `the file ${JSON.stringify(rawPath)} replaces the package folder`);
    if (size > limits.maxFileBytes) throw tooLarge(packageName, `${path} has ${size} bytes, over the limit of ${limits.maxFileBytes}`);
    if (seen.has(path)) throw unsafe(packageName, `${path} appears twice, so what gets installed would depend on the extractor`);
    seen.add(path);
    files.push({ path, data: Buffer.from(data) });
  }

  // A file that is also a parent folder of another entry could not be written safely.
  for (const file of files) {
    if (folders.has(file.path) || files.some((other) => other.path.startsWith(`${file.path}/`))) {
      throw unsafe(packageName, `${file.path} is both a file and a folder`);
    }
  }
  return files;
}

function writeOctal(header: Buffer, value: number, start: number, length: number): void {
  header.write(value.toString(8).padStart(length - 1, "0") + "\0", start, length, "ascii");
}

/**
 * Packs files into a gzipped tarball laid out as npm does (`package/PATH`,
 * mode 0644, fixed mtime), for publishing sets and generated packages.
 */
export async function packPackageTarball(files: readonly { path: string; data: Uint8Array }[]): Promise<Buffer> {
  const blocks: Buffer[] = [];
  for (const file of [...files].sort((left, right) => left.path.localeCompare(right.path))) {
    const path = `package/${file.path}`;
    if (Buffer.byteLength(path) > 100) throw new TypeError(`Path "${file.path}" is too long for a plain tar header (max 92 bytes).`);
    const header = Buffer.alloc(BLOCK);
    header.write(path, 0, 100, "utf8");
    writeOctal(header, 0o644, 100, 8);
    writeOctal(header, 0, 108, 8);
    writeOctal(header, 0, 116, 8);
    writeOctal(header, file.data.length, 124, 12);
    // 1985-10-26, the fixed mtime npm writes so that packing is reproducible.
    writeOctal(header, 499162500, 136, 12);
    header.write("0", 156, 1, "ascii");
    header.write("ustar\0", 257, 6, "ascii");
    header.write("00", 263, 2, "ascii");
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
    blocks.push(header, Buffer.from(file.data), Buffer.alloc((BLOCK - (file.data.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return gzipAsync(Buffer.concat(blocks));
}
