import { SquashfsError } from "../errors.js";
import type { ByteSource } from "../source.js";
import { MetadataCursor, type MetadataReader } from "./metadata.js";
import { METADATA_BLOCK_SIZE } from "./superblock.js";

/**
 * A squashfs lookup table (ids, fragments, xattr ids, export): an array of
 * 64-bit absolute offsets of metadata blocks stored uncompressed at the table
 * start, and fixed-size entries packed into those blocks. Entry sizes divide
 * 8 KiB, so no entry spans two blocks.
 */
export class LookupTable {
  private constructor(
    private readonly reader: MetadataReader,
    private readonly blocks: readonly number[],
    readonly entrySize: number,
    readonly count: number,
    private readonly name: string,
    private readonly file?: string,
  ) {}

  static async open(
    source: ByteSource,
    reader: MetadataReader,
    options: { name: string; start: number; entrySize: number; count: number; end: number; file?: string },
  ): Promise<LookupTable> {
    const { name, start, entrySize, count, end, file } = options;
    const perBlock = METADATA_BLOCK_SIZE / entrySize;
    const blockCount = Math.ceil(count / perBlock);
    const indexBytes = blockCount * 8;
    if (start + indexBytes > end) {
      throw new SquashfsError("TRUNCATED", `the ${name} table index of ${blockCount} entries runs past the end of the filesystem`, start, file);
    }
    const raw = await source.read(start, indexBytes);
    if (raw.length < indexBytes) throw new SquashfsError("TRUNCATED", `the ${name} table index is cut off`, start, file);

    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const blocks: number[] = [];
    for (let i = 0; i < blockCount; i++) {
      const pointer = view.getBigUint64(i * 8, true);
      if (pointer >= BigInt(end)) {
        throw new SquashfsError(
          "INVALID_TABLE_INDEX",
          `${name} table block ${i} points to ${pointer}, past the end of the filesystem`,
          start + i * 8,
          file,
        );
      }
      blocks.push(Number(pointer));
    }
    return new LookupTable(reader, blocks, entrySize, count, name, file);
  }

  /** Returns the bytes of entry `index`, or throws INVALID_TABLE_INDEX naming `referencedAt`. */
  async entry(index: number, referencedAt: number): Promise<Uint8Array> {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new SquashfsError(
        "INVALID_TABLE_INDEX",
        `${this.name} index ${index} is out of range; the table has ${this.count} entries`,
        referencedAt,
        this.file,
      );
    }
    const byteOffset = index * this.entrySize;
    const blockIndex = Math.floor(byteOffset / METADATA_BLOCK_SIZE);
    const inBlock = byteOffset % METADATA_BLOCK_SIZE;
    const position = this.blocks[blockIndex]!;
    const block = await this.reader.block(position);
    if (inBlock + this.entrySize > block.data.length) {
      throw new SquashfsError(
        "INVALID_TABLE_INDEX",
        `${this.name} table block ${blockIndex} holds ${block.data.length} bytes, too few for entry ${index}`,
        position,
        this.file,
      );
    }
    return block.data.subarray(inBlock, inBlock + this.entrySize);
  }
}

export interface FragmentEntry {
  start: number;
  /** Stored size with the "uncompressed" bit (1 << 24) still set. */
  sizeWord: number;
}

export async function readFragmentEntry(table: LookupTable, index: number, referencedAt: number): Promise<FragmentEntry> {
  const bytes = await table.entry(index, referencedAt);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { start: Number(view.getBigUint64(0, true)), sizeWord: view.getUint32(8, true) };
}

/** Reads the whole id table (at most 65535 ids of 4 bytes). */
export async function readIds(table: LookupTable): Promise<Uint32Array> {
  const ids = new Uint32Array(table.count);
  for (let i = 0; i < table.count; i++) {
    const bytes = await table.entry(i, 0);
    ids[i] = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  }
  return ids;
}

const XATTR_PREFIXES: Readonly<Record<number, string>> = { 0: "user.", 1: "trusted.", 2: "security." };
const XATTR_VALUE_OUT_OF_LINE = 0x100;

