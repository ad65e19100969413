import { parseStanzas } from "./control.js";
import { INVENTORY_LIMITS } from "./limits.js";
import type { ParsedPackage, ParseResult } from "./parsed.js";

/**
 * Parses apk's installed database (`/lib/apk/db/installed`, apk-tools' `P:`,
 * `V:`, `A:`, `o:` origin and `L:` license lines). Empty fields are ignored; an
 * entry without a name or version is skipped with a note.
 */
export function parseApkInstalled(text: string, file: string): ParseResult {
  const notes: string[] = [];
  const { stanzas, truncated } = parseStanzas(text, INVENTORY_LIMITS.maxPackagesPerDatabase);
  if (truncated) notes.push(`${file}: more than ${INVENTORY_LIMITS.maxPackagesPerDatabase} packages; the rest are not listed.`);

  const packages: ParsedPackage[] = [];
  for (const stanza of stanzas) {
    const field = (key: string): string | undefined => stanza.fields.get(key) || undefined;
    const name = field("P");
    const version = field("V");
    if (!name || !version) {
      notes.push(`${file}: the entry at line ${stanza.line} has no ${name ? "V:" : "P:"} field; skipped.`);
      continue;
    }
    const parsed: ParsedPackage = { name, version };
    const architecture = field("A");
    if (architecture) parsed.architecture = architecture;
    const origin = field("o");
    if (origin) {
      parsed.sourceName = origin;
      parsed.sourceVersion = version;
    }
    const license = field("L");
    if (license) parsed.licenses = [license];
    packages.push(parsed);
  }
  return { packages, notes };
}
