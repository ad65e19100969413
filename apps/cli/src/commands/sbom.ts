import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Command } from "commander";
import { ImageError, openImage, readImage } from "@checks/image";
import { collectInventory, INVENTORY_CONTENT_NEEDS, toCycloneDx } from "@checks/inventory";
import { EXIT, UserError } from "../errors.js";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };

const FORMATS = ["cyclonedx"] as const;
const SPEC_VERSIONS = ["1.5", "1.6"] as const;

interface SbomFlags {
  format: string;
  specVersion: string;
  output?: string;
  platform?: string;
}

export function register(program: Command): void {
  program
    .command("sbom")
    .description("Write a software bill of materials (the installed dpkg, apk, rpm, Python and npm packages) of an image.")
    .argument("<image>", "image: a root filesystem folder, a tar, a docker save archive or an OCI layout")
    .option("--format <format>", `SBOM format: ${FORMATS.join(", ")}`, "cyclonedx")
    .option("--spec-version <version>", `CycloneDX specification version: ${SPEC_VERSIONS.join(" or ")}`, "1.6")
    .option("-o, --output <file>", "write the SBOM to this file instead of standard output")
    .option("--platform <os/arch>", "platform to read from a multi-platform image (default: the host's)")
    .action(async (ref: string, flags: SbomFlags) => {
      if (!(FORMATS as readonly string[]).includes(flags.format)) {
        throw new UserError(`Unknown SBOM format "${flags.format}"; allowed: ${FORMATS.join(", ")}.`);
      }
      if (!(SPEC_VERSIONS as readonly string[]).includes(flags.specVersion)) {
        throw new UserError(`Unknown CycloneDX version "${flags.specVersion}"; allowed: ${SPEC_VERSIONS.join(", ")}.`);
      }

      const image = await readForInventory(ref, flags.platform);
      const inventory = collectInventory(image);
      if (inventory.osRelease) image.osRelease = inventory.osRelease;
      for (const note of inventory.notes) process.stderr.write(`checks: note: ${note}\n`);

      const bom = toCycloneDx(image, inventory.packages, { specVersion: flags.specVersion as "1.5" | "1.6", toolVersion: version });
      const text = `${JSON.stringify(bom, null, 2)}\n`;
      if (!flags.output) return void process.stdout.write(text);
      await writeFile(flags.output, text).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`Cannot write the SBOM to ${flags.output}: ${error.code ?? error.message}.`, EXIT.usage, { cause: error });
      });
      process.stderr.write(`checks: wrote ${inventory.packages.length} packages to ${flags.output}\n`);
    });
}

/** Opens an image and reads it once, collecting content only for the package databases and manifests. */
async function readForInventory(ref: string, platform: string | undefined) {
  try {
    const opened = await openImage(ref, platform ? { platform } : {});
    try {
      return await readImage(opened, { content: INVENTORY_CONTENT_NEEDS, rawLayers: true });
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (error instanceof ImageError) {
      const exitCode = error.code === "NOT_FOUND" || error.code === "PLATFORM_NOT_FOUND" ? EXIT.usage : EXIT.scanError;
      throw new UserError(`Cannot read image ${ref}: ${error.message}`, exitCode, { cause: error });
    }
    throw error;
  }
}