/** The xattr id table plus the key/value metadata it points into. */
export class XattrTable {
  private constructor(
    private readonly ids: LookupTable,
    private readonly reader: MetadataReader,
    private readonly kvStart: number,
    private readonly maxBytes: number,
    private readonly file?: string,
  ) {}

  static async open(
    source: ByteSource,
    reader: MetadataReader,
    options: { start: number; end: number; maxBytesPerInode: number; file?: string },
  ): Promise<XattrTable> {
    const { start, end, file } = options;
    if (start + 16 > end) throw new SquashfsError("TRUNCATED", "the xattr id table header is cut off", start, file);
    const header = await source.read(start, 16);
    if (header.length < 16) throw new SquashfsError("TRUNCATED", "the xattr id table header is cut off", start, file);
    const view = new DataView(header.buffer, header.byteOffset, 16);
    const kvStart = view.getBigUint64(0, true);
    const count = view.getUint32(8, true);
    if (kvStart >= BigInt(end)) {
      throw new SquashfsError("INVALID_TABLE_INDEX", `xattr_table_start ${kvStart} points past the end of the filesystem`, start, file);
    }
    const ids = await LookupTable.open(source, reader, { name: "xattr id", start: start + 16, entrySize: 16, count, end, file });
    return new XattrTable(ids, reader, Number(kvStart), options.maxBytesPerInode, file);
  }

  get count(): number {
    return this.ids.count;
  }

  /** Reads the extended attributes of xattr index `index`, referenced by the inode at `referencedAt`. */
  async read(index: number, referencedAt: number): Promise<Record<string, Uint8Array>> {
    const entry = await this.ids.entry(index, referencedAt);
    const view = new DataView(entry.buffer, entry.byteOffset, 16);
    const ref = view.getBigUint64(0, true);
    const count = view.getUint32(8, true);
    const overLimit = (): SquashfsError =>
      new SquashfsError("LIMIT_EXCEEDED", `xattrs of one inode exceed the limit of ${this.maxBytes} bytes`, referencedAt, this.file);

    const cursor = new MetadataCursor(this.reader, this.kvStart + Number(ref >> 16n), Number(ref & 0xffffn));
    const result: Record<string, Uint8Array> = Object.create(null) as Record<string, Uint8Array>;
    let consumed = 0;
    const where = (): number => cursor.position;
    for (let i = 0; i < count; i++) {
      const keyHeader = await cursor.view(4);
      const type = keyHeader.getUint16(0, true);
      const nameSize = keyHeader.getUint16(2, true);
      const prefix = XATTR_PREFIXES[type & 0xff];
      if (prefix === undefined || (type & ~0x1ff) !== 0) {
        throw new SquashfsError("INVALID_XATTR", `xattr type ${type} is unknown`, where(), this.file);
      }
      consumed += 4 + nameSize;
      if (consumed > this.maxBytes) throw overLimit();
      const name = prefix + new TextDecoder().decode(await cursor.bytes(nameSize));

      const valueSize = (await cursor.view(4)).getUint32(0, true);
      consumed += 4 + valueSize;
      if (consumed > this.maxBytes) throw overLimit();
      let value = await cursor.bytes(valueSize);

      if ((type & XATTR_VALUE_OUT_OF_LINE) !== 0) {
        if (valueSize !== 8) throw new SquashfsError("INVALID_XATTR", `out-of-line xattr reference has ${valueSize} bytes, not 8`, where(), this.file);
        const outOfLine = new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0, true);
        const valueCursor = new MetadataCursor(this.reader, this.kvStart + Number(outOfLine >> 16n), Number(outOfLine & 0xffffn));
        const realSize = (await valueCursor.view(4)).getUint32(0, true);
        consumed += realSize;
        if (consumed > this.maxBytes) throw overLimit();
        value = await valueCursor.bytes(realSize);
      }
      result[name] = value.slice();
    }
    return result;
  }
}
