import { SifError } from "../errors.js";
import type { ByteSource } from "../source.js";

/**
 * SIF layout (sylabs/sif v2, all integers little-endian):
 * - global header, 128 bytes at offset 0: launch script [32], magic
 *   "SIF_MAGIC\0" [10], version "01\0" [3], architecture code [3], UUID [16],
 *   then int64 created, modified, descriptors free, descriptors total,
 *   descriptors offset, descriptors size, data offset, data size;
 * - descriptors of 585 bytes each: int32 data type, uint8 used, uint32 id,
 *   uint32 group id, uint32 linked id, int64 offset, size, size with padding,
 *   created, modified, uid, gid, name [128], type-specific extra [384].
 * Group and linked ids carry the group mask 0xf0000000 when they name a group.
 */
export const SIF_HEADER_SIZE = 128;
export const SIF_DESCRIPTOR_SIZE = 585;
export const SIF_MAGIC = "SIF_MAGIC";
export const GROUP_MASK = 0xf000_0000;
/** Upper bound on descriptors read from one file; siftool creates 48 by default. */
export const MAX_DESCRIPTORS = 65_536;

export const DATA_TYPES: Readonly<Record<number, string>> = {
  0x4001: "definition-file",
  0x4002: "environment",
  0x4003: "labels",
  0x4004: "partition",
  0x4005: "signature",
  0x4006: "generic-json",
  0x4007: "generic",
  0x4008: "crypto-message",
  0x4009: "sbom",
  0x400a: "oci-root-index",
  0x400b: "oci-blob",
};

export const FS_TYPES: Readonly<Record<number, string>> = {
  1: "squashfs",
  2: "ext3",
  3: "archive",
  4: "raw",
  5: "encrypted-squashfs",
};

export const PARTITION_TYPES: Readonly<Record<number, string>> = {
  1: "system",
  2: "primary-system",
  3: "data",
  4: "overlay",
};

export const HASH_TYPES: Readonly<Record<number, string>> = {
  1: "sha256",
  2: "sha384",
  3: "sha512",
  4: "blake2s",
  5: "blake2b",
};

export const ARCHITECTURES: Readonly<Record<string, string>> = {
  "01": "386",
  "02": "amd64",
  "03": "arm",
  "04": "arm64",
  "05": "ppc64",
  "06": "ppc64le",
  "07": "mips",
  "08": "mipsle",
  "09": "mips64",
  "10": "mips64le",
  "11": "s390x",
  "12": "riscv64",
};

export const SBOM_FORMATS: Readonly<Record<number, string>> = {
  1: "cyclonedx-json",
  2: "cyclonedx-xml",
  3: "github-json",
  4: "spdx-json",
  5: "spdx-rdf",
  6: "spdx-tag-value",
  7: "spdx-yaml",
  8: "syft-json",
};

export const CRYPTO_FORMATS: Readonly<Record<number, string>> = { 1: "openpgp", 2: "pem" };
export const CRYPTO_MESSAGES: Readonly<Record<number, string>> = { 0x100: "clear-signature", 0x200: "rsa-oaep" };

export interface SifHeader {
  launchScript: string;
  version: string;
  /** Go architecture name, or `unknown`. */
  architecture: string;
  architectureCode: string;
  uuid: string;
  /** Seconds since the epoch; negative values are Go's zero time, written by deterministic builds. */
  createdAt: number;
  modifiedAt: number;
  descriptorsFree: number;
  descriptorsTotal: number;
  descriptorsOffset: number;
  descriptorsSize: number;
  dataOffset: number;
  dataSize: number;
}

export interface SifDescriptor {
  /** Position of the descriptor in the table, from 0. */
  index: number;
  dataType: number;
  typeName: string;
  id: number;
  /** Group number without the mask; 0 when the object belongs to no group. */
  groupId: number;
  /** Linked object or group; undefined when the object links to nothing. */
  link?: { id: number; group: boolean };
  offset: number;
  size: number;
  sizeWithPadding: number;
  createdAt: number;
  modifiedAt: number;
  name: string;
  partition?: { fsType: number; fsName: string; partType: number; partName: string; architecture: string };
  signature?: { hashType: number; hashName: string; fingerprint?: string };
  cryptoMessage?: { format: string; message: string };
  sbom?: { format: string };
  ociBlob?: { digest: string };
}

