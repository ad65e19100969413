import type { AdvisoryDb } from "./db.js";

export interface ImportRecord {
  id: number;
  source: string;
  startedAt: string;
  /** Unset when the import did not finish. */
  finishedAt?: string;
  records: number;
  added: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  skipped: number;
}

export interface DatabaseStatus {
  /** Finish time of the latest completed import; unset when nothing was imported. */
  updatedAt?: string;
  /** Every import, newest first. */
  sources: ImportRecord[];
  counts: {
    advisories: number;
    withdrawn: number;
    /** Affected packages per ecosystem as the records name it (`Debian:12`, `PyPI`). */
    byEcosystem: Record<string, number>;
  };
}

interface ImportRow {
  id: number;
  source: string;
  started_at: string;
  finished_at: string | null;
  records: number;
  added: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  skipped: number;
}

/** Reports what the database contains and what was imported when and from where. */
export function databaseStatus(db: AdvisoryDb): DatabaseStatus {
  const imports = db.sqlite.prepare("SELECT * FROM imports ORDER BY id DESC").all() as ImportRow[];
  const sources: ImportRecord[] = imports.map((row) => ({
    id: row.id,
    source: row.source,
    startedAt: row.started_at,
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    records: row.records,
    added: row.added,
    updated: row.updated,
    unchanged: row.unchanged,
    withdrawn: row.withdrawn,
    skipped: row.skipped,
  }));

  const totals = db.sqlite
    .prepare("SELECT COUNT(*) AS advisories, COUNT(withdrawn) AS withdrawn FROM advisories")
    .get() as { advisories: number; withdrawn: number };
  const byEcosystem: Record<string, number> = {};
  const ecosystems = db.sqlite.prepare("SELECT ecosystem, COUNT(*) AS count FROM affected GROUP BY ecosystem ORDER BY ecosystem").all() as {
    ecosystem: string;
    count: number;
  }[];
  for (const { ecosystem, count } of ecosystems) byEcosystem[ecosystem] = count;

  const updatedAt = sources.find((source) => source.finishedAt)?.finishedAt;
  return {
    ...(updatedAt ? { updatedAt } : {}),
    sources,
    counts: { advisories: totals.advisories, withdrawn: totals.withdrawn, byEcosystem },
  };
}
