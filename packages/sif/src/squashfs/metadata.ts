import { SquashfsError } from "../errors.js";
import type { ByteSource } from "../source.js";
import type { Decompressor } from "./decompress.js";
import { METADATA_BLOCK_SIZE } from "./superblock.js";

interface MetadataBlock {
  data: Uint8Array;
  /** Absolute offset of the block that follows this one. */
  next: number;
}

const CACHE_ENTRIES = 256;

/**
 * Reads squashfs metadata blocks: a 2-byte header (bit 15 set means stored
 * uncompressed, the low 15 bits are the stored length) followed by at most
 * 8 KiB of data. Blocks are cached by absolute offset in a small LRU cache.
 */
export class MetadataReader {
  private readonly cache = new Map<number, MetadataBlock>();
  private decompressedTotal = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly decompress: Decompressor,
    private readonly end: number,
    private readonly maxMetadataBytes: number,
    private readonly file?: string,
  ) {}

  /** Bytes of metadata decompressed so far, cache hits not counted. */
  get bytesRead(): number {
    return this.decompressedTotal;
  }

  async block(position: number): Promise<MetadataBlock> {
    const cached = this.cache.get(position);
    if (cached) {
      this.cache.delete(position);
      this.cache.set(position, cached);
      return cached;
    }

    if (!Number.isSafeInteger(position) || position < 0 || position + 2 > this.end) {
      throw new SquashfsError("INVALID_METADATA_BLOCK", `metadata block at ${position} lies outside the filesystem`, position, this.file);
    }
    const header = await this.source.read(position, 2);
    if (header.length < 2) throw new SquashfsError("TRUNCATED", "metadata block header is cut off", position, this.file);
    const word = header[0]! | (header[1]! << 8);
    const stored = word & 0x7fff;
    const uncompressed = (word & 0x8000) !== 0;
    if (stored === 0 || stored > METADATA_BLOCK_SIZE) {
      throw new SquashfsError("INVALID_METADATA_BLOCK", `metadata block length ${stored} is not between 1 and ${METADATA_BLOCK_SIZE}`, position, this.file);
    }
    if (position + 2 + stored > this.end) {
      throw new SquashfsError("TRUNCATED", `metadata block of ${stored} bytes runs past the end of the filesystem`, position, this.file);
    }
    const raw = await this.source.read(position + 2, stored);
    if (raw.length < stored) throw new SquashfsError("TRUNCATED", "metadata block is cut off", position, this.file);

    const data = uncompressed ? raw : await this.decompress(raw, METADATA_BLOCK_SIZE, position);
    this.decompressedTotal += data.length;
    if (this.decompressedTotal > this.maxMetadataBytes) {
      throw new SquashfsError("LIMIT_EXCEEDED", `more than ${this.maxMetadataBytes} bytes of metadata decompressed`, position, this.file);
    }

    const block = { data, next: position + 2 + stored };
    this.cache.set(position, block);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as number);
    return block;
  }

  /**
   * Reads `length` bytes that start `offset` bytes into the metadata block at
   * `position`, continuing into the blocks that follow. Returns the bytes and
   * the position/offset just after them.
   */
  async read(position: number, offset: number, length: number): Promise<{ bytes: Uint8Array; position: number; offset: number }> {
    let block = await this.block(position);
    if (offset > block.data.length) {
      throw new SquashfsError("INVALID_METADATA_BLOCK", `offset ${offset} lies past the ${block.data.length} bytes of the metadata block`, position, this.file);
    }
    if (offset + length <= block.data.length) {
      const bytes = block.data.subarray(offset, offset + length);
      return offset + length === block.data.length
        ? { bytes, position: block.next, offset: 0 }
        : { bytes, position, offset: offset + length };
    }

    const bytes = new Uint8Array(length);
    let filled = 0;
    for (;;) {
      const take = Math.min(length - filled, block.data.length - offset);
      bytes.set(block.data.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === length) break;
      position = block.next;
      offset = 0;
      block = await this.block(position);
    }
    if (offset === block.data.length) return { bytes, position: block.next, offset: 0 };
    return { bytes, position, offset };
  }
}

/** A sequential reader over metadata, used to walk inodes and directory listings. */
export class MetadataCursor {
  constructor(
    private readonly reader: MetadataReader,
    public position: number,
    public offset: number,
  ) {}

  async bytes(length: number): Promise<Uint8Array> {
    const result = await this.reader.read(this.position, this.offset, length);
    this.position = result.position;
    this.offset = result.offset;
    return result.bytes;
  }

  async view(length: number): Promise<DataView> {
    const bytes = await this.bytes(length);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
