import type { FileRecord, ImageData, LayerRecord } from "@checks/sdk";

export type VirtualEntry = string | Uint8Array | { link: string } | { dir: true } | { size: number };

const encoder = new TextEncoder();

/** Builds one layer's records from a plain object of path to content, symlink, folder or uncollected file. */
export function records(entries: Record<string, VirtualEntry>, layer = 0): FileRecord[] {
  return Object.entries(entries).map(([path, entry]): FileRecord => {
    const base = { path, mode: 0o644, uid: 0, gid: 0, layer };
    if (typeof entry === "string" || entry instanceof Uint8Array) {
      const content = typeof entry === "string" ? encoder.encode(entry) : entry;
      return { ...base, type: "file", size: content.length, content };
    }
    if ("link" in entry) return { ...base, type: "symlink", size: 0, linkTarget: entry.link };
    if ("dir" in entry) return { ...base, type: "directory", mode: 0o755, size: 0 };
    return { ...base, type: "file", size: entry.size };
  });
}

/** Builds an image with one layer. */
export function virtualImage(entries: Record<string, VirtualEntry>): ImageData {
  return { info: { name: "virtual", format: "rootfs" }, files: records(entries) };
}

/** Builds an image with several layers; later layers override earlier paths in the merged view. */
export function layeredImage(layers: Record<string, VirtualEntry>[]): ImageData {
  const merged = new Map<string, FileRecord>();
  const layerRecords: LayerRecord[] = layers.map((entries, index) => {
    const layerFiles = records(entries, index);
    for (const record of layerFiles) merged.set(record.path, record);
    return { index, entries: layerFiles.map(({ layer: _layer, ...entry }) => entry) };
  });
  return { info: { name: "layered", format: "oci-layout" }, files: [...merged.values()], layers: layerRecords };
}
