import { parseStanzas } from "./control.js";
import { INVENTORY_LIMITS } from "./limits.js";
import type { ParsedPackage, ParseResult } from "./parsed.js";

/**
 * Parses a dpkg status file (`/var/lib/dpkg/status`) or one distroless
 * `status.d` file. A package counts when its Status field ends in `installed`
 * (`install ok installed`, `hold ok installed`). Distroless `status.d` files
 * only list installed packages, so there a missing Status counts as installed.
 */
export function parseDpkgStatus(text: string, file: string, options: { statusRequired: boolean }): ParseResult {
  const notes: string[] = [];
  const { stanzas, truncated } = parseStanzas(text, INVENTORY_LIMITS.maxPackagesPerDatabase);
  if (truncated) notes.push(`${file}: more than ${INVENTORY_LIMITS.maxPackagesPerDatabase} packages; the rest are not listed.`);

  const packages: ParsedPackage[] = [];
  for (const stanza of stanzas) {
    const name = stanza.fields.get("Package");
    const version = stanza.fields.get("Version");
    const status = stanza.fields.get("Status");
    if (status !== undefined ? status.split(/\s+/).at(-1) !== "installed" : options.statusRequired) continue;
    if (!name || !version) {
      notes.push(`${file}: the entry at line ${stanza.line} has no ${name ? "Version" : "Package"} field; skipped.`);
      continue;
    }

    const parsed: ParsedPackage = { name, version };
    const architecture = stanza.fields.get("Architecture");
    if (architecture) parsed.architecture = architecture;
    const sourceField = stanza.fields.get("Source");
    if (sourceField) {
      // `Source: glibc` or, when the source version differs (binNMU), `Source: bash (5.2.15-2)`.
      const match = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(sourceField);
      if (match) {
        parsed.sourceName = match[1]!;
        parsed.sourceVersion = match[2] ?? version;
      }
    }
    packages.push(parsed);
  }
  return { packages, notes };
}
