/**
 * readImage: the one pass. Each layer blob is read and decompressed once;
 * every entry's metadata is kept, content only for paths a ContentNeed matches,
 * up to the largest matching cap. Afterwards, files reached through a symlink
 * or a hardlink whose content the pass did not collect are read in a second,
 * targeted pass over only the layers that hold them.
 */
import type { FileRecord, ImageData, LayerRecord } from "@checks/sdk";
import { ImageError } from "./errors.js";
import type { ImageLimits } from "./limits.js";
import { limitError } from "./limits.js";
import { streamLayer, type ByteBudget } from "./layer-stream.js";
import { Merger, type ContentSource } from "./merge.js";
import { LinkAliases, NeedMatcher, type ContentNeed } from "./needs.js";
import { planOf, type ImagePlan, type LayerPlan, type OpenedImage } from "./open.js";
import { readRootfsFolder, readRootfsContent } from "./rootfs.js";
import { TarParser, type TarEntry } from "./tar.js";
import { delegateRead } from "./delegate.js";

export type { ContentNeed } from "./needs.js";

export interface ReadProgress {
  phase: "layer" | "fill";
  /** Index of the layer being read. */
  layer: number;
  layers: number;
  digest?: string;
  /** False when the layer starts, true when it is done. */
  done: boolean;
  /** Entries and decompressed bytes of this layer so far (final when done). */
  entries: number;
  bytes: number;
}

export interface ReadNeeds {
  content: ContentNeed[];
  rawLayers: boolean;
  onProgress?: (event: ReadProgress) => void;
}

/** Cap on path aliases (a symlinked folder times the files under it) checked for content needs. */
const MAX_ALIAS_CHECKS = 2_000_000;
const MAX_SYMLINK_HOPS = 40;
const MAX_LOOP_NOTES = 100;

/** Tracks content bytes kept across the image against maxContentBytes. */
export class ContentBudget {
  private used = 0;
  private noted = false;

  constructor(
    private readonly max: number,
    private readonly notes: string[],
  ) {}

  /** How many of `wanted` bytes may be kept. */
  grant(wanted: number, path: string): number {
    const left = Math.max(0, this.max - this.used);
    if (wanted > left && !this.noted) {
      this.noted = true;
      this.notes.push(`Content of ${path} and later files was truncated: the image passed maxContentBytes = ${this.max}.`);
    }
    return Math.min(wanted, left);
  }

  take(bytes: number): void {
    this.used += bytes;
  }

  get exhausted(): boolean {
    return this.used >= this.max;
  }
}

export async function readImage(image: OpenedImage, needs: ReadNeeds): Promise<ImageData> {
  const plan = planOf(image);
  const notes = [...plan.notes];
  const matcher = new NeedMatcher(needs.content);
  if (plan.kind === "delegate") return delegateRead(image, plan, needs.content);

  const merger = new Merger({ rawLayers: needs.rawLayers, notes });
  const budget = new ContentBudget(plan.limits.maxContentBytes, notes);
  const entryCount = { total: 0 };

  if (plan.kind === "rootfs") {
    needs.onProgress?.({ phase: "layer", layer: 0, layers: 1, done: false, entries: 0, bytes: 0 });
    merger.beginLayer(0);
    const stats = await readRootfsFolder(plan.root, plan.limits, matcher, budget, notes, (entry, content, truncated) => {
      const pending = merger.add(entry);
      if (content) {
        pending.content = content;
        if (truncated) pending.truncated = true;
      }
    });
    merger.endLayer();
    needs.onProgress?.({ phase: "layer", layer: 0, layers: 1, done: true, entries: stats.entries, bytes: stats.bytes });
  } else {
    const bytes: ByteBudget = { total: 0 };
    const aliases = new LinkAliases(matcher);
    for (const layer of plan.layers) {
      await readLayer(layer, plan.layers.length, merger, aliases, budget, plan.limits, bytes, entryCount, needs.onProgress);
    }
  }

  if (!matcher.empty) await fillLinkedContent(plan, merger, matcher, budget, notes, needs.onProgress);

  const { files, layers } = merger.finish();
  const data: ImageData = { info: { ...image.info }, files };
  if (image.config) data.config = image.config;
  if (needs.rawLayers) {
    data.layers = layers.map((entries, index): LayerRecord => {
      const summary = image.layers[index];
      const record: LayerRecord = { index, entries };
      if (summary?.digest) record.digest = summary.digest;
      if (summary?.mediaType) record.mediaType = summary.mediaType;
      if (summary?.size !== undefined) record.size = summary.size;
      if (summary?.createdBy !== undefined) record.createdBy = summary.createdBy;
      if (summary?.comment !== undefined) record.comment = summary.comment;
      return record;
    });
  }
  if (notes.length > 0) data.notes = notes;
  return data;
}

