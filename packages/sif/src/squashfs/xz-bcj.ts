/**
 * Support for xz blocks that mksquashfs writes with `-Xbcj x86`. Their filter
 * chain is BCJ x86 followed by LZMA2, but the xz decoder in use supports
 * LZMA2 only. So the stream is rewritten with the LZMA2 filter alone and no
 * integrity check, decoded, and then the x86 branch conversion is undone here
 * and the original CRC32 is verified. The tests check the result against
 * `xz --x86` streams and against unsquashfs.
 */

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FILTER_X86 = 0x04;
const FILTER_LZMA2 = 0x21;
/** Ids of the other xz branch filters (PowerPC, IA-64, ARM, ARM-Thumb, SPARC, ARM64, RISC-V), which this module does not undo. */
const OTHER_BCJ_FILTERS = new Set([0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b]);
const CHECK_SIZES: Readonly<Record<number, number>> = { 0: 0, 1: 4, 4: 8, 10: 32 };

export interface BcjPlan {
  /** The same block as an xz stream with LZMA2 only and no check. */
  stream: Uint8Array;
  /** Start offset of the x86 filter (its optional 4-byte property). */
  startOffset: number;
  /** CRC32 of the uncompressed data, when the original stream has a CRC32 check. */
  crc32?: number;
}

export type BcjInspection = { kind: "none" } | { kind: "unsupported"; filter: number } | { kind: "x86"; plan: BcjPlan };

/** Inspects the first block header of an xz stream and, for a BCJ x86 + LZMA2 chain, prepares the rewritten stream. */
export function inspectBcj(input: Uint8Array): BcjInspection {
  if (input.length < 24 || XZ_MAGIC.some((byte, i) => input[i] !== byte)) return { kind: "none" };
  const checkType = input[7]! & 0x0f;
  const checkSize = CHECK_SIZES[checkType];
  const headerByte = input[12]!;
  if (checkSize === undefined || headerByte === 0) return { kind: "none" };

  const headerSize = (headerByte + 1) * 4;
  const flags = input[13]!;
  const filterCount = (flags & 3) + 1;
  let pos = 14;
  let compressedSize: number | undefined;
  let uncompressedSize: number | undefined;
  const read = (): number | undefined => {
    const result = readVarint(input, pos, 12 + headerSize);
    if (result === undefined) return undefined;
    pos = result.next;
    return result.value;
  };
  if (flags & 0x40) compressedSize = read();
  if (flags & 0x80) uncompressedSize = read();

  const filters: { id: number; properties: Uint8Array }[] = [];
  for (let i = 0; i < filterCount; i++) {
    const id = read();
    const size = read();
    if (id === undefined || size === undefined || pos + size > 12 + headerSize) return { kind: "none" };
    filters.push({ id, properties: input.subarray(pos, pos + size) });
    pos += size;
  }

  const first = filters[0]!;
  if (OTHER_BCJ_FILTERS.has(first.id)) return { kind: "unsupported", filter: first.id };
  if (filters.length !== 2 || first.id !== FILTER_X86 || filters[1]!.id !== FILTER_LZMA2 || filters[1]!.properties.length !== 1) {
    return { kind: "none" };
  }

  if (compressedSize === undefined || uncompressedSize === undefined) {
    const record = readSingleIndexRecord(input);
    if (record === undefined) return { kind: "none" };
    compressedSize ??= record.unpaddedSize - headerSize - checkSize;
    uncompressedSize ??= record.uncompressedSize;
  }
  const dataStart = 12 + headerSize;
  const checkStart = dataStart + align4(compressedSize);
  if (compressedSize <= 0 || checkStart + checkSize > input.length) return { kind: "none" };

  const startOffset = first.properties.length === 4 ? new DataView(first.properties.buffer, first.properties.byteOffset, 4).getUint32(0, true) : 0;
  const plan: BcjPlan = {
    stream: buildStream(input.subarray(dataStart, dataStart + compressedSize), filters[1]!.properties[0]!, uncompressedSize),
    startOffset,
  };
  if (checkType === 1) plan.crc32 = new DataView(input.buffer, input.byteOffset + checkStart, 4).getUint32(0, true);
  return { kind: "x86", plan };
}

