/**
 * inspectImage: what `checks inspect` prints. Opens the image and reads every
 * layer once for metadata only (entry counts, unpacked sizes); no content.
 */
import type { HealthcheckRecord } from "@checks/sdk";
import { loadSifReader } from "./delegate.js";
import { openImage, planOf, type LayerSummary, type OpenOptions } from "./open.js";
import { readImage } from "./read.js";

export interface LayerInspection extends LayerSummary {
  /** Tar entries in the layer, markers included. */
  entries: number;
  /** Decompressed bytes of the layer tar. */
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
    const counts = new Map<number, { entries: number; bytes: number }>();
    const data = await readImage(image, {
      content: [],
      rawLayers: false,
      onProgress: (event) => {
        if (event.phase === "layer" && event.done) counts.set(event.layer, { entries: event.entries, bytes: event.bytes });
      },
    });
    const inspection: ImageInspection = {
      name: image.info.name,
      format: image.info.format,
      layers: image.layers.map((layer) => ({ ...layer, entries: counts.get(layer.index)?.entries ?? 0, uncompressedSize: counts.get(layer.index)?.bytes ?? 0 })),
      files: data.files.length,
      notes: data.notes ?? [],
    };
    if (image.info.digest) inspection.digest = image.info.digest;
    if (image.info.platform ?? data.info.platform) inspection.platform = image.info.platform ?? data.info.platform;
    const config = image.config ?? data.config;
    if (config) {
      const summary: ConfigSummary = {
        envNames: Object.keys(config.env).sort(),
        labels: config.labels,
        exposedPorts: config.exposedPorts,
        volumes: config.volumes,
        historyEntries: config.history.length,
      };
      for (const key of ["user", "entrypoint", "cmd", "workdir", "healthcheck", "os", "architecture", "variant", "created"] as const) {
        if (config[key] !== undefined) (summary as unknown as Record<string, unknown>)[key] = config[key];
      }
      inspection.config = summary;
    }
    const plan = planOf(image);
    if (plan.kind === "delegate" && plan.format === "sif") {
      const reader = await loadSifReader();
      if (reader) inspection.sif = await reader.inspectSif(plan.path);
    }
    return inspection;
  } finally {
    await image.close();
  }
}
