import type { OsRelease } from "@checks/sdk";
import { OS_RELEASE_PATHS } from "./needs.js";
import { decodeText, type InventorySource } from "./source.js";

/**
 * Parses an os-release file (os-release(5)): `KEY=value` lines whose values
 * may be quoted with shell quoting rules; comments and blank lines are skipped.
 */
export function parseOsRelease(text: string): OsRelease {
  const fields: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    // `__proto__` would not become a field: assigning it changes the object's prototype.
    if (!match || match[1] === "__proto__") continue;
    fields[match[1]!] = unquote(match[2]!);
  }

  const release: OsRelease = { fields };
  if (fields.ID) release.id = fields.ID.toLowerCase();
  if (fields.ID_LIKE) release.idLike = fields.ID_LIKE.split(/\s+/).filter(Boolean);
  if (fields.VERSION_ID) release.versionId = fields.VERSION_ID;
  if (fields.VERSION_CODENAME) release.versionCodename = fields.VERSION_CODENAME;
  if (fields.PRETTY_NAME) release.prettyName = fields.PRETTY_NAME;
  return release;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  }
  return value;
}

/**
 * Finds os-release as systemd does: `/etc/os-release`, then `/usr/lib/os-release`,
 * following symlinks inside the image root (`/etc/os-release` is usually a
 * link to `../usr/lib/os-release`).
 */
export function findOsRelease(source: InventorySource): OsRelease | undefined {
  for (const path of OS_RELEASE_PATHS) {
    const record = source.resolve(path);
    if (!record || record.type !== "file") continue;
    const bytes = source.content(record);
    if (bytes) return parseOsRelease(decodeText(bytes));
  }
  return undefined;
}
