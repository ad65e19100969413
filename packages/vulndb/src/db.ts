import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { VulnDbError } from "./errors.js";
import type { AdvisoryRow, StoredRange } from "./osv.js";
import { compareText } from "./versions/text.js";

/** Schema version stored in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS advisories (
  id TEXT PRIMARY KEY,
  modified TEXT NOT NULL,
  published TEXT,
  withdrawn TEXT,
  aliases TEXT NOT NULL,
  summary TEXT,
  severity TEXT,
  cvss TEXT,
  url TEXT,
  import_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS affected (
  advisory_id TEXT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
  ecosystem TEXT NOT NULL,
  ecosystem_base TEXT NOT NULL,
  ecosystem_release TEXT NOT NULL,
  name TEXT NOT NULL,
  ranges TEXT NOT NULL,
  versions TEXT NOT NULL,
  severity TEXT,
  cvss TEXT
);
CREATE INDEX IF NOT EXISTS affected_by_package ON affected (ecosystem_base, name);
CREATE INDEX IF NOT EXISTS affected_by_advisory ON affected (advisory_id);
CREATE TABLE IF NOT EXISTS imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  records INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0
);
`;

/** One affected entry joined with its advisory, as matching reads it. */
export interface AffectedLookupRow {
  id: string;
  aliases: string;
  summary: string | null;
  url: string | null;
  advisory_severity: string | null;
  advisory_cvss: string | null;
  ecosystem_release: string;
  ranges: string;
  versions: string;
  severity: string | null;
  cvss: string | null;
}

/** An open advisory database. Close it with `close()`. */
export class AdvisoryDb {
  readonly readonly: boolean;
  private readonly lookupStatement: Database.Statement<[string, string], AffectedLookupRow>;

  constructor(
    readonly file: string,
    readonly sqlite: Database.Database,
  ) {
    this.readonly = sqlite.readonly;
    this.lookupStatement = sqlite.prepare(
      `SELECT a.id, a.aliases, a.summary, a.url, a.severity AS advisory_severity, a.cvss AS advisory_cvss,
              f.ecosystem_release, f.ranges, f.versions, f.severity, f.cvss
         FROM affected f JOIN advisories a ON a.id = f.advisory_id
        WHERE f.ecosystem_base = ? AND f.name = ? AND a.withdrawn IS NULL`,
    );
  }

  /** Affected entries of one package in one ecosystem (`Debian`, `PyPI`, ...), withdrawn advisories left out. */
  lookup(base: string, name: string): AffectedLookupRow[] {
    return this.lookupStatement.all(base, name);
  }

  close(): void {
    this.sqlite.close();
  }
}

/**
 * Opens the advisory database at `file`, creating the file and its schema on
 * the first writable open. Throws VulnDbError `DB_NOT_FOUND` when a read-only
 * open finds no file, `DB_OPEN_FAILED` when the file is not a SQLite database,
 * and `DB_SCHEMA_TOO_NEW` when a newer version of this package wrote it.
 */
export function openAdvisoryDb(file: string, options: { readonly?: boolean } = {}): AdvisoryDb {
  const readonly = options.readonly ?? false;
  if (readonly && !existsSync(file)) {
    throw new VulnDbError("DB_NOT_FOUND", `Advisory database ${file} does not exist; import advisories first with "checks db import PATH".`);
  }

  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly, fileMustExist: readonly });
    const version = sqlite.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      sqlite.close();
      throw new VulnDbError(
        "DB_SCHEMA_TOO_NEW",
        `Advisory database ${file} has schema version ${version}, newer than ${SCHEMA_VERSION} that this version reads; upgrade checks or import into a new file.`,
      );
    }
    if (!readonly) {
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("foreign_keys = ON");
      sqlite.exec(SCHEMA);
      sqlite.pragma(`user_version = ${SCHEMA_VERSION}`);
    } else if (version === 0) {
      sqlite.close();
      throw new VulnDbError("DB_OPEN_FAILED", `Advisory database ${file} has no schema; import advisories first with "checks db import PATH".`);
    }
  } catch (error) {
    if (error instanceof VulnDbError) throw error;
    throw new VulnDbError("DB_OPEN_FAILED", `Cannot open advisory database ${file}: ${(error as Error).message}`, { cause: error });
  }
  return new AdvisoryDb(file, sqlite);
}

/** Writes advisories inside the caller's transaction. */
export class AdvisoryWriter {
  private readonly selectModified: Database.Statement<[string], { modified: string; withdrawn: string | null }>;
  private readonly upsertAdvisory: Database.Statement;
  private readonly deleteAffected: Database.Statement<[string]>;
  private readonly insertAffected: Database.Statement;

  constructor(
    private readonly db: AdvisoryDb,
    private readonly importId: number,
  ) {
    const sqlite = db.sqlite;
    this.selectModified = sqlite.prepare("SELECT modified, withdrawn FROM advisories WHERE id = ?");
    this.upsertAdvisory = sqlite.prepare(
      `INSERT INTO advisories (id, modified, published, withdrawn, aliases, summary, severity, cvss, url, import_id)
       VALUES (@id, @modified, @published, @withdrawn, @aliases, @summary, @severity, @cvss, @url, @importId)
       ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, published = excluded.published,
         withdrawn = excluded.withdrawn, aliases = excluded.aliases, summary = excluded.summary,
         severity = excluded.severity, cvss = excluded.cvss, url = excluded.url, import_id = excluded.import_id`,
    );
    this.deleteAffected = sqlite.prepare("DELETE FROM affected WHERE advisory_id = ?");
    this.insertAffected = sqlite.prepare(
      `INSERT INTO affected (advisory_id, ecosystem, ecosystem_base, ecosystem_release, name, ranges, versions, severity, cvss)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Stores one advisory unless the database already contains the same or a newer
   * `modified` time for its id. Returns the outcome for the import summary.
   */
  write(row: AdvisoryRow): "added" | "updated" | "unchanged" {
    const existing = this.selectModified.get(row.id);
    if (existing && compareTimes(existing.modified, row.modified) >= 0) return "unchanged";

    this.deleteAffected.run(row.id);
    this.upsertAdvisory.run({
      id: row.id,
      modified: row.modified,
      published: row.published ?? null,
      withdrawn: row.withdrawn ?? null,
      aliases: JSON.stringify(row.aliases),
      summary: row.summary ?? null,
      severity: row.severity ?? null,
      cvss: row.cvss ?? null,
      url: row.url ?? null,
      importId: this.importId,
    });
    if (!row.withdrawn) {
      for (const affected of row.affected) {
        this.insertAffected.run(
          row.id,
          affected.ecosystem,
          affected.base,
          affected.release,
          affected.name,
          JSON.stringify(affected.ranges satisfies StoredRange[]),
          JSON.stringify(affected.versions),
          affected.severity ?? null,
          affected.cvss ?? null,
        );
      }
    }
    return existing ? "updated" : "added";
  }

  get database(): AdvisoryDb {
    return this.db;
  }
}

/** Compares two RFC 3339 times by instant, falling back to text order when either does not parse. */
function compareTimes(a: string, b: string): number {
  const left = Date.parse(a);
  const right = Date.parse(b);
  if (Number.isNaN(left) || Number.isNaN(right)) return compareText(a, b);
  return Math.sign(left - right);
}
