/**
 * Writes SIF files in the layout sylabs/sif v2 documents: a 128-byte global
 * header, a descriptor table of 585-byte entries at offset 4096, and data
 * objects from offset 32768, each aligned to 4096 bytes.
 */
export interface SifObjectInput {
  dataType: number;
  data: Uint8Array;
  id?: number;
  /** Group number without the mask; 0 for no group. */
  group?: number;
  link?: { id: number; group: boolean };
  name?: string;
  partition?: { fsType: number; partType: number; arch: string };
  signature?: { hashType: number; fingerprint?: Uint8Array };
  /** Writes the descriptor with the "used" flag cleared. */
  unused?: boolean;
}

export const DATA = {
  deffile: 0x4001,
  environment: 0x4002,
  labels: 0x4003,
  partition: 0x4004,
  signature: 0x4005,
  genericJson: 0x4006,
  generic: 0x4007,
  cryptoMessage: 0x4008,
  sbom: 0x4009,
  ociRootIndex: 0x400a,
  ociBlob: 0x400b,
} as const;

const DESCRIPTOR_SIZE = 585;
const DESCRIPTORS_OFFSET = 4096;
const DATA_OFFSET = 32768;
const ALIGNMENT = 4096;

export function writeSif(objects: readonly SifObjectInput[], options: { arch?: string; descriptorsTotal?: number; createdAt?: number } = {}): Uint8Array {
  const total = options.descriptorsTotal ?? 48;
  let cursor = DATA_OFFSET;
  const placed = objects.map((object) => {
    const offset = cursor;
    cursor = Math.ceil((cursor + object.data.length) / ALIGNMENT) * ALIGNMENT;
    return { object, offset };
  });
  const size = Math.max(cursor, DATA_OFFSET);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  };

  ascii(0, "#!/usr/bin/env run-singularity\n");
  ascii(32, "SIF_MAGIC");
  ascii(42, "01");
  ascii(45, options.arch ?? "02");
  for (let i = 0; i < 16; i++) bytes[48 + i] = i * 17;
  const created = BigInt(options.createdAt ?? 1_700_000_000);
  view.setBigInt64(64, created, true);
  view.setBigInt64(72, created, true);
  view.setBigInt64(80, BigInt(total - objects.length), true);
  view.setBigInt64(88, BigInt(total), true);
  view.setBigInt64(96, BigInt(DESCRIPTORS_OFFSET), true);
  view.setBigInt64(104, BigInt(total * DESCRIPTOR_SIZE), true);
  view.setBigInt64(112, BigInt(DATA_OFFSET), true);
  view.setBigInt64(120, BigInt(size - DATA_OFFSET), true);

  placed.forEach(({ object, offset }, index) => {
    const at = DESCRIPTORS_OFFSET + index * DESCRIPTOR_SIZE;
    view.setInt32(at, object.dataType, true);
    bytes[at + 4] = object.unused ? 0 : 1;
    view.setUint32(at + 5, object.id ?? index + 1, true);
    view.setUint32(at + 9, object.group ? (0xf0000000 | object.group) >>> 0 : 0xf0000000, true);
    let link = 0;
    if (object.link?.group) link = (0xf0000000 | object.link.id) >>> 0;
    else if (object.link) link = object.link.id;
    view.setUint32(at + 13, link, true);
    view.setBigInt64(at + 17, BigInt(offset), true);
    view.setBigInt64(at + 25, BigInt(object.data.length), true);
    view.setBigInt64(at + 33, BigInt(Math.ceil(object.data.length / ALIGNMENT) * ALIGNMENT), true);
    view.setBigInt64(at + 41, created, true);
    view.setBigInt64(at + 49, created, true);
    ascii(at + 73, object.name ?? "");
    const extra = at + 201;
    if (object.partition) {
      view.setInt32(extra, object.partition.fsType, true);
      view.setInt32(extra + 4, object.partition.partType, true);
      ascii(extra + 8, object.partition.arch);
    }
    if (object.signature) {
      view.setInt32(extra, object.signature.hashType, true);
      if (object.signature.fingerprint) bytes.set(object.signature.fingerprint, extra + 4);
    }
    bytes.set(object.data, offset);
  });
  return bytes;
}
