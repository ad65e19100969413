/**
 * A bounded, streaming tar reader: ustar, GNU (long names 'L'/'K', old sparse
 * 'S'), PAX (local and global headers, SCHILY.xattr.* and LIBARCHIVE.xattr.*,
 * GNU sparse 0.0, 0.1 and 1.0). It is a synchronous push parser: feed chunks
 * with `write`, then call `end`. It keeps at most one header, one metadata
 * record (capped by maxHeaderBytes) and the content the handler asked for.
 * Nothing is written anywhere.
 */
import { ImageError } from "./errors.js";
import type { ImageLimits } from "./limits.js";
import { limitError } from "./limits.js";

export type TarEntryType =
  | "file"
  | "hardlink"
  | "symlink"
  | "char-device"
  | "block-device"
  | "directory"
  | "fifo";

export interface SparseSegment {
  offset: number;
  size: number;
}

export interface TarEntry {
  /** Normalized absolute path inside the archive root (`/etc/passwd`; `/` for the root). */
  path: string;
  /** The name as stored (after PAX and GNU long-name overrides), not normalized. */
  name: string;
  type: TarEntryType;
  /** Permission bits with setuid, setgid and sticky (the low 12 bits of the mode field). */
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  /** Size of the file's content in bytes (the real size for a sparse file). */
  size: number;
  mtime?: number;
  /** Symlink target as stored, or the hardlink's target name as stored. */
  linkName?: string;
  device?: { major: number; minor: number };
  xattrs?: Record<string, Uint8Array>;
  sparse?: SparseSegment[];
  /** Offset of the entry's header in the (decompressed) archive. */
  headerOffset: number;
  /** Offset of the entry's data, and its length in the archive (packed length for sparse files). */
  dataOffset: number;
  dataSize: number;
}

export interface TarHandler {
  /** Called once per entry; returns how many bytes of content to keep (0 keeps none). */
  onEntry(entry: TarEntry): number;
  /** Called after onEntry when it asked for content, with at most that many bytes. */
  onContent?(entry: TarEntry, content: Uint8Array, truncated: boolean): void;
}

export type TarLimits = Pick<ImageLimits, "maxPathLength" | "maxPathDepth" | "maxHeaderBytes" | "maxFileBytes">;

const BLOCK = 512;
const utf8 = new TextDecoder("utf-8", { fatal: false });
const latin1 = new TextDecoder("latin1");

// ---------------------------------------------------------------------------
// Header field decoding (shared with the outer-archive indexer)

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function cString(block: Uint8Array, start: number, length: number): Uint8Array {
  let end = start;
  const stop = start + length;
  while (end < stop && block[end] !== 0) end++;
  return block.subarray(start, end);
}

function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Parses an octal or base-256 numeric field; throws INVALID_TAR on garbage. */
export function parseNumeric(block: Uint8Array, start: number, length: number, field: string): number {
  const first = block[start]!;
  if (first & 0x80) {
    // Base-256 (GNU and star): big-endian two's complement with the top bit as a flag.
    const negative = (first & 0x40) !== 0;
    let value = 0;
    for (let i = 0; i < length; i++) {
      let byte = block[start + i]!;
      if (i === 0) byte &= 0x7f;
      if (negative) byte ^= i === 0 ? 0x7f : 0xff;
      value = value * 256 + byte;
      if (value > Number.MAX_SAFE_INTEGER) throw new ImageError("INVALID_TAR", `Tar header field ${field} is too large.`);
    }
    return negative ? -(value + 1) : value;
  }
  let value = 0;
  let i = start;
  const end = start + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  if (i === end) return 0;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) {
      throw new ImageError("INVALID_TAR", `Tar header field ${field} is not an octal number (${JSON.stringify(latin1.decode(block.subarray(start, end)))}).`);
    }
    value = value * 8 + (c - 0x30);
  }
  return value;
}

