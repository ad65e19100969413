/**
 * inspectImage: what `checks inspect` prints. Opens the image and reads every
 * layer once for metadata only (entry counts, unpacked sizes); no content.
 */
import type { HealthcheckRecord, ImageConfig, ImageData } from "@checks/sdk";
import { loadSifReader, toImageError } from "./delegate.js";
import { isImageError } from "./errors.js";
import { openImage, planOf, type LayerSummary, type OpenedImage, type OpenOptions } from "./open.js";
import { readImage } from "./read.js";

export interface LayerInspection extends LayerSummary {
  /** Entries in the layer, markers included. */
  entries: number;
  /** Decompressed bytes of the layer tar (for SIF and squashfs: bytes of the files). */
  uncompressedSize: number;
}

export interface ConfigSummary {
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  workdir?: string;
  /** Names only: values may be secrets. */
  envNames: string[];
  labels: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
  historyEntries: number;
  healthcheck?: HealthcheckRecord;
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
}

export interface ImageInspection {
  name: string;
  format: string;
  digest?: string;
  platform?: string;
  layers: LayerInspection[];
  config?: ConfigSummary;
  /** Entries of the merged filesystem. */
  files: number;
  /** For SIF images: header fields and objects, as @checks/sif reports them. */
  sif?: unknown;
  notes: string[];
}

export async function inspectImage(ref: string, options: OpenOptions = {}): Promise<ImageInspection> {
  const image = await openImage(ref, options);
  try {
    const plan = planOf(image);
    if (plan.kind === "delegate") return await inspectDelegated(image, plan.format, plan.path);

    const counts = new Map<number, { entries: number; bytes: number }>();
    const data = await readImage(image, {
      content: [],
      rawLayers: false,
      onProgress: (event) => {
        if (event.phase === "layer" && event.done) counts.set(event.layer, { entries: event.entries, bytes: event.bytes });
      },
    });
    const layers = image.layers.map((layer) => ({ ...layer, entries: counts.get(layer.index)?.entries ?? 0, uncompressedSize: counts.get(layer.index)?.bytes ?? 0 }));
    return summarize(image, data, layers);
  } finally {
    await image.close();
  }
}

/** SIF and squashfs: the reader's layers and, for SIF, its header and objects, even when it contains no root filesystem. */
async function inspectDelegated(image: OpenedImage, format: "sif" | "squashfs", path: string): Promise<ImageInspection> {
  const reader = await loadSifReader();
  const sif = format === "sif" && reader ? await reader.inspectSif(path).catch((error: unknown) => Promise.reject(toImageError(error, path))) : undefined;
  let data: ImageData | undefined;
  const notes: string[] = [];
  try {
    data = await readImage(image, { content: [], rawLayers: true });
  } catch (error) {
    if (!sif || !isImageError(error, "UNSUPPORTED_FORMAT")) throw error;
    notes.push(error.message);
  }
  const layers: LayerInspection[] = (data?.layers ?? []).map((layer) => ({
    index: layer.index,
    ...(layer.digest ? { digest: layer.digest } : {}),
    ...(layer.mediaType ? { mediaType: layer.mediaType } : {}),
    compression: "unknown",
    ...(layer.size !== undefined ? { size: layer.size } : {}),
    entries: layer.entries.length,
    uncompressedSize: layer.entries.reduce((sum, entry) => sum + (entry.type === "file" ? entry.size : 0), 0),
  }));
  const inspection = summarize(image, data, layers);
  inspection.notes.push(...notes);
  if (sif !== undefined) inspection.sif = sif;
  return inspection;
}

function summarize(image: OpenedImage, data: ImageData | undefined, layers: LayerInspection[]): ImageInspection {
  const inspection: ImageInspection = { name: image.info.name, format: image.info.format, layers, files: data?.files.length ?? 0, notes: [...(data?.notes ?? [])] };
  const digest = image.info.digest ?? data?.info.digest;
  if (digest) inspection.digest = digest;
  const platform = image.info.platform ?? data?.info.platform;
  if (platform) inspection.platform = platform;
  const config = image.config ?? data?.config;
  if (config) inspection.config = summarizeConfig(config);
  return inspection;
}

function summarizeConfig(config: ImageConfig): ConfigSummary {
  const summary: ConfigSummary = {
    envNames: Object.keys(config.env).sort(),
    labels: config.labels,
    exposedPorts: config.exposedPorts,
    volumes: config.volumes,
    historyEntries: config.history.length,
  };
  if (config.user !== undefined) summary.user = config.user;
  if (config.entrypoint !== undefined) summary.entrypoint = config.entrypoint;
  if (config.cmd !== undefined) summary.cmd = config.cmd;
  if (config.workdir !== undefined) summary.workdir = config.workdir;
  if (config.healthcheck !== undefined) summary.healthcheck = config.healthcheck;
  if (config.os !== undefined) summary.os = config.os;
  if (config.architecture !== undefined) summary.architecture = config.architecture;
  if (config.variant !== undefined) summary.variant = config.variant;
  if (config.created !== undefined) summary.created = config.created;
  return summary;
}
