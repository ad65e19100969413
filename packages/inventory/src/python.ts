import { parseHeaderBlock } from "./control.js";
import type { ParsedPackage } from "./parsed.js";

/**
 * Reads name, version and license from Python core metadata (a wheel's
 * `*.dist-info/METADATA` or an egg's `PKG-INFO`). The license comes from
 * `License-Expression` (metadata 2.4), else a one-line `License` field, else
 * the `License ::` classifiers. Returns undefined when Name or Version is missing.
 */
export function parsePythonMetadata(text: string): ParsedPackage | undefined {
  const headers = parseHeaderBlock(text);
  const name = headers.get("name")?.[0];
  const version = headers.get("version")?.[0];
  if (!name || !version) return undefined;

  const parsed: ParsedPackage = { name, version };
  const licenses = licensesOf(headers);
  if (licenses.length > 0) parsed.licenses = licenses;
  return parsed;
}

function licensesOf(headers: Map<string, string[]>): string[] {
  const expression = headers.get("license-expression")?.[0];
  if (expression) return [expression];
  const license = headers.get("license")?.[0];
  if (license && license !== "UNKNOWN" && !license.includes("\n") && license.length <= 100) return [license];
  return (headers.get("classifier") ?? [])
    .filter((classifier) => classifier.startsWith("License ::"))
    .map((classifier) => classifier.split("::").at(-1)!.trim())
    .filter((name) => name !== "" && name !== "OSI Approved");
}
