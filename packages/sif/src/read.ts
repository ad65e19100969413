import { compileGlob, type FileRecord, type ImageData, type LayerEntryRecord, type SingularitySignature } from "@checks/sdk";
import { SifError, SquashfsError } from "./errors.js";
import { comparePaths, resolveInImage } from "./resolve.js";
import { readSifLayout, type SifDescriptor } from "./sif/format.js";
import { summarizeSignature, toSdkSignature } from "./sif/signatures.js";
import {
  buildSingularityMetadata,
  deriveImageConfig,
  MAX_METADATA_FILE_BYTES,
  SINGULARITY_DIR,
  type SingularitySources,
} from "./singularity.js";
import { FileSource, SliceSource, type ByteSource } from "./source.js";
import type { SquashfsLimits } from "./squashfs/limits.js";
import { SquashfsReader, type SquashfsEntry } from "./squashfs/reader.js";

/** Content a caller wants collected: files matching `glob` (as in @checks/sdk matchAny), up to `maxBytes` each. */
export interface ContentNeed {
  glob: string;
  maxBytes: number;
}

export interface SifReadOptions {
  content: ContentNeed[];
  limits?: Partial<SquashfsLimits>;
}

/** Media type recorded for the single layer of a SIF image. */
export const SIF_LAYER_MEDIA_TYPE = "application/vnd.sylabs.sif.layer.v1.squashfs";
const SIF_DATA_DEFFILE = 0x4001;
const SIF_DATA_ENVVAR = 0x4002;
const SIF_DATA_LABELS = 0x4003;
const SIF_DATA_PARTITION = 0x4004;
const SIF_DATA_SIGNATURE = 0x4005;
const FS_SQUASHFS = 1;
const PART_PRIMARY_SYSTEM = 2;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Reads a SIF image: the primary system partition's squashfs filesystem as
 * files, Singularity metadata from /.singularity.d and from SIF objects, and
 * an image config derived from that metadata.
 */
export async function readSifImage(path: string, options: SifReadOptions): Promise<ImageData> {
  const source = await openFile(path, "sif");
  try {
    return await readSifSource(source, options, path);
  } finally {
    await source.close();
  }
}

/** Reads a bare squashfs filesystem image; `info.format` is `squashfs`. */
export async function readSquashfsImage(path: string, options: SifReadOptions): Promise<ImageData> {
  const source = await openFile(path, "squashfs");
  try {
    return await readSquashfsSource(source, options, path);
  } finally {
    await source.close();
  }
}

/** Reads a SIF image from any ByteSource; `name` appears in `info.name` and in error messages. */
export async function readSifSource(source: ByteSource, options: SifReadOptions, name: string): Promise<ImageData> {
  const { header, descriptors } = await readSifLayout(source, name);
  const primary = findPrimaryPartition(descriptors, name);
  const partitionSource = new SliceSource(source, primary.offset, primary.size);
  const reader = await SquashfsReader.open(partitionSource, { limits: options.limits, file: `${name} (squashfs partition at offset ${primary.offset})` });
  const collected = await collectFiles(reader, options.content);

  const signatures: SingularitySignature[] = [];
  for (const descriptor of descriptors) {
    if (descriptor.dataType === SIF_DATA_SIGNATURE) signatures.push(toSdkSignature(await summarizeSignature(source, descriptor, descriptors)));
  }
  const sources: SingularitySources = {
    files: await readSingularityFiles(reader, collected.entries),
    signatures,
  };
  const notes: string[] = [];
  const definitionObject = await readTextObject(source, descriptors, SIF_DATA_DEFFILE, notes);
  if (definitionObject !== undefined) sources.definitionObject = definitionObject;
  const environmentObject = await readTextObject(source, descriptors, SIF_DATA_ENVVAR, notes);
  if (environmentObject !== undefined) sources.environmentObject = environmentObject;
  const labelsObject = await readTextObject(source, descriptors, SIF_DATA_LABELS, notes);
  if (labelsObject !== undefined) sources.labelsObject = labelsObject;

  const singularity = buildSingularityMetadata(sources);
  const architecture = primary.partition?.architecture !== "unknown" ? primary.partition?.architecture : header.architecture;
  const config = deriveImageConfig(singularity, { architecture, createdAt: header.createdAt });
  const data: ImageData = {
    info: { name, format: "sif" },
    files: collected.files,
    layers: [{ index: 0, mediaType: SIF_LAYER_MEDIA_TYPE, size: primary.size, entries: collected.layerEntries }],
    config,
    singularity,
  };
  if (architecture !== undefined && architecture !== "unknown") data.info.platform = `linux/${architecture}`;
  if (notes.length > 0) data.notes = notes;
  return data;
}

/** Reads a bare squashfs filesystem from any ByteSource. Singularity metadata is included when /.singularity.d exists. */
export async function readSquashfsSource(source: ByteSource, options: SifReadOptions, name: string): Promise<ImageData> {
  const reader = await SquashfsReader.open(source, { limits: options.limits, file: name });
  const collected = await collectFiles(reader, options.content);
  const data: ImageData = {
    info: { name, format: "squashfs" },
    files: collected.files,
    layers: [{ index: 0, mediaType: SIF_LAYER_MEDIA_TYPE, size: reader.superblock.bytesUsed, entries: collected.layerEntries }],
  };
  if (collected.entries.some((entry) => entry.path === SINGULARITY_DIR)) {
    data.singularity = buildSingularityMetadata({ files: await readSingularityFiles(reader, collected.entries), signatures: [] });
    data.config = deriveImageConfig(data.singularity, {});
  }
  return data;
}

