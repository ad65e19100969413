/**
 * Builds tar archives in memory for tests: ustar, GNU long names, PAX records
 * (binary values allowed), GNU sparse files, devices. Also a minimal zstd
 * encoder (raw blocks only) since Node 20 has no zstd compressor.
 */
import { gzipSync } from "node:zlib";

export interface TarSpec {
  name: string;
  type?: "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | string;
  content?: Uint8Array | string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** PAX records written in an 'x' header before this entry. */
  pax?: Record<string, string | Uint8Array>;
  /** Write the name (and link name) as GNU 'L'/'K' records. */
  gnuLong?: boolean;
  /** Raw size field override (for crafted inputs). */
  size?: number;
  /** Use the ustar prefix field for names up to 255 bytes. */
  prefix?: boolean;
}

const enc = new TextEncoder();
export const bytes = (value: Uint8Array | string | undefined): Uint8Array => (typeof value === "string" ? enc.encode(value) : (value ?? new Uint8Array(0)));

function octal(block: Uint8Array, offset: number, length: number, value: number): void {
  if (value > 8 ** (length - 1) - 1) {
    // base-256
    block[offset] = 0x80;
    let v = value;
    for (let i = length - 1; i > 0; i--) {
      block[offset + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  const text = value.toString(8).padStart(length - 1, "0");
  block.set(enc.encode(text), offset);
  block[offset + length - 1] = 0;
}

function str(block: Uint8Array, offset: number, length: number, value: string): void {
  const b = enc.encode(value);
  block.set(b.subarray(0, length), offset);
}

export function header(fields: {
  name: string;
  typeflag: string;
  size: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  magic?: "ustar" | "gnu" | "v7";
  prefix?: string;
}): Uint8Array {
  const block = new Uint8Array(512);
  str(block, 0, 100, fields.name);
  octal(block, 100, 8, fields.mode ?? 0o644);
  octal(block, 108, 8, fields.uid ?? 0);
  octal(block, 116, 8, fields.gid ?? 0);
  octal(block, 124, 12, fields.size);
  octal(block, 136, 12, fields.mtime ?? 1700000000);
  block[156] = fields.typeflag.charCodeAt(0);
  str(block, 157, 100, fields.linkname ?? "");
  const magic = fields.magic ?? "ustar";
  if (magic === "ustar") {
    str(block, 257, 6, "ustar\0");
    str(block, 263, 2, "00");
  } else if (magic === "gnu") {
    str(block, 257, 8, "ustar  \0");
  }
  if (magic !== "v7") {
    str(block, 265, 32, "root");
    str(block, 297, 32, "root");
    octal(block, 329, 8, fields.devmajor ?? 0);
    octal(block, 337, 8, fields.devminor ?? 0);
    if (fields.prefix) str(block, 345, 155, fields.prefix);
  }
  return withChecksum(block);
}

export function withChecksum(block: Uint8Array): Uint8Array {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  const text = sum.toString(8).padStart(6, "0");
  block.set(enc.encode(text), 148);
  block[154] = 0;
  block[155] = 0x20;
  return block;
}

function pad(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return padded;
}

export function paxData(records: Record<string, string | Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [key, value] of Object.entries(records)) {
    const v = bytes(value);
    const k = enc.encode(key);
    const body = k.length + v.length + 3; // " " "=" "\n"
    let length = body + String(body).length;
    if (String(length).length !== String(body).length) length = body + String(length).length;
    const record = new Uint8Array(length);
    let at = 0;
    record.set(enc.encode(`${length} `), at);
    at += String(length).length + 1;
    record.set(k, at);
    at += k.length;
    record[at++] = 0x3d;
    record.set(v, at);
    at += v.length;
    record[at] = 0x0a;
    parts.push(record);
  }
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const TYPEFLAG: Record<string, string> = { file: "0", dir: "5", symlink: "2", hardlink: "1", char: "3", block: "4", fifo: "6" };

/** One entry's blocks (metadata headers, header, padded data). */
export function entryBlocks(spec: TarSpec): Uint8Array {
  const parts: Uint8Array[] = [];
  const content = bytes(spec.content);
  const typeflag = TYPEFLAG[spec.type ?? "file"] ?? spec.type!;
  let name = spec.name;
  let linkname = spec.linkname ?? "";
  let prefix: string | undefined;
  if (spec.pax) {
    const data = paxData(spec.pax);
    parts.push(header({ name: "PaxHeaders/x", typeflag: "x", size: data.length }), pad(data));
  }
  if (spec.gnuLong) {
    if (name.length >= 100) {
      const data = enc.encode(name + "\0");
      parts.push(header({ name: "././@LongLink", typeflag: "L", size: data.length, magic: "gnu" }), pad(data));
      name = name.slice(0, 99);
    }
    if (linkname.length >= 100) {
      const data = enc.encode(linkname + "\0");
      parts.push(header({ name: "././@LongLink", typeflag: "K", size: data.length, magic: "gnu" }), pad(data));
      linkname = linkname.slice(0, 99);
    }
  }
  if (spec.prefix && name.length > 100) {
    const cut = name.lastIndexOf("/", 155);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  const hasData = typeflag === "0" || typeflag === "7" || !"123456".includes(typeflag);
  parts.push(
    header({
      name,
      typeflag,
      size: spec.size ?? (hasData ? content.length : 0),
      mode: spec.mode ?? (typeflag === "5" ? 0o755 : 0o644),
      uid: spec.uid ?? 0,
      gid: spec.gid ?? 0,
      mtime: spec.mtime ?? 1700000000,
      linkname,
      devmajor: spec.devmajor ?? 0,
      devminor: spec.devminor ?? 0,
      magic: spec.gnuLong ? "gnu" : "ustar",
      ...(prefix ? { prefix } : {}),
    }),
  );
  if (hasData && content.length > 0) parts.push(pad(content));
  return concat(parts);
}

export function tar(specs: TarSpec[], options: { end?: boolean } = {}): Uint8Array {
  const parts = specs.map(entryBlocks);
  if (options.end !== false) parts.push(new Uint8Array(1024));
  return concat(parts);
}

export function gzip(data: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(data));
}

/** A valid zstd frame of raw (stored) blocks. */
export function zstdStore(data: Uint8Array, options: { windowLog?: number } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const windowLog = options.windowLog ?? 20;
  parts.push(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3]));
  const MAX = 128 * 1024;
  let at = 0;
  do {
    const size = Math.min(MAX, data.length - at);
    const last = at + size >= data.length ? 1 : 0;
    const h = (size << 3) | (0 << 1) | last;
    parts.push(new Uint8Array([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), data.subarray(at, at + size));
    at += size;
  } while (at < data.length);
  return concat(parts);
}

export const text = (data: Uint8Array | undefined): string | undefined => (data ? new TextDecoder().decode(data) : undefined);

/** A zstd frame of `blocks` RLE blocks of 128 KiB each (a decompression bomb: 4 bytes per 128 KiB). */
export function zstdRleBomb(blocks: number): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) << 3])];
  for (let i = 0; i < blocks; i++) {
    const h = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    parts.push(new Uint8Array([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0]));
  }
  return concat(parts);
}
