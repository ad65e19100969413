import { SifError, SquashfsError } from "../errors.js";
import { FileSource, SliceSource, type ByteSource } from "../source.js";
import { SUPERBLOCK_SIZE, parseSuperblock } from "../squashfs/superblock.js";
import { readSifLayout, type SifDescriptor, type SifHeader } from "./format.js";
import { summarizeSignature, type SifSignatureSummary } from "./signatures.js";

export interface SifObjectSummary {
  id: number;
  /** Group number; 0 when the object belongs to no group. */
  group: number;
  /** Linked object or group as `object:ID` or `group:ID`. */
  link?: string;
  dataType: number;
  typeName: string;
  name: string;
  offset: number;
  size: number;
  createdAt: number;
  modifiedAt: number;
  partition?: { fs: string; type: string; architecture: string };
  signature?: SifSignatureSummary;
  cryptoMessage?: { format: string; message: string };
  sbom?: { format: string };
  ociBlob?: { digest: string };
}

export interface SquashfsSummary {
  compression: string;
  blockSize: number;
  inodes: number;
  fragments: number;
  ids: number;
  bytesUsed: number;
  mkfsTime: number;
  flags: number;
  hasXattrs: boolean;
  hasExportTable: boolean;
}

/** JSON-serializable description of a SIF file, for `checks inspect`. */
export interface SifSummary {
  file: string;
  size: number;
  header: SifHeader;
  objects: SifObjectSummary[];
  /** Id of the primary system partition, when there is one. */
  primaryPartition?: number;
  /** Superblock of the primary partition when it is squashfs, or the error met reading it. */
  squashfs?: SquashfsSummary | { error: { code: string; message: string } };
  signed: boolean;
  /** Always false: signatures are listed, not verified cryptographically. */
  signaturesVerified: false;
}

/** Describes a SIF file's header and every data object without reading the filesystem. */
export async function inspectSif(path: string): Promise<SifSummary> {
  let source: FileSource;
  try {
    source = await FileSource.open(path);
  } catch (error) {
    throw new SifError("READ_FAILED", `cannot open the SIF image: ${(error as Error).message}`, undefined, path, { cause: error });
  }
  try {
    return await inspectSifSource(source, path);
  } finally {
    await source.close();
  }
}

/** Describes a SIF file read from any ByteSource. */
export async function inspectSifSource(source: ByteSource, name: string): Promise<SifSummary> {
  const { header, descriptors } = await readSifLayout(source, name);
  const objects: SifObjectSummary[] = [];
  for (const descriptor of descriptors) objects.push(await summarizeObject(source, descriptor, descriptors));

  const summary: SifSummary = {
    file: name,
    size: source.size,
    header,
    objects,
    signed: descriptors.some((descriptor) => descriptor.dataType === 0x4005),
    signaturesVerified: false,
  };
  const primary = descriptors.find((descriptor) => descriptor.partition?.partType === 2);
  if (primary) {
    summary.primaryPartition = primary.id;
    if (primary.partition!.fsType === 1) summary.squashfs = await summarizeSquashfs(new SliceSource(source, primary.offset, primary.size), name);
  }
  return summary;
}

async function summarizeObject(source: ByteSource, descriptor: SifDescriptor, all: readonly SifDescriptor[]): Promise<SifObjectSummary> {
  const object: SifObjectSummary = {
    id: descriptor.id,
    group: descriptor.groupId,
    dataType: descriptor.dataType,
    typeName: descriptor.typeName,
    name: descriptor.name,
    offset: descriptor.offset,
    size: descriptor.size,
    createdAt: descriptor.createdAt,
    modifiedAt: descriptor.modifiedAt,
  };
  if (descriptor.link) object.link = `${descriptor.link.group ? "group" : "object"}:${descriptor.link.id}`;
  if (descriptor.partition) {
    object.partition = { fs: descriptor.partition.fsName, type: descriptor.partition.partName, architecture: descriptor.partition.architecture };
  }
  if (descriptor.signature) object.signature = await summarizeSignature(source, descriptor, all);
  if (descriptor.cryptoMessage) object.cryptoMessage = descriptor.cryptoMessage;
  if (descriptor.sbom) object.sbom = descriptor.sbom;
  if (descriptor.ociBlob) object.ociBlob = descriptor.ociBlob;
  return object;
}

async function summarizeSquashfs(source: ByteSource, name: string): Promise<SquashfsSummary | { error: { code: string; message: string } }> {
  try {
    const superblock = parseSuperblock(await source.read(0, SUPERBLOCK_SIZE), source.size, name);
    return {
      compression: superblock.compressionName,
      blockSize: superblock.blockSize,
      inodes: superblock.inodeCount,
      fragments: superblock.fragmentCount,
      ids: superblock.idCount,
      bytesUsed: superblock.bytesUsed,
      mkfsTime: superblock.mkfsTime,
      flags: superblock.flags,
      hasXattrs: superblock.xattrIdTableStart !== undefined,
      hasExportTable: superblock.lookupTableStart !== undefined,
    };
  } catch (error) {
    if (error instanceof SquashfsError) return { error: { code: error.code, message: error.message } };
    throw error;
  }
}
