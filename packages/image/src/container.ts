/**
 * Where an image's files live: a folder (OCI layout) or an outer tar archive
 * (docker save, OCI layout as tar; plain, or compressed and then read as a
 * stream). Member names from manifests are untrusted: they are normalized and
 * never leave the folder or archive.
 */
import { createReadStream } from "node:fs";
import { lstat, open, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { normalizePath } from "@checks/sdk";
import { chooseCompression, createDecoder } from "./compression.js";
import { ImageError } from "./errors.js";
import type { ImageLimits } from "./limits.js";
import { limitError } from "./limits.js";
import { TarParser, type TarEntry } from "./tar.js";

/** A blob or member to stream: raw bytes, verified by the reader against `digest` and `size`. */
export interface Blob {
  /** Name used in messages: the digest or the member path. */
  name: string;
  digest?: string;
  size?: number;
  open(): Readable;
}

export interface Container {
  readonly kind: "folder" | "tar";
  /** Normalized relative member paths (tar only; empty for a folder). */
  names(): string[];
  exists(path: string): Promise<boolean>;
  /** Reads a small member whole, or undefined when absent; throws LIMIT_EXCEEDED past maxBytes. */
  readFile(path: string, maxBytes: number): Promise<Uint8Array | undefined>;
  /** A member as a blob; throws MISSING_BLOB when absent. */
  blob(path: string, name: string, digest?: string, size?: number): Promise<Blob>;
}

/** Normalizes a relative member path; `..` cannot climb above the top. */
export function normalizeMember(path: string): string {
  return normalizePath("/" + path).slice(1);
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Validates a digest string before it becomes a path; returns `blobs/ALG/HEX`. */
export function blobPath(digest: unknown, where: string): string {
  if (typeof digest !== "string" || !DIGEST.test(digest)) {
    throw new ImageError("INVALID_DIGEST", `${where} names an invalid or unsupported digest ${JSON.stringify(String(digest).slice(0, 140))}; expected sha256:<64 hex> or sha512:<128 hex>.`, { file: where });
  }
  const [algorithm, hex] = digest.split(":") as [string, string];
  return `blobs/${algorithm}/${hex}`;
}

export function isValidDigest(digest: unknown): digest is string {
  return typeof digest === "string" && DIGEST.test(digest);
}

// ---------------------------------------------------------------------------

export class FolderContainer implements Container {
  readonly kind = "folder" as const;
  private rootReal: string | undefined;

  constructor(readonly root: string) {}

  names(): string[] {
    return [];
  }

  private async resolve(path: string): Promise<string | undefined> {
    const relative = normalizeMember(path);
    const full = join(this.root, relative);
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      return undefined;
    }
    this.rootReal ??= await realpath(this.root);
    if (real !== this.rootReal && !real.startsWith(this.rootReal + sep)) {
      throw new ImageError("UNREADABLE", `${relative} in ${this.root} leads outside the image folder.`, { file: full });
    }
    return real;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.resolve(path)) !== undefined;
  }

  async readFile(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const real = await this.resolve(path);
    if (!real) return undefined;
    const info = await lstat(real);
    if (!info.isFile()) return undefined;
    if (info.size > maxBytes) throw limitError("maxJsonBytes", info.size, maxBytes, `Size of ${path}`, real);
    const handle = await open(real, "r");
    try {
      const buffer = new Uint8Array(info.size);
      let filled = 0;
      while (filled < buffer.length) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async blob(path: string, name: string, digest?: string, size?: number): Promise<Blob> {
    const real = await this.resolve(path);
    if (!real || !(await lstat(real)).isFile()) {
      throw new ImageError("MISSING_BLOB", `Blob ${name} is missing from ${this.root} (expected ${normalizeMember(path)}).`, { file: name });
    }
    return { name, ...(digest === undefined ? {} : { digest }), ...(size === undefined ? {} : { size }), open: () => createReadStream(real, { highWaterMark: 1024 * 1024 }) };
  }
}

// ---------------------------------------------------------------------------

interface Member {
  entry: TarEntry;
}

/**
 * An outer tar archive, indexed once by its headers. A plain tar is then read
 * by offset; a compressed one is decompressed again for each member read.
 */
export class TarContainer implements Container {
  readonly kind = "tar" as const;

  private constructor(
    readonly path: string,
    private readonly members: Map<string, Member>,
    readonly compression: "none" | "gzip" | "zstd",
    private readonly limits: ImageLimits,
  ) {}

  static async index(path: string, limits: ImageLimits): Promise<TarContainer> {
    const head = await readHead(path, 512);
    const compression = chooseCompression(head, undefined, path);
    const members = new Map<string, Member>();
    const handler = {
      onEntry: (entry: TarEntry): number => {
        if (members.size >= limits.maxArchiveMembers) {
          throw limitError("maxArchiveMembers", members.size + 1, limits.maxArchiveMembers, "Members of the archive", path);
        }
        members.set(normalizeMember(entry.path), { entry });
        return 0;
      },
    };
    const parser = new TarParser(handler, limits);
    if (compression === "none") {
      await indexBySeeking(path, parser);
    } else {
      await streamDecompressed(path, compression, limits, (chunk) => parser.write(chunk), () => parser.ended);
      if (!parser.ended) parser.end();
    }
    return new TarContainer(path, members, compression, limits);
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** Follows member symlinks (relative to the member's folder) and hardlinks (relative to the top). */
  private lookup(path: string): TarEntry | undefined {
    let name = normalizeMember(path);
    for (let hops = 0; hops < 16; hops++) {
      const member = this.members.get(name);
      if (!member) return undefined;
      const { entry } = member;
      if (entry.type === "symlink" && entry.linkName !== undefined) {
        const dir = name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : "";
        name = entry.linkName.startsWith("/") ? normalizeMember(entry.linkName) : normalizeMember(`${dir}/${entry.linkName}`);
        continue;
      }
      if (entry.type === "hardlink" && entry.linkName !== undefined) {
        name = normalizeMember(entry.linkName);
        continue;
      }
      return entry;
    }
    return undefined;
  }

  async exists(path: string): Promise<boolean> {
    return this.lookup(path) !== undefined;
  }

  async readFile(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const entry = this.lookup(path);
    if (!entry || entry.type !== "file") return undefined;
    if (entry.dataSize > maxBytes) throw limitError("maxJsonBytes", entry.dataSize, maxBytes, `Size of ${path}`, this.path);
    const chunks: Buffer[] = [];
    for await (const chunk of this.openRange(entry.dataOffset, entry.dataSize)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async blob(path: string, name: string, digest?: string, size?: number): Promise<Blob> {
    const entry = this.lookup(path);
    if (!entry || entry.type !== "file") {
      throw new ImageError("MISSING_BLOB", `Blob ${name} is missing from ${this.path} (expected member ${normalizeMember(path)}).`, { file: name });
    }
    return {
      name,
      ...(digest === undefined ? {} : { digest }),
      ...(size === undefined ? {} : { size }),
      open: () => this.openRange(entry.dataOffset, entry.dataSize),
    };
  }

  private openRange(start: number, length: number): Readable {
    if (this.compression === "none") {
      if (length === 0) return Readable.from([]);
      return createReadStream(this.path, { start, end: start + length - 1, highWaterMark: 1024 * 1024 });
    }
    const decoder = createDecoder(this.compression, this.limits.maxZstdWindowBytes, this.path)!;
    const source = createReadStream(this.path, { highWaterMark: 1024 * 1024 });
    const slice = new SliceTransform(start, length, () => source.destroy());
    source.on("error", (error) => slice.destroy(error));
    decoder.on("error", (error) => slice.destroy(error));
    return source.pipe(decoder).pipe(slice);
  }
}

/** Passes through bytes [start, start+length) of a stream, then ends it. */
class SliceTransform extends Transform {
  private position = 0;
  private finished = false;

  constructor(
    private readonly start: number,
    private readonly length: number,
    private readonly stopSource: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.finished) return callback();
    const from = Math.max(0, this.start - this.position);
    const to = Math.min(chunk.length, this.start + this.length - this.position);
    this.position += chunk.length;
    if (from < to) this.push(chunk.subarray(from, to));
    if (this.position >= this.start + this.length) {
      this.finished = true;
      this.push(null);
      this.stopSource();
    }
    callback();
  }
}

export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Indexes an uncompressed tar by reading headers and small members, and seeking over large data. */
async function indexBySeeking(path: string, parser: TarParser): Promise<void> {
  const WINDOW = 64 * 1024;
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(WINDOW);
    const { size } = await handle.stat();
    let position = 0;
    while (!parser.ended) {
      const skip = parser.skippable();
      if (skip > WINDOW) {
        if (position + skip > size) throw new ImageError("TRUNCATED", `${path} ends inside a member (at byte ${size}).`, { file: path });
        parser.skip(skip);
        position += skip;
        continue;
      }
      // Headers, metadata and small members are read in one window rather than a read per block.
      const length = Math.max(512, Math.min(WINDOW, skip > 0 ? skip : WINDOW));
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead === 0) break;
      parser.write(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    if (!parser.ended) parser.end();
  } finally {
    await handle.close();
  }
}

/** Streams a compressed file through its decoder into `sink`, stopping early once `done()` returns true. */
async function streamDecompressed(path: string, compression: "gzip" | "zstd", limits: ImageLimits, sink: (chunk: Uint8Array) => void, done: () => boolean): Promise<void> {
  const decoder = createDecoder(compression, limits.maxZstdWindowBytes, path)!;
  const source = createReadStream(path, { highWaterMark: 1024 * 1024 });
  let total = 0;
  try {
    for await (const chunk of source.pipe(decoder)) {
      total += (chunk as Buffer).length;
      if (total > limits.maxTotalBytes) throw limitError("maxTotalBytes", total, limits.maxTotalBytes, "Decompressed size of the archive", path);
      sink(chunk as Uint8Array);
      if (done()) break;
    }
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError("DECOMPRESSION_FAILED", `Could not decompress ${path}: ${error instanceof Error ? error.message : String(error)}.`, { file: path, cause: error });
  } finally {
    source.destroy();
    decoder.destroy();
  }
}
