import { open, type FileHandle } from "node:fs/promises";

/**
 * Random-access bytes: a file, a window of a file, or a buffer. `read`
 * returns fewer than `length` bytes only when the range passes `size`.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Bytes in memory; used for tests and for small embedded objects. */
export class MemorySource implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = Math.min(Math.max(offset, 0), this.bytes.length);
    return this.bytes.subarray(start, Math.min(start + Math.max(length, 0), this.bytes.length));
  }
}

/** A window `[start, start + size)` of another source, addressed from 0. */
export class SliceSource implements ByteSource {
  readonly size: number;

  constructor(
    private readonly base: ByteSource,
    private readonly start: number,
    size: number,
  ) {
    this.size = Math.max(0, Math.min(size, base.size - start));
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    return this.base.read(this.start + offset, Math.min(length, this.size - offset));
  }
}

const CHUNK_SIZE = 64 * 1024;
const CHUNK_CACHE_ENTRIES = 32;

/**
 * A file read with positioned reads. Squashfs metadata is read in many small
 * pieces, so reads of up to 64 KiB go through an LRU cache of 32 aligned
 * 64 KiB chunks. Larger reads go to the file directly.
 */
export class FileSource implements ByteSource {
  private readonly chunks = new Map<number, Uint8Array>();

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<FileSource> {
    const handle = await open(path, "r");
    try {
      const stat = await handle.stat();
      return new FileSource(handle, stat.size, path);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.chunks.clear();
    await this.handle.close();
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    const end = Math.min(offset + length, this.size);
    if (end - offset > CHUNK_SIZE) return this.readDirect(offset, end - offset);

    const first = Math.floor(offset / CHUNK_SIZE);
    const last = Math.floor((end - 1) / CHUNK_SIZE);
    if (first === last) {
      const chunk = await this.chunk(first);
      return chunk.subarray(offset - first * CHUNK_SIZE, end - first * CHUNK_SIZE);
    }
    const out = new Uint8Array(end - offset);
    const head = await this.chunk(first);
    const split = (first + 1) * CHUNK_SIZE - offset;
    out.set(head.subarray(offset - first * CHUNK_SIZE), 0);
    const tail = await this.chunk(last);
    out.set(tail.subarray(0, end - last * CHUNK_SIZE), split);
    return out;
  }

  private async chunk(index: number): Promise<Uint8Array> {
    const cached = this.chunks.get(index);
    if (cached) {
      this.chunks.delete(index);
      this.chunks.set(index, cached);
      return cached;
    }
    const start = index * CHUNK_SIZE;
    const bytes = await this.readDirect(start, Math.min(CHUNK_SIZE, this.size - start));
    this.chunks.set(index, bytes);
    if (this.chunks.size > CHUNK_CACHE_ENTRIES) {
      const oldest = this.chunks.keys().next().value as number;
      this.chunks.delete(oldest);
    }
    return bytes;
  }

  private async readDirect(offset: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === length ? buffer : buffer.subarray(0, filled);
  }
}
