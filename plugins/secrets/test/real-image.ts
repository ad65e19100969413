import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as ImageReader from "@checks/image";
import type { AnyCheck, CheckRunResult, ImageData } from "@checks/sdk";

const REPOSITORY = fileURLToPath(new URL("../../..", import.meta.url));
/** Output folder of `pnpm images` (scripts/build-test-images.sh), overridable like the script's. */
const TEST_IMAGES = process.env.CHECKS_TEST_IMAGES ?? resolve(REPOSITORY, ".cache/images");
export const OCI_LAYOUT = resolve(TEST_IMAGES, "oci");

/**
 * Reads the Debian test image's OCI layout (base layer plus the application
 * layer with planted problems) with the content and raw layers the checks need.
 * Throws when the image or the image reader is missing, so the suite fails
 * instead of skipping.
 */
export async function readTestImage(checks: readonly AnyCheck[]): Promise<ImageData> {
  if (!existsSync(resolve(OCI_LAYOUT, "index.json"))) {
    throw new Error(`The Debian test image is missing: no OCI layout at ${OCI_LAYOUT}. Run \`pnpm images\` (as root) at the repository root to build it.`);
  }
  let reader: typeof ImageReader;
  try {
    reader = await import("@checks/image");
  } catch (error) {
    throw new Error("The image reader @checks/image could not be loaded. Build it with `pnpm --filter @checks/image build`, and run `pnpm images` if the test image is missing.", {
      cause: error,
    });
  }

  const content = checks.flatMap((check) => check.needs.content.map((glob) => ({ glob, maxBytes: check.needs.maxBytes })));
  const opened = await reader.openImage(`oci:${OCI_LAYOUT}:latest`);
  return reader.readImage(opened, { content, rawLayers: true });
}

/**
 * Returns a function that reads the test image once and returns it to every
 * caller. Each test awaits it, so a missing image fails every test with the
 * message instead of marking them skipped.
 */
export function sharedTestImage(checks: readonly AnyCheck[]): () => Promise<ImageData> {
  let pending: Promise<ImageData> | undefined;
  return () => (pending ??= readTestImage(checks));
}

/** Fails with the check's error or denied reads, so a finding assertion never hides a crash. */
export function assertRanCleanly(result: CheckRunResult): void {
  if (result.error) throw new Error(`Check "${result.checkId}" failed with ${result.error.code}: ${result.error.message}`);
  if (result.deniedCount > 0) throw new Error(`Check "${result.checkId}" read ${result.deniedCount} undeclared paths or capabilities.`);
}

/** Lists findings as "messageId path" strings, for readable assertions. */
export function describeFindings(result: CheckRunResult): string[] {
  return result.findings.map((finding) => `${finding.messageId} ${finding.path ?? ""}`.trim());
}
