import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** Folder of the real SIF files from the sylabs/sif test suite: $CHECKS_SHARED_IMAGES/sif, else ../shared/images/sif beside the repository. */
export function sharedSifDir(): string | undefined {
  const base = process.env.CHECKS_SHARED_IMAGES ?? join(REPO_ROOT, "..", "shared", "images");
  const dir = join(base, "sif");
  return existsSync(dir) ? dir : undefined;
}

/** Folder of the images scripts/build-test-images.sh builds: $CHECKS_TEST_IMAGES, else .cache/images in the repository. */
export function testImagesDir(): string {
  return process.env.CHECKS_TEST_IMAGES ?? join(REPO_ROOT, ".cache", "images");
}