/** Undoes the BCJ x86 filter in place over a whole block, which starts at stream position `startOffset`. */
export function decodeBcjX86(buffer: Uint8Array, startOffset: number): void {
  const allowedStatus = [true, true, true, false, true, false, false, false];
  const bitNumber = [0, 1, 2, 2, 3, 3, 3, 3];
  const isMsByte = (byte: number): boolean => byte === 0 || byte === 0xff;
  if (buffer.length < 5) return;

  let previousMask = 0;
  let previousPosition = (startOffset - 5) >>> 0;
  const limit = buffer.length - 5;
  let position = 0;
  while (position <= limit) {
    let byte = buffer[position]!;
    if (byte !== 0xe8 && byte !== 0xe9) {
      position++;
      continue;
    }

    const here = (startOffset + position) >>> 0;
    const distance = (here - previousPosition) >>> 0;
    previousPosition = here;
    if (distance > 5) {
      previousMask = 0;
    } else {
      for (let i = 0; i < distance; i++) previousMask = ((previousMask & 0x77) << 1) & 0xff;
    }

    byte = buffer[position + 4]!;
    if (isMsByte(byte) && allowedStatus[(previousMask >>> 1) & 7] && previousMask >>> 1 < 0x10) {
      let source = ((byte << 24) | (buffer[position + 3]! << 16) | (buffer[position + 2]! << 8) | buffer[position + 1]!) >>> 0;
      let destination: number;
      for (;;) {
        destination = (source - (here + 5)) >>> 0;
        if (previousMask === 0) break;
        const index = bitNumber[previousMask >>> 1]!;
        const check = (destination >>> (24 - index * 8)) & 0xff;
        if (!isMsByte(check)) break;
        source = (destination ^ (2 ** (32 - index * 8) - 1)) >>> 0;
      }
      buffer[position + 4] = ~(((destination >>> 24) & 1) - 1) & 0xff;
      buffer[position + 3] = (destination >>> 16) & 0xff;
      buffer[position + 2] = (destination >>> 8) & 0xff;
      buffer[position + 1] = destination & 0xff;
      position += 5;
      previousMask = 0;
    } else {
      position++;
      previousMask |= 1;
      if (isMsByte(byte)) previousMask |= 0x10;
    }
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3), as xz uses for headers and for the CRC32 check. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function buildStream(compressed: Uint8Array, lzma2Property: number, uncompressedSize: number): Uint8Array {
  const parts: number[] = [];
  const pushCrc = (bytes: readonly number[]): void => {
    const value = crc32(Uint8Array.from(bytes));
    parts.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
  };

  // Stream header with check type None.
  parts.push(...XZ_MAGIC, 0x00, 0x00);
  pushCrc([0x00, 0x00]);

  // Block header of 12 bytes: size byte 2, flags (one filter, no sizes), LZMA2 with its property, padding, CRC32.
  const blockHeader = [0x02, 0x00, FILTER_LZMA2, 0x01, lzma2Property, 0x00, 0x00, 0x00];
  parts.push(...blockHeader);
  pushCrc(blockHeader);
  const head = Uint8Array.from(parts);

  const index = [0x00, ...encodeVarint(1), ...encodeVarint(12 + compressed.length), ...encodeVarint(uncompressedSize)];
  while (index.length % 4 !== 0) index.push(0);
  const indexWithCrc = [...index];
  const indexCrc = crc32(Uint8Array.from(index));
  indexWithCrc.push(indexCrc & 0xff, (indexCrc >>> 8) & 0xff, (indexCrc >>> 16) & 0xff, indexCrc >>> 24);

  const backwardSize = indexWithCrc.length / 4 - 1;
  const footerFields = [backwardSize & 0xff, (backwardSize >>> 8) & 0xff, (backwardSize >>> 16) & 0xff, backwardSize >>> 24, 0x00, 0x00];
  const footerCrc = crc32(Uint8Array.from(footerFields));
  const footer = [footerCrc & 0xff, (footerCrc >>> 8) & 0xff, (footerCrc >>> 16) & 0xff, footerCrc >>> 24, ...footerFields, 0x59, 0x5a];

  const stream = new Uint8Array(head.length + align4(compressed.length) + indexWithCrc.length + footer.length);
  stream.set(head, 0);
  stream.set(compressed, head.length);
  stream.set(indexWithCrc, head.length + align4(compressed.length));
  stream.set(footer, head.length + align4(compressed.length) + indexWithCrc.length);
  return stream;
}

function readSingleIndexRecord(input: Uint8Array): { unpaddedSize: number; uncompressedSize: number } | undefined {
  const footer = input.length - 12;
  if (footer < 12 || input[footer + 10] !== 0x59 || input[footer + 11] !== 0x5a) return undefined;
  const indexSize = (new DataView(input.buffer, input.byteOffset + footer + 4, 4).getUint32(0, true) + 1) * 4;
  const indexStart = footer - indexSize;
  if (indexStart < 12 || input[indexStart] !== 0x00) return undefined;
  const count = readVarint(input, indexStart + 1, footer);
  if (count === undefined || count.value !== 1) return undefined;
  const unpadded = readVarint(input, count.next, footer);
  if (unpadded === undefined) return undefined;
  const uncompressed = readVarint(input, unpadded.next, footer);
  if (uncompressed === undefined) return undefined;
  return { unpaddedSize: unpadded.value, uncompressedSize: uncompressed.value };
}

function readVarint(input: Uint8Array, start: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (start + i >= end || start + i >= input.length) return undefined;
    const byte = input[start + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value > Number.MAX_SAFE_INTEGER ? undefined : { value, next: start + i + 1 };
  }
  return undefined;
}

function encodeVarint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function align4(value: number): number {
  return Math.ceil(value / 4) * 4;
}
