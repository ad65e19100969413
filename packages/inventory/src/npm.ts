import type { ParsedPackage } from "./parsed.js";

/** Matches the manifest of an installed package: `node_modules/NAME/package.json` or `node_modules/@SCOPE/NAME/package.json`. */
const INSTALLED_MANIFEST = /\/node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

/** Returns the folder name of the installed package a path belongs to, or undefined when it is another package.json. */
export function installedPackageFolder(path: string): string | undefined {
  return INSTALLED_MANIFEST.exec(path)?.[1];
}

/**
 * Reads name, version and license from an installed package's package.json.
 * Returns undefined when the file is not JSON or has no version; a missing
 * name falls back to the folder name.
 */
export function parsePackageJson(text: string, folderName: string): ParsedPackage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const manifest = json as Record<string, unknown>;
  const version = manifest.version;
  if (typeof version !== "string" || version === "") return undefined;
  const name = typeof manifest.name === "string" && manifest.name !== "" ? manifest.name : folderName;

  const parsed: ParsedPackage = { name, version };
  const licenses = licensesOf(manifest);
  if (licenses.length > 0) parsed.licenses = licenses;
  return parsed;
}

/** `license` as an SPDX expression string or the older `{ type }` object, or the deprecated `licenses` array. */
function licensesOf(manifest: Record<string, unknown>): string[] {
  const typeOf = (value: unknown): string | undefined => {
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string") {
      return (value as { type: string }).type;
    }
    return undefined;
  };
  const single = typeOf(manifest.license);
  if (single) return [single];
  if (Array.isArray(manifest.licenses)) return manifest.licenses.map(typeOf).filter((value): value is string => Boolean(value));
  return [];
}