/** Returns the primary system partition, or throws NO_PRIMARY_PARTITION or UNSUPPORTED_PARTITION_TYPE. */
export function findPrimaryPartition(descriptors: readonly SifDescriptor[], file: string): SifDescriptor {
  const primary = descriptors.find((descriptor) => descriptor.dataType === SIF_DATA_PARTITION && descriptor.partition?.partType === PART_PRIMARY_SYSTEM);
  if (!primary) {
    throw new SifError("NO_PRIMARY_PARTITION", "the SIF file has no primary system partition, so it contains no root filesystem to scan; inspect it with inspectSif", undefined, file);
  }
  if (primary.partition!.fsType !== FS_SQUASHFS) {
    throw new SifError(
      "UNSUPPORTED_PARTITION_TYPE",
      `unsupported partition type ${primary.partition!.fsName} in object ${primary.id}; only squashfs partitions are read`,
      primary.offset,
      file,
    );
  }
  return primary;
}

interface CollectedFiles {
  entries: SquashfsEntry[];
  files: FileRecord[];
  layerEntries: LayerEntryRecord[];
}

async function collectFiles(reader: SquashfsReader, needs: readonly ContentNeed[]): Promise<CollectedFiles> {
  const entries = await reader.list();
  entries.sort((a, b) => comparePaths(a.path, b.path));
  const patterns = needs.map((need) => ({ regex: compileGlob(need.glob), maxBytes: need.maxBytes }));

  const namesByInode = new Map<number, string[]>();
  for (const entry of entries) {
    if (entry.type === "directory") continue;
    const names = namesByInode.get(entry.inodeNumber);
    if (names) names.push(entry.path);
    else namesByInode.set(entry.inodeNumber, [entry.path]);
  }

  const files: FileRecord[] = [];
  const layerEntries: LayerEntryRecord[] = [];
  for (const entry of entries) {
    const record: FileRecord = {
      path: entry.path,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      size: entry.type === "file" ? entry.size : 0,
      mtime: entry.mtime,
      layer: 0,
    };
    if (entry.linkTarget !== undefined) record.linkTarget = entry.linkTarget;
    if (entry.device !== undefined) record.device = entry.device;
    if (entry.xattrs !== undefined) record.xattrs = entry.xattrs;

    const names = entry.type === "directory" ? undefined : namesByInode.get(entry.inodeNumber);
    const { layer: _layer, ...layerEntry } = record;
    if (names && names.length > 1) {
      record.hardlinks = names.filter((name) => name !== entry.path);
      if (names[0] !== entry.path) (layerEntry as LayerEntryRecord).hardlinkTarget = names[0]!;
    }

    if (entry.type === "file") {
      let maxBytes = -1;
      for (const pattern of patterns) if (pattern.maxBytes > maxBytes && pattern.regex.test(entry.path)) maxBytes = pattern.maxBytes;
      if (maxBytes >= 0) {
        const { content, truncated } = await reader.readContent(entry, maxBytes);
        record.content = content;
        if (truncated) record.contentTruncated = true;
        (layerEntry as LayerEntryRecord).content = content;
        if (truncated) (layerEntry as LayerEntryRecord).contentTruncated = true;
      }
    }
    files.push(record);
    layerEntries.push(layerEntry as LayerEntryRecord);
  }
  return { entries, files, layerEntries };
}

/** Reads the text of every file under /.singularity.d, following symlinks inside the image root. */
async function readSingularityFiles(reader: SquashfsReader, entries: readonly SquashfsEntry[]): Promise<Map<string, string>> {
  const byPath = new Map<string, SquashfsEntry>();
  for (const entry of entries) byPath.set(entry.path, entry);

  const texts = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.path.startsWith(`${SINGULARITY_DIR}/`) || (entry.type !== "file" && entry.type !== "symlink")) continue;
    const resolved = resolveInImage(byPath, entry.path);
    const target = resolved === undefined ? undefined : byPath.get(resolved);
    if (!target || target.type !== "file") continue;
    const { content } = await reader.readContent(target, MAX_METADATA_FILE_BYTES);
    texts.set(entry.path, utf8.decode(content));
  }
  return texts;
}

/** Reads the first object of `dataType` as text, at most MAX_METADATA_FILE_BYTES of it; a longer object adds a note. */
async function readTextObject(
  source: ByteSource,
  descriptors: readonly SifDescriptor[],
  dataType: number,
  notes: string[],
): Promise<string | undefined> {
  const descriptor = descriptors.find((candidate) => candidate.dataType === dataType);
  if (!descriptor) return undefined;
  if (descriptor.size > MAX_METADATA_FILE_BYTES) {
    notes.push(`SIF object ${descriptor.id} (${descriptor.typeName}) has ${descriptor.size} bytes; only the first ${MAX_METADATA_FILE_BYTES} were read.`);
  }
  return utf8.decode(await source.read(descriptor.offset, Math.min(descriptor.size, MAX_METADATA_FILE_BYTES)));
}

async function openFile(path: string, kind: "sif" | "squashfs"): Promise<FileSource> {
  try {
    return await FileSource.open(path);
  } catch (error) {
    const message = `cannot open the ${kind === "sif" ? "SIF" : "squashfs"} image: ${(error as Error).message}`;
    if (kind === "sif") throw new SifError("READ_FAILED", message, undefined, path, { cause: error });
    throw new SquashfsError("READ_FAILED", message, undefined, path, { cause: error });
  }
}