async function readLayer(
  layer: LayerPlan,
  layerCount: number,
  merger: Merger,
  aliases: LinkAliases,
  budget: ContentBudget,
  limits: ImageLimits,
  bytes: ByteBudget,
  entryCount: { total: number },
  onProgress: ReadNeeds["onProgress"],
): Promise<void> {
  const index = layer.summary.index;
  const digest = layer.summary.digest;
  const progress = (done: boolean, entries: number, read: number): void =>
    onProgress?.({ phase: "layer", layer: index, layers: layerCount, ...(digest ? { digest } : {}), done, entries, bytes: read });
  progress(false, 0, 0);

  merger.beginLayer(index);
  let current: ReturnType<Merger["add"]> | undefined;
  const parser = new TarParser(
    {
      onEntry(entry: TarEntry): number {
        if (++entryCount.total > limits.maxEntries) {
          throw limitError("maxEntries", entryCount.total, limits.maxEntries, "Entries in the image", layer.blob.name);
        }
        current = merger.add(entry);
        if (entry.type === "symlink") aliases.add(entry.path, entry.linkName ?? "");
        if (entry.type !== "file" || entry.size === 0) return 0;
        const cap = aliases.capFor(entry.path);
        return cap === 0 ? 0 : budget.grant(Math.min(cap, entry.size), entry.path);
      },
      onContent(entry: TarEntry, content: Uint8Array, truncated: boolean): void {
        budget.take(content.length);
        current!.content = content;
        if (truncated) current!.truncated = true;
      },
    },
    limits,
  );
  const result = await streamLayer(
    layer.blob,
    { ...(layer.summary.mediaType ? { mediaType: layer.summary.mediaType } : {}), ...(layer.verifyDiffId ? { diffId: layer.verifyDiffId } : {}), limits, budget: bytes },
    (chunk) => parser.write(chunk),
  );
  try {
    parser.end();
  } catch (error) {
    if (error instanceof ImageError && error.code === "TRUNCATED") error.message = `Layer ${index} (${layer.blob.name}): ${error.message}`;
    throw error;
  }
  merger.endLayer();
  progress(true, parser.entries, result.decompressedBytes);
}

// ---------------------------------------------------------------------------
// Content reached through links

interface FillRequest {
  cap: number;
  records: FileRecord[];
}

type Lookup = (path: string) => { type: string; linkTarget?: string } | undefined;

/** What resolveInside returns for a path caught in a symlink loop. */
export const LOOP = Symbol("symlink loop");

/** Resolves every symlink in `path` inside the image root; LOOP on a loop, undefined on a missing component. */
export function resolveInside(lookup: Lookup, path: string): string | typeof LOOP | undefined {
  let pending = path.split("/").filter(Boolean);
  let resolved = "";
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === ".") continue;
    if (name === "..") {
      resolved = resolved.slice(0, resolved.lastIndexOf("/"));
      continue;
    }
    const candidate = resolved + "/" + name;
    const record = lookup(candidate);
    if (!record) return undefined;
    if (record.type !== "symlink") {
      resolved = candidate;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return LOOP;
    const target = record.linkTarget ?? "";
    pending = [...target.split("/").filter(Boolean), ...pending];
    if (target.startsWith("/")) resolved = "";
  }
  return resolved === "" ? "/" : resolved;
}

