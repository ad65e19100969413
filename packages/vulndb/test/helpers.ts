import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OsRelease, PackageRecord } from "@checks/sdk";
import { afterEach } from "vitest";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "osv");

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Creates a temporary folder removed after the current test. */
export function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "checks-vulndb-"));
  folders.push(folder);
  return folder;
}

export function osRelease(id: string, versionId: string): OsRelease {
  return { id, versionId, fields: { ID: id, VERSION_ID: versionId } };
}

export function pkg(ecosystem: PackageRecord["ecosystem"], name: string, version: string, extra: Partial<PackageRecord> = {}): PackageRecord {
  return { ecosystem, name, version, purl: `pkg:${ecosystem}/${name}@${version}`, source: "/test", ...extra };
}
