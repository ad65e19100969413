import type { AdvisoryRecord, OsRelease, PackageRecord } from "@checks/sdk";
import { openAdvisoryDb } from "./db.js";
import { VulnDbError } from "./errors.js";
import { matchPackages } from "./match.js";
import { databaseStatus } from "./status.js";

export interface AdvisoryScan {
  advisories: AdvisoryRecord[];
  /** The value for `ImageData.advisoryDatabase`: available is false when no database was imported. */
  advisoryDatabase: { available: boolean; updatedAt?: string };
}

/**
 * Matches packages against the database file, for a host that fills
 * `ImageData.advisories`. A missing database, or one with no finished import,
 * yields `available: false` and no advisories, so the vulnerabilities check
 * can report that no database is imported. Other open errors are thrown.
 */
export function scanAdvisories(file: string, packages: readonly PackageRecord[], osRelease?: OsRelease): AdvisoryScan {
  let db;
  try {
    db = openAdvisoryDb(file, { readonly: true });
  } catch (error) {
    if (error instanceof VulnDbError && error.code === "DB_NOT_FOUND") return { advisories: [], advisoryDatabase: { available: false } };
    throw error;
  }

  try {
    const { updatedAt } = databaseStatus(db);
    if (!updatedAt) return { advisories: [], advisoryDatabase: { available: false } };
    return { advisories: matchPackages(db, packages, osRelease), advisoryDatabase: { available: true, updatedAt } };
  } finally {
    db.close();
  }
}
