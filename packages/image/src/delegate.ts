/**
 * SIF images and bare squashfs files are read by @checks/sif. It is loaded
 * lazily, so this package works (and says clearly what is missing) where that
 * reader is not installed or not built.
 */
import type { ImageData } from "@checks/sdk";
import { ImageError } from "./errors.js";
import type { ContentNeed } from "./needs.js";
import type { ImagePlan, OpenedImage } from "./open.js";

export interface SifReader {
  isSif(head: Uint8Array): boolean;
  isSquashfs(head: Uint8Array): boolean;
  readSifImage(path: string, options: { content: ContentNeed[]; limits?: object }): Promise<ImageData>;
  readSquashfsImage(path: string, options: { content: ContentNeed[]; limits?: object }): Promise<ImageData>;
  inspectSif(path: string): Promise<unknown>;
}

// A variable, so that the compiler does not require the package to be present.
const SIF_PACKAGE = "@checks/sif";
let loaded: Promise<SifReader | undefined> | undefined;

export function loadSifReader(): Promise<SifReader | undefined> {
  loaded ??= import(SIF_PACKAGE).then(
    (mod: Partial<SifReader>) =>
      typeof mod.readSifImage === "function" && typeof mod.readSquashfsImage === "function" && typeof mod.inspectSif === "function" ? (mod as SifReader) : undefined,
    () => undefined,
  );
  return loaded;
}

export async function requireSifReader(format: "sif" | "squashfs", path: string): Promise<SifReader> {
  const reader = await loadSifReader();
  if (!reader) {
    throw new ImageError(
      "UNSUPPORTED_FORMAT",
      `${path} is a ${format === "sif" ? "Singularity SIF image" : "squashfs filesystem"}; reading it needs @checks/sif (readSifImage, readSquashfsImage), which is not available in this build.`,
      { file: path },
    );
  }
  return reader;
}

export async function delegateRead(image: OpenedImage, plan: Extract<ImagePlan, { kind: "delegate" }>, content: ContentNeed[]): Promise<ImageData> {
  const reader = await requireSifReader(plan.format, plan.path);
  const options = { content, limits: plan.limits };
  const data = plan.format === "sif" ? await reader.readSifImage(plan.path, options) : await reader.readSquashfsImage(plan.path, options);
  return { ...data, info: { ...data.info, name: image.info.name, format: plan.format } };
}