export function checksumMatches(block: Uint8Array): boolean {
  const stored = parseNumeric(block, 148, 8, "chksum");
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

/** True when the block looks like a tar header (magic or a valid checksum). */
export function looksLikeTarHeader(block: Uint8Array): boolean {
  if (block.length < BLOCK || isZeroBlock(block)) return false;
  try {
    return checksumMatches(block);
  } catch {
    return false;
  }
}

/** PAX attributes: string values, except xattrs which stay bytes. */
export interface PaxRecords {
  values: Map<string, string>;
  xattrs: Map<string, Uint8Array>;
  /** GNU sparse 0.0: offset/numbytes pairs in order. */
  sparsePairs: number[];
}

const EQUALS = 0x3d;
const SPACE = 0x20;
const NEWLINE = 0x0a;

export function parsePax(data: Uint8Array): PaxRecords {
  const records: PaxRecords = { values: new Map(), xattrs: new Map(), sparsePairs: [] };
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    let length = 0;
    let i = pos;
    while (i < data.length && data[i] !== SPACE) {
      const c = data[i]!;
      if (c < 0x30 || c > 0x39 || i - pos > 12) throw new ImageError("INVALID_TAR", "A PAX record has an invalid length.");
      length = length * 10 + (c - 0x30);
      i++;
    }
    if (i >= data.length || length <= i - pos + 1 || pos + length > data.length || data[pos + length - 1] !== NEWLINE) {
      throw new ImageError("INVALID_TAR", "A PAX record is malformed or runs past its header.");
    }
    const keyStart = i + 1;
    const end = pos + length - 1;
    let eq = keyStart;
    while (eq < end && data[eq] !== EQUALS) eq++;
    if (eq >= end || eq === keyStart) throw new ImageError("INVALID_TAR", "A PAX record has no key.");
    const key = text(data.subarray(keyStart, eq));
    const raw = data.subarray(eq + 1, end);
    if (key.startsWith("SCHILY.xattr.")) {
      records.xattrs.set(key.slice("SCHILY.xattr.".length), raw.slice());
    } else if (key.startsWith("LIBARCHIVE.xattr.")) {
      const name = decodeURIComponent(key.slice("LIBARCHIVE.xattr.".length));
      records.xattrs.set(name, new Uint8Array(Buffer.from(text(raw), "base64")));
    } else if (key === "GNU.sparse.offset" || key === "GNU.sparse.numbytes") {
      records.sparsePairs.push(parseDecimal(text(raw), key));
    } else {
      records.values.set(key, text(raw));
    }
    pos += length;
  }
  return records;
}

function parseDecimal(value: string, key: string): number {
  if (!/^\d{1,16}$/.test(value)) throw new ImageError("INVALID_TAR", `PAX record ${key} is not a decimal number (${JSON.stringify(value.slice(0, 40))}).`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ImageError("INVALID_TAR", `PAX record ${key} is too large.`);
  return n;
}

function parseTime(value: string): number | undefined {
  if (!/^-?\d{1,15}(\.\d*)?$/.test(value)) return undefined;
  return Math.floor(Number(value));
}

/** Normalizes a stored name to an absolute path inside the archive root; `..` stops at the root. */
export function normalizeEntryPath(name: string, limits: Pick<TarLimits, "maxPathLength" | "maxPathDepth">): string {
  if (name.length > limits.maxPathLength) {
    throw limitError("maxPathLength", name.length, limits.maxPathLength, "Path length of a tar entry");
  }
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i !== name.length && name.charCodeAt(i) !== 0x2f) continue;
    const part = name.slice(start, i);
    start = i + 1;
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  if (parts.length > limits.maxPathDepth) {
    throw limitError("maxPathDepth", parts.length, limits.maxPathDepth, "Path depth of a tar entry");
  }
  return "/" + parts.join("/");
}

function parseSparseMapText(textMap: string, key: string): SparseSegment[] {
  const numbers = textMap.split(",").map((n) => parseDecimal(n, key));
  if (numbers.length % 2 !== 0) throw new ImageError("INVALID_TAR", `The sparse map in ${key} has an odd number of values.`);
  const segments: SparseSegment[] = [];
  for (let i = 0; i < numbers.length; i += 2) segments.push({ offset: numbers[i]!, size: numbers[i + 1]! });
  return segments;
}