async function fillLinkedContent(
  plan: Exclude<ImagePlan, { kind: "delegate" }>,
  merger: Merger,
  matcher: NeedMatcher,
  budget: ContentBudget,
  notes: string[],
  onProgress: ReadNeeds["onProgress"],
): Promise<void> {
  const requests = new Map<number, Map<number, FillRequest>>();
  const rootfsRequests = new Map<string, { cap: number; record: FileRecord }>();

  const request = (path: string, cap: number): void => {
    const node = merger.nodes.get(path);
    if (!node || node.record.type !== "file" || node.record.size === 0 || budget.exhausted) return;
    const record = node.record;
    const want = Math.min(cap, record.size);
    if ((record.content?.length ?? 0) >= want) return;
    if (plan.kind === "rootfs") {
      rootfsRequests.set(path, { cap: Math.max(want, rootfsRequests.get(path)?.cap ?? 0), record });
      return;
    }
    const source: ContentSource | undefined = node.source;
    if (!source) return;
    let byOffset = requests.get(source.layer);
    if (!byOffset) requests.set(source.layer, (byOffset = new Map()));
    const existing = byOffset.get(source.offset);
    if (existing) {
      existing.cap = Math.max(existing.cap, want);
      if (!existing.records.includes(record)) existing.records.push(record);
    } else {
      byOffset.set(source.offset, { cap: want, records: [record] });
    }
  };

  // Files whose bytes sit under another name (hardlinks) and were not collected.
  for (const [path, node] of merger.nodes) {
    if (node.record.type !== "file" || node.record.content !== undefined || node.record.size === 0) continue;
    const cap = matcher.capFor(path);
    if (cap > 0) request(path, cap);
  }

  // Files reached through a symlink (to the file itself or to a folder above it).
  const lookup: Lookup = (p) => merger.nodes.get(p)?.record;
  let aliasChecks = 0;
  let loops = 0;
  for (const [path, node] of merger.nodes) {
    if (node.record.type !== "symlink") continue;
    const target = resolveInside(lookup, path);
    if (target === LOOP) {
      if (++loops <= MAX_LOOP_NOTES) notes.push(`Symlink loop at ${path}; skipped.`);
      continue;
    }
    if (target === undefined || target === path) continue;
    const targetNode = merger.nodes.get(target);
    if (!targetNode) continue;
    if (targetNode.record.type === "file") {
      const cap = matcher.capFor(path);
      if (cap > 0) request(target, cap);
      continue;
    }
    if (targetNode.record.type !== "directory" || target === "/" || path.startsWith(target + "/")) continue;
    for (const descendant of merger.descendants(target, MAX_ALIAS_CHECKS - aliasChecks)) {
      aliasChecks++;
      const cap = matcher.capFor(path + descendant.slice(target.length));
      if (cap > 0) request(descendant, cap);
    }
    if (aliasChecks >= MAX_ALIAS_CHECKS) {
      notes.push(`NOTE: stopped looking for declared paths behind symlinked folders after ${MAX_ALIAS_CHECKS} names; some content reached only through a symlinked folder may be missing.`);
      break;
    }
  }

  for (const [path, { cap, record }] of rootfsRequests) {
    const granted = budget.grant(cap, path);
    const content = await readRootfsContent(plan.kind === "rootfs" ? plan.root : "", path, granted, notes);
    if (!content) continue;
    budget.take(content.length);
    record.content = content;
    if (content.length < record.size) record.contentTruncated = true;
    else delete record.contentTruncated;
  }
  if (plan.kind !== "layers" || requests.size === 0) return;

  for (const [layerIndex, byOffset] of [...requests].sort((a, b) => a[0] - b[0])) {
    const layer = plan.layers[layerIndex]!;
    onProgress?.({ phase: "fill", layer: layerIndex, layers: plan.layers.length, ...(layer.summary.digest ? { digest: layer.summary.digest } : {}), done: false, entries: 0, bytes: 0 });
    let remaining = byOffset.size;
    const lastOffset = Math.max(...byOffset.keys());
    const stop = new Error("fill done");
    const parser = new TarParser(
      {
        onEntry: (entry) => {
          const wanted = byOffset.get(entry.headerOffset);
          if (!wanted) {
            if (entry.headerOffset > lastOffset) throw stop;
            return 0;
          }
          if (entry.size === 0) remaining--;
          return entry.size === 0 ? 0 : budget.grant(wanted.cap, entry.path);
        },
        onContent: (entry, content, truncated) => {
          budget.take(content.length);
          for (const record of byOffset.get(entry.headerOffset)!.records) {
            record.content = content;
            if (truncated) record.contentTruncated = true;
            else delete record.contentTruncated;
          }
          if (--remaining === 0) throw stop;
        },
      },
      plan.limits,
    );
    try {
      // The layer was verified in the main pass; this read stops as soon as it has what it came for.
      const unverified = { name: layer.blob.name, open: layer.blob.open };
      await streamLayer(unverified, { ...(layer.summary.mediaType ? { mediaType: layer.summary.mediaType } : {}), limits: plan.limits, budget: { total: 0 } }, (chunk) => parser.write(chunk));
    } catch (error) {
      if (error !== stop && !(error instanceof ImageError && error.cause === stop)) throw error;
    }
    onProgress?.({ phase: "fill", layer: layerIndex, layers: plan.layers.length, ...(layer.summary.digest ? { digest: layer.summary.digest } : {}), done: true, entries: parser.entries, bytes: parser.position });
  }
}
