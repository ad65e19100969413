import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedImage } from "@checks/plugin-tester";
import type { AnyCheck, ImageData } from "@checks/sdk";

export { assertRanCleanly, describeFindings } from "@checks/plugin-tester";

const REPOSITORY = fileURLToPath(new URL("../../..", import.meta.url));
/** Output folder of `pnpm images` (scripts/build-test-images.sh), overridable like the script's. */
export const OCI_LAYOUT = resolve(process.env.CHECKS_TEST_IMAGES ?? resolve(REPOSITORY, ".cache/images"), "oci");

/** Reads the Debian test image with planted problems once for the suite; a missing image fails every test. */
export function sharedTestImage(checks: readonly AnyCheck[]): () => Promise<ImageData> {
  return sharedImage(`oci:${OCI_LAYOUT}:latest`, checks, "run `pnpm images` (as root) at the repository root to build it");
}