function validateSparse(segments: SparseSegment[], realSize: number, packedSize: number): void {
  let end = 0;
  let packed = 0;
  for (const segment of segments) {
    if (segment.offset < end || segment.offset + segment.size > realSize) {
      throw new ImageError("INVALID_TAR", "A sparse map has overlapping, unsorted or out-of-range segments.");
    }
    end = segment.offset + segment.size;
    packed += segment.size;
  }
  if (packed !== packedSize) throw new ImageError("INVALID_TAR", `A sparse map describes ${packed} bytes but the entry stores ${packedSize}.`);
}

/** Lays packed sparse data out at its real offsets, up to `cap` bytes. */
function expandSparse(packed: Uint8Array, segments: SparseSegment[], realSize: number, cap: number): Uint8Array {
  const out = new Uint8Array(Math.min(realSize, cap));
  let source = 0;
  for (const segment of segments) {
    if (segment.offset >= out.length) break;
    const n = Math.min(segment.size, out.length - segment.offset, packed.length - source);
    if (n <= 0) break;
    out.set(packed.subarray(source, source + n), segment.offset);
    source += segment.size;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The streaming parser

const enum State {
  Header,
  Meta,
  SparseMap,
  Data,
  Padding,
  End,
}

const enum MetaKind {
  Pax,
  GlobalPax,
  LongName,
  LongLink,
  Skip,
}

interface Pending {
  pax?: PaxRecords;
  longName?: string;
  longLink?: string;
}

export class TarParser {
  private state = State.Header;
  private readonly block = new Uint8Array(BLOCK);
  private blockFill = 0;
  /** Bytes consumed so far (offset into the decompressed archive). */
  private offset = 0;
  private zeroBlocks = 0;

  private remaining = 0;
  private padding = 0;

  private metaKind = MetaKind.Pax;
  private metaBuffer: Uint8Array = new Uint8Array(0);
  private metaFill = 0;

  private pending: Pending = {};
  private global: PaxRecords | undefined;

  private entry: TarEntry | undefined;
  private keep = 0;
  private kept: Uint8Array | undefined;
  private keptFill = 0;
  /** Bytes of a GNU sparse 1.0 map still to read from the start of the data. */
  private sparseMapBytes: number[] = [];
  private sparseMapRealSize = 0;
  private sparseLine = "";

  entries = 0;

  constructor(
    private readonly handler: TarHandler,
    private readonly limits: TarLimits,
  ) {}

  get ended(): boolean {
    return this.state === State.End;
  }

  get position(): number {
    return this.offset;
  }

  write(chunk: Uint8Array): void {
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      switch (this.state) {
        case State.Header: {
          const n = Math.min(BLOCK - this.blockFill, length - pos);
          if (n === BLOCK) {
            this.block.set(chunk.subarray(pos, pos + BLOCK));
          } else {
            this.block.set(chunk.subarray(pos, pos + n), this.blockFill);
          }
          this.blockFill += n;
          pos += n;
          this.offset += n;
          if (this.blockFill === BLOCK) {
            this.blockFill = 0;
            this.onHeader();
          }
          break;
        }
        case State.Meta: {
          const n = Math.min(this.remaining, length - pos);
          if (this.metaKind !== MetaKind.Skip) this.metaBuffer.set(chunk.subarray(pos, pos + n), this.metaFill);
          this.metaFill += n;
          this.remaining -= n;
          pos += n;
          this.offset += n;
          if (this.remaining === 0) this.onMetaDone();
          break;
        }
        case State.SparseMap: {
          const n = Math.min(this.remaining, length - pos);
          this.metaBuffer.set(chunk.subarray(pos, pos + n), this.metaFill);
          this.metaFill += n;
          this.remaining -= n;
          pos += n;
          this.offset += n;
          if (this.remaining === 0) this.onSparseMapBlock();
          break;
        }
        case State.Data: {
          const n = Math.min(this.remaining, length - pos);
          if (this.kept && this.keptFill < this.kept.length) {
            const take = Math.min(n, this.kept.length - this.keptFill);
            this.kept.set(chunk.subarray(pos, pos + take), this.keptFill);
            this.keptFill += take;
          }
          this.remaining -= n;
          pos += n;
          this.offset += n;
          if (this.remaining === 0) this.onDataDone();
          break;
        }
        case State.Padding: {
          const n = Math.min(this.padding, length - pos);
          this.padding -= n;
          pos += n;
          this.offset += n;
          if (this.padding === 0) this.state = State.Header;
          break;
        }
        case State.End:
          // Anything after the end-of-archive marker (record padding) is ignored.
          this.offset += length - pos;
          return;
      }
    }
  }

  /**
   * Bytes the parser would read and discard next (data the handler did not request, and
   * padding); a reader with random access may `skip` them instead of reading.
   */
  skippable(): number {
    if (this.state === State.Data && !this.kept) return this.remaining + this.padding;
    if (this.state === State.Padding) return this.padding;
    return 0;
  }

  skip(bytes: number): void {
    if (bytes !== this.skippable() || bytes === 0) throw new Error("TarParser.skip: only the whole skippable span can be skipped.");
    this.offset += bytes;
    if (this.state === State.Data) {
      this.remaining = 0;
      this.onDataDone();
    }
    this.padding = 0;
    this.state = State.Header;
  }

  /** Call at the end of the stream; throws TRUNCATED when it stops inside an entry. */
  end(): void {
    if (this.state === State.End) return;
    if (this.state === State.Header && this.blockFill === 0 && this.pending.pax === undefined && this.pending.longName === undefined && this.pending.longLink === undefined) {
      // A missing end-of-archive marker is tolerated, as GNU tar and Go do.
      this.state = State.End;
      return;
    }
    throw new ImageError("TRUNCATED", `The tar stream ends inside an entry (at byte ${this.offset}).`);
  }

  private onHeader(): void {
    const block = this.block;
    if (isZeroBlock(block)) {
      this.zeroBlocks++;
      if (this.zeroBlocks >= 2) this.state = State.End;
      return;
    }
    this.zeroBlocks = 0;
    const headerOffset = this.offset - BLOCK;
    if (!checksumMatches(block)) throw new ImageError("INVALID_TAR", `Tar header checksum mismatch at byte ${headerOffset}.`);

    const typeflag = block[156] === 0 ? "0" : String.fromCharCode(block[156]!);
    const size = parseNumeric(block, 124, 12, "size");
    if (size < 0) throw new ImageError("INVALID_TAR", `Tar header at byte ${headerOffset} has a negative size.`);

    switch (typeflag) {
      case "x":
      case "g":
      case "L":
      case "K": {
        if (size > this.limits.maxHeaderBytes) {
          throw limitError("maxHeaderBytes", size, this.limits.maxHeaderBytes, `Size of a ${typeflag === "x" || typeflag === "g" ? "PAX header" : "GNU long name"}`);
        }
        const kinds: Record<string, MetaKind> = { x: MetaKind.Pax, g: MetaKind.GlobalPax, L: MetaKind.LongName, K: MetaKind.LongLink };
        this.metaKind = kinds[typeflag]!;
        this.startMeta(size);
        return;
      }
      case "V":
      case "M":
      case "N": {
        // Volume labels, multi-volume continuations and old GNU rename records carry no entry.
        this.metaKind = MetaKind.Skip;
        this.startMeta(size);
        return;
      }
    }

    this.entries++;
    const entry = this.decodeEntry(block, typeflag, size, headerOffset);
    this.pending = {};
    this.startEntry(entry);
  }

  private startMeta(size: number): void {
    this.metaBuffer = this.metaKind === MetaKind.Skip ? new Uint8Array(0) : new Uint8Array(size);
    this.metaFill = 0;
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.state = State.Meta;
    if (size === 0) this.onMetaDone();
  }

  private onMetaDone(): void {
    const data = this.metaBuffer;
    switch (this.metaKind) {
      case MetaKind.Pax:
        this.pending.pax = parsePax(data);
        break;
      case MetaKind.GlobalPax: {
        const records = parsePax(data);
        this.global ??= { values: new Map(), xattrs: new Map(), sparsePairs: [] };
        for (const [k, v] of records.values) this.global.values.set(k, v);
        // Global headers accumulate: their sum is held to the same cap as one header.
        let total = 0;
        for (const [k, v] of this.global.values) total += k.length + v.length;
        if (total > this.limits.maxHeaderBytes) throw limitError("maxHeaderBytes", total, this.limits.maxHeaderBytes, "Size of the global PAX attributes");
        break;
      }
      case MetaKind.LongName:
        this.pending.longName = text(cString(data, 0, data.length));
        break;
      case MetaKind.LongLink:
        this.pending.longLink = text(cString(data, 0, data.length));
        break;
      case MetaKind.Skip:
        break;
    }
    this.metaBuffer = new Uint8Array(0);
    this.state = this.padding > 0 ? State.Padding : State.Header;
  }

  private decodeEntry(block: Uint8Array, typeflag: string, headerSize: number, headerOffset: number): TarEntry {
    const { pax, longName, longLink } = this.pending;
    const global = this.global?.values;
    const value = (key: string): string | undefined => pax?.values.get(key) ?? global?.get(key);

    const ustar = block[257] === 0x75 && block[258] === 0x73 && block[259] === 0x74 && block[260] === 0x61 && block[261] === 0x72;
    const posix = ustar && block[262] === 0;
    const gnu = ustar && block[262] === 0x20;
    let name = text(cString(block, 0, 100));
    if (posix) {
      const prefix = text(cString(block, 345, 155));
      if (prefix) name = prefix + "/" + name;
    }
    // Names and sizes come from this entry's own records only, never from a global header.
    const local = (key: string): string | undefined => pax?.values.get(key);
    name = local("GNU.sparse.name") ?? local("path") ?? longName ?? name;
    const linkName = local("linkpath") ?? longLink ?? text(cString(block, 157, 100));

    let type: TarEntryType;
    let dataSize = headerSize;
    switch (typeflag) {
      case "1":
        type = "hardlink";
        break;
      case "2":
        type = "symlink";
        break;
      case "3":
        type = "char-device";
        break;
      case "4":
        type = "block-device";
        break;
      case "5":
        type = "directory";
        break;
      case "6":
        type = "fifo";
        break;
      case "D":
        type = "directory"; // GNU dumpdir: a directory with a listing as data
        break;
      default:
        // Regular files ('0', '\0', '7', 'S') and, as POSIX specifies, unknown types.
        type = name.endsWith("/") && (typeflag === "0" || typeflag === "7") ? "directory" : "file";
    }
    // As Go's archive/tar (and so Docker) does: these types never carry data.
    const headerOnly = typeflag === "1" || typeflag === "2" || typeflag === "3" || typeflag === "4" || typeflag === "5" || typeflag === "6";
    const sizeOverride = local("size");
    if (headerOnly) dataSize = 0;
    else if (sizeOverride !== undefined) dataSize = parseDecimal(sizeOverride, "size"); // the header field may hold 0 when the size needs PAX

    const path = normalizeEntryPath(name, this.limits);
    if (linkName.length > this.limits.maxPathLength) {
      throw limitError("maxPathLength", linkName.length, this.limits.maxPathLength, "Link target length of a tar entry", path);
    }

    const uidText = value("uid");
    const gidText = value("gid");
    const mtimeText = value("mtime");
    const entry: TarEntry = {
      path,
      name,
      type,
      mode: parseNumeric(block, 100, 8, "mode") & 0o7777,
      uid: uidText !== undefined ? parseDecimal(uidText, "uid") : parseNumeric(block, 108, 8, "uid"),
      gid: gidText !== undefined ? parseDecimal(gidText, "gid") : parseNumeric(block, 116, 8, "gid"),
      size: type === "file" ? dataSize : 0,
      headerOffset,
      dataOffset: headerOffset + BLOCK,
      dataSize,
    };
    const mtime = mtimeText !== undefined ? parseTime(mtimeText) : parseNumeric(block, 136, 12, "mtime");
    if (mtime !== undefined) entry.mtime = mtime;
    const uname = value("uname") ?? (posix || gnu ? text(cString(block, 265, 32)) : "");
    const gname = value("gname") ?? (posix || gnu ? text(cString(block, 297, 32)) : "");
    if (uname) entry.uname = uname;
    if (gname) entry.gname = gname;
    if ((type === "symlink" || type === "hardlink") && linkName) entry.linkName = linkName;
    if (type === "char-device" || type === "block-device") {
      entry.device = { major: parseNumeric(block, 329, 8, "devmajor"), minor: parseNumeric(block, 337, 8, "devminor") };
    }
    if (pax && pax.xattrs.size > 0) entry.xattrs = Object.fromEntries(pax.xattrs);

    // Sparse files: old GNU ('S') headers and PAX GNU.sparse.* records.
    if (typeflag === "S" && gnu) {
      entry.sparse = this.readOldGnuSparse(block);
      entry.size = parseNumeric(block, 483, 12, "realsize");
    } else if (pax && (value("GNU.sparse.major") !== undefined || value("GNU.sparse.map") !== undefined || pax.sparsePairs.length > 0)) {
      const realSize = value("GNU.sparse.realsize") ?? value("GNU.sparse.size");
      if (realSize === undefined) throw new ImageError("INVALID_TAR", `Sparse entry ${path} has no real size.`);
      entry.size = parseDecimal(realSize, "GNU.sparse.realsize");
      if (value("GNU.sparse.major") === "1") {
        entry.sparse = []; // The map is at the start of the data (format 1.0), read below.
      } else if (value("GNU.sparse.map") !== undefined) {
        entry.sparse = parseSparseMapText(value("GNU.sparse.map")!, "GNU.sparse.map");
      } else {
        const pairs = pax.sparsePairs;
        if (pairs.length % 2 !== 0) throw new ImageError("INVALID_TAR", `Sparse entry ${path} has an unpaired offset.`);
        entry.sparse = [];
        for (let i = 0; i < pairs.length; i += 2) entry.sparse.push({ offset: pairs[i]!, size: pairs[i + 1]! });
      }
    }
    if (entry.size > this.limits.maxFileBytes) throw limitError("maxFileBytes", entry.size, this.limits.maxFileBytes, "Declared file size", path);
    if (entry.sparse && entry.sparse.length * 24 > this.limits.maxHeaderBytes) {
      throw limitError("maxHeaderBytes", entry.sparse.length * 24, this.limits.maxHeaderBytes, "Sparse map size", path);
    }
    return entry;
  }

  private sparseExtensionBlocks = 0;
  private oldGnuSparse: SparseSegment[] | undefined;

  private readOldGnuSparse(block: Uint8Array): SparseSegment[] {
    const segments: SparseSegment[] = [];
    for (let i = 0; i < 4; i++) {
      const at = 386 + i * 24;
      if (block[at] === 0) break;
      segments.push({ offset: parseNumeric(block, at, 12, "sparse offset"), size: parseNumeric(block, at + 12, 12, "sparse numbytes") });
    }
    this.sparseExtensionBlocks = block[482] ? 1 : 0;
    this.oldGnuSparse = segments;
    return segments;
  }

  private startEntry(entry: TarEntry): void {
    this.entry = entry;
    if (this.sparseExtensionBlocks > 0) {
      // Old GNU sparse: extension blocks of 21 more segments follow the header.
      this.metaBuffer = new Uint8Array(BLOCK);
      this.metaFill = 0;
      this.remaining = BLOCK;
      this.state = State.SparseMap;
      return;
    }
    if (entry.sparse && entry.sparse.length === 0 && entry.dataSize > 0) {
      // GNU sparse 1.0: decimal map lines at the start of the data, padded to a block.
      this.sparseMapBytes = [];
      this.sparseMapRealSize = entry.size;
      this.metaBuffer = new Uint8Array(BLOCK);
      this.metaFill = 0;
      this.remaining = Math.min(BLOCK, entry.dataSize);
      this.state = State.SparseMap;
      return;
    }
    this.beginData();
  }

  private onSparseMapBlock(): void {
    const entry = this.entry!;
    const block = this.metaBuffer;
    if (this.sparseExtensionBlocks > 0) {
      for (let i = 0; i < 21; i++) {
        const at = i * 24;
        if (block[at] === 0) break;
        this.oldGnuSparse!.push({ offset: parseNumeric(block, at, 12, "sparse offset"), size: parseNumeric(block, at + 12, 12, "sparse numbytes") });
      }
      if (this.oldGnuSparse!.length * 24 > this.limits.maxHeaderBytes) {
        throw limitError("maxHeaderBytes", this.oldGnuSparse!.length * 24, this.limits.maxHeaderBytes, "Sparse map size", entry.path);
      }
      entry.dataOffset += BLOCK;
      if (block[504]) {
        this.metaFill = 0;
        this.remaining = BLOCK;
        return;
      }
      this.sparseExtensionBlocks = 0;
      entry.sparse = this.oldGnuSparse!;
      this.beginData();
      return;
    }

    // GNU sparse 1.0: count, then offset/size pairs, one decimal number per line.
    const numbers = this.sparseMapBytes;
    const lines = latin1.decode(block.subarray(0, this.metaFill));
    entry.dataOffset += this.metaFill;
    entry.dataSize -= this.metaFill;
    let done = false;
    let current = this.sparseLine;
    for (const c of lines) {
      if (c === "\n") {
        numbers.push(parseDecimal(current, "GNU sparse 1.0 map"));
        current = "";
        const count = numbers[0]!;
        if (count * 16 > this.limits.maxHeaderBytes) throw limitError("maxHeaderBytes", count * 16, this.limits.maxHeaderBytes, "Sparse map size", entry.path);
        if (numbers.length === 1 + count * 2) {
          done = true;
          break;
        }
      } else {
        current += c;
        if (current.length > 20) throw new ImageError("INVALID_TAR", `The sparse map of ${entry.path} has a number that is too long.`);
      }
    }
    this.sparseLine = current;
    if (!done) {
      if (entry.dataSize <= 0) throw new ImageError("INVALID_TAR", `The sparse map of ${entry.path} runs past its data.`);
      this.metaFill = 0;
      this.remaining = Math.min(BLOCK, entry.dataSize);
      return;
    }
    this.sparseLine = "";
    const segments: SparseSegment[] = [];
    for (let i = 1; i < numbers.length; i += 2) segments.push({ offset: numbers[i]!, size: numbers[i + 1]! });
    entry.sparse = segments;
    entry.size = this.sparseMapRealSize;
    this.beginData();
  }

  private beginData(): void {
    const entry = this.entry!;
    if (entry.sparse) validateSparse(entry.sparse, entry.size, entry.dataSize);
    const wanted = this.handler.onEntry(entry);
    this.keep = entry.type === "file" ? Math.max(0, Math.min(wanted, entry.size)) : 0;
    if (this.keep > 0) {
      const packedNeeded = entry.sparse ? Math.min(entry.dataSize, this.keep) : this.keep;
      this.kept = new Uint8Array(packedNeeded);
      this.keptFill = 0;
    } else {
      this.kept = undefined;
    }
    this.remaining = entry.dataSize;
    // Padding counts from the first byte after the header (a sparse map read before the data included).
    this.padding = (BLOCK - ((entry.dataOffset - entry.headerOffset - BLOCK + entry.dataSize) % BLOCK)) % BLOCK;
    this.state = State.Data;
    if (this.remaining === 0) this.onDataDone();
  }

  private onDataDone(): void {
    const entry = this.entry!;
    if (this.kept) {
      const kept = this.kept;
      const content = entry.sparse ? expandSparse(kept, entry.sparse, entry.size, this.keep) : kept;
      this.kept = undefined;
      this.handler.onContent?.(entry, content, content.length < entry.size);
    }
    this.entry = undefined;
    this.state = this.padding > 0 ? State.Padding : State.Header;
  }
}
