import { existsSync } from "node:fs";
import type * as ImageReaderModule from "@checks/image";
import type { AnyCheck, CheckRunResult, ImageData } from "@checks/sdk";

/** The `@checks/image` module, imported at run time so the test kit works without it for virtual images. */
type ImageReader = typeof ImageReaderModule;

/**
 * Reads a real image with the content and raw layers the given checks declare,
 * as the engine would for a scan with only those checks. `ref` is anything
 * `checks run` accepts (an OCI layout, a docker archive, a tar, a folder, a SIF
 * file). Throws with `hint` when the image is missing, so a suite fails instead
 * of skipping.
 */
export async function readImageForChecks(ref: string, checks: readonly AnyCheck[], hint = "build or fetch the image first"): Promise<ImageData> {
  const path = ref.replace(/^oci:/, "").replace(/:[^/:]+$/, "");
  if (!existsSync(path)) throw new Error(`The test image ${path} is missing; ${hint}.`);

  let reader: ImageReader;
  try {
    reader = await import("@checks/image");
  } catch (error) {
    throw new Error("Reading real images needs @checks/image; add it to devDependencies.", { cause: error });
  }

  const content = checks.flatMap((check) => check.needs.content.map((glob: string) => ({ glob, maxBytes: check.needs.maxBytes })));
  const opened = await reader.openImage(ref);
  try {
    return await reader.readImage(opened, { content, rawLayers: true });
  } finally {
    await opened.close();
  }
}

/** Returns a loader that reads the image once and hands the same data to every caller. */
export function sharedImage(ref: string, checks: readonly AnyCheck[], hint?: string): () => Promise<ImageData> {
  let pending: Promise<ImageData> | undefined;
  return () => (pending ??= readImageForChecks(ref, checks, hint));
}

/** Throws with the check's error or its denied reads, so a finding assertion never hides a crash. */
export function assertRanCleanly(result: CheckRunResult): void {
  if (result.error) throw new Error(`Check "${result.checkId}" failed with ${result.error.code}: ${result.error.message}`);
  if (result.deniedCount > 0) {
    throw new Error(`Check "${result.checkId}" read ${result.deniedCount} paths or capabilities it did not declare in needs.`);
  }
}

/** Lists findings as "messageId path" strings, for readable assertions. */
export function describeFindings(result: CheckRunResult): string[] {
  return result.findings.map((finding) => `${finding.messageId} ${finding.path ?? ""}`.trim());
}