const latin1 = new TextDecoder("latin1");

/** Returns true when the bytes hold the SIF magic at offset 32. */
export function hasSifMagic(head: Uint8Array): boolean {
  if (head.length < 42) return false;
  for (let i = 0; i < SIF_MAGIC.length; i++) if (head[32 + i] !== SIF_MAGIC.charCodeAt(i)) return false;
  return head[41] === 0;
}

/** Reads and checks the global header and every used descriptor. */
export async function readSifLayout(source: ByteSource, file?: string): Promise<{ header: SifHeader; descriptors: SifDescriptor[] }> {
  const headBytes = await source.read(0, SIF_HEADER_SIZE);
  if (!hasSifMagic(headBytes)) throw new SifError("NOT_SIF", "the SIF magic 'SIF_MAGIC' is missing at offset 32", 32, file);
  if (headBytes.length < SIF_HEADER_SIZE) {
    throw new SifError("TRUNCATED", `the global header needs ${SIF_HEADER_SIZE} bytes but the file has ${headBytes.length}`, 0, file);
  }
  const header = parseHeader(headBytes, source.size, file);

  const tableBytes = header.descriptorsTotal * SIF_DESCRIPTOR_SIZE;
  const table = await source.read(header.descriptorsOffset, tableBytes);
  if (table.length < tableBytes) {
    throw new SifError("TRUNCATED", `the descriptor table of ${header.descriptorsTotal} entries is cut off`, header.descriptorsOffset, file);
  }

  const descriptors: SifDescriptor[] = [];
  const ids = new Set<number>();
  for (let index = 0; index < header.descriptorsTotal; index++) {
    const at = index * SIF_DESCRIPTOR_SIZE;
    const bytes = table.subarray(at, at + SIF_DESCRIPTOR_SIZE);
    const descriptor = parseDescriptor(bytes, index, header.descriptorsOffset + at, source.size, file);
    if (descriptor === undefined) continue;
    if (ids.has(descriptor.id)) {
      throw new SifError("INVALID_DESCRIPTOR", `object id ${descriptor.id} is used by two descriptors`, header.descriptorsOffset + at + 5, file);
    }
    ids.add(descriptor.id);
    descriptors.push(descriptor);
  }
  return { header, descriptors };
}

function parseHeader(bytes: Uint8Array, fileSize: number, file?: string): SifHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, SIF_HEADER_SIZE);
  const version = cString(bytes.subarray(42, 45));
  if (version !== "01") throw new SifError("UNSUPPORTED_VERSION", `SIF version ${JSON.stringify(version)} is not supported; only 01 is`, 42, file);

  const architectureCode = cString(bytes.subarray(45, 48));
  const int64 = (at: number, field: string): number => {
    const value = view.getBigInt64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new SifError("INVALID_HEADER", `${field} ${value} is out of range`, at, file);
    }
    return Number(value);
  };

  const header: SifHeader = {
    launchScript: cString(bytes.subarray(0, 32)),
    version,
    architectureCode,
    architecture: ARCHITECTURES[architectureCode] ?? "unknown",
    uuid: formatUuid(bytes.subarray(48, 64)),
    createdAt: int64(64, "created time"),
    modifiedAt: int64(72, "modified time"),
    descriptorsFree: int64(80, "free descriptor count"),
    descriptorsTotal: int64(88, "descriptor count"),
    descriptorsOffset: int64(96, "descriptors offset"),
    descriptorsSize: int64(104, "descriptors size"),
    dataOffset: int64(112, "data offset"),
    dataSize: int64(120, "data size"),
  };

  if (header.descriptorsTotal < 0 || header.descriptorsTotal > MAX_DESCRIPTORS) {
    throw new SifError("INVALID_HEADER", `descriptor count ${header.descriptorsTotal} is not between 0 and ${MAX_DESCRIPTORS}`, 88, file);
  }
  if (header.descriptorsFree < 0 || header.descriptorsFree > header.descriptorsTotal) {
    throw new SifError("INVALID_HEADER", `free descriptor count ${header.descriptorsFree} exceeds the total ${header.descriptorsTotal}`, 80, file);
  }
  const tableEnd = header.descriptorsOffset + header.descriptorsTotal * SIF_DESCRIPTOR_SIZE;
  if (header.descriptorsOffset < SIF_HEADER_SIZE || tableEnd > fileSize) {
    throw new SifError(
      "TRUNCATED",
      `the descriptor table at ${header.descriptorsOffset} with ${header.descriptorsTotal} entries does not fit in the ${fileSize}-byte file`,
      96,
      file,
    );
  }
  return header;
}

