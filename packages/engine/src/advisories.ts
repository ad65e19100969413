import { existsSync } from "node:fs";
import type { AdvisoryRecord, ImageData, OsRelease, PackageRecord } from "@checks/sdk";
import { databaseStatus, matchPackages, openAdvisoryDb } from "@checks/vulndb";

/** Matches the packages against the advisory database; reports it unavailable when the file is missing. */
export function lookupAdvisories(
  file: string | undefined,
  packages: PackageRecord[],
  osRelease: OsRelease | undefined,
): { advisories: AdvisoryRecord[]; database: NonNullable<ImageData["advisoryDatabase"]> } {
  if (!file || !existsSync(file)) return { advisories: [], database: { available: false } };
  const db = openAdvisoryDb(file, { readonly: true });
  try {
    const status = databaseStatus(db) as { updatedAt?: string };
    const advisories = matchPackages(db, packages, osRelease);
    return { advisories, database: { available: true, ...(status.updatedAt ? { updatedAt: status.updatedAt } : {}) } };
  } finally {
    (db as { close?: () => void }).close?.();
  }
}