function parseDescriptor(bytes: Uint8Array, index: number, at: number, fileSize: number, file?: string): SifDescriptor | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, SIF_DESCRIPTOR_SIZE);
  if (bytes[4] === 0) return undefined;

  const dataType = view.getInt32(0, true);
  const int64 = (offset: number, field: string): number => {
    const value = view.getBigInt64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new SifError("INVALID_DESCRIPTOR", `descriptor ${index}: ${field} ${value} is out of range`, at + offset, file);
    }
    return Number(value);
  };
  const rawGroup = view.getUint32(9, true);
  const rawLink = view.getUint32(13, true);
  const descriptor: SifDescriptor = {
    index,
    dataType,
    typeName: DATA_TYPES[dataType] ?? `unknown-0x${(dataType >>> 0).toString(16)}`,
    id: view.getUint32(5, true),
    groupId: (rawGroup & ~GROUP_MASK) >>> 0,
    offset: int64(17, "offset"),
    size: int64(25, "size"),
    sizeWithPadding: int64(33, "size with padding"),
    createdAt: int64(41, "created time"),
    modifiedAt: int64(49, "modified time"),
    name: cString(bytes.subarray(73, 201)),
  };
  if (rawLink !== 0) descriptor.link = { id: (rawLink & ~GROUP_MASK) >>> 0, group: (rawLink & GROUP_MASK) >>> 0 === GROUP_MASK };

  if (descriptor.offset < 0 || descriptor.size < 0 || descriptor.offset + descriptor.size > fileSize) {
    throw new SifError(
      "INVALID_DESCRIPTOR",
      `object ${descriptor.id} (${descriptor.typeName}) spans ${descriptor.offset}..${descriptor.offset + descriptor.size}, outside the ${fileSize}-byte file`,
      at + 17,
      file,
    );
  }

  const extra = new DataView(bytes.buffer, bytes.byteOffset + 201, 384);
  const extraBytes = bytes.subarray(201);
  switch (dataType) {
    case 0x4004: {
      const fsType = extra.getInt32(0, true);
      const partType = extra.getInt32(4, true);
      const arch = cString(extraBytes.subarray(8, 11));
      descriptor.partition = {
        fsType,
        fsName: FS_TYPES[fsType] ?? `unknown-${fsType}`,
        partType,
        partName: PARTITION_TYPES[partType] ?? `unknown-${partType}`,
        architecture: ARCHITECTURES[arch] ?? "unknown",
      };
      break;
    }
    case 0x4005: {
      const hashType = extra.getInt32(0, true);
      const entity = extraBytes.subarray(4, 24);
      descriptor.signature = {
        hashType,
        hashName: HASH_TYPES[hashType] ?? `unknown-${hashType}`,
        fingerprint: entity.some((byte) => byte !== 0) ? Buffer.from(entity).toString("hex").toUpperCase() : undefined,
      };
      break;
    }
    case 0x4008: {
      const format = extra.getInt32(0, true);
      const message = extra.getInt32(4, true);
      descriptor.cryptoMessage = { format: CRYPTO_FORMATS[format] ?? `unknown-${format}`, message: CRYPTO_MESSAGES[message] ?? `unknown-${message}` };
      break;
    }
    case 0x4009: {
      const format = extra.getInt32(0, true);
      descriptor.sbom = { format: SBOM_FORMATS[format] ?? `unknown-${format}` };
      break;
    }
    case 0x400a:
    case 0x400b:
      descriptor.ociBlob = { digest: cString(extraBytes) };
      break;
  }
  return descriptor;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return latin1.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
