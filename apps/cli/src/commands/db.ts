import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { databaseStatus, importOsv, openAdvisoryDb, VulnDbError, type AdvisoryDb, type ImportSummary } from "@checks/vulndb";
import { EXIT, UserError } from "../errors.js";
import { resolveDirs } from "../home.js";

/** Notes printed after an import; the summary counts every skipped record. */
const MAX_PRINTED_NOTES = 20;

function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** Returns the path of the advisory database: `<data>/advisories.sqlite`. */
export function advisoryDatabaseFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolveDirs(env).data, "advisories.sqlite");
}

function asUserError(error: unknown): never {
  if (error instanceof VulnDbError) {
    const exitCode = error.code === "DB_NOT_FOUND" ? EXIT.usage : EXIT.scanError;
    throw new UserError(error.message, exitCode, { cause: error });
  }
  throw error;
}

function openDatabase(readonly: boolean): AdvisoryDb {
  const file = advisoryDatabaseFile();
  if (!readonly) mkdirSync(join(file, ".."), { recursive: true });
  try {
    return openAdvisoryDb(file, { readonly });
  } catch (error) {
    return asUserError(error);
  }
}

function printSummary(file: string, summary: ImportSummary): void {
  print(`Imported ${summary.source} into ${file}`);
  print(
    `  ${summary.records} records: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
      `${summary.withdrawn} withdrawn, ${summary.skipped} skipped`,
  );
  for (const note of summary.notes.slice(0, MAX_PRINTED_NOTES)) print(`  skipped ${note}`);
  if (summary.skipped > MAX_PRINTED_NOTES) print(`  ... ${summary.skipped - MAX_PRINTED_NOTES} more skipped; "--json" lists up to ${summary.notes.length}.`);
}

export function register(program: Command): void {
  const db = program.command("db").description("Manage the offline advisory database that vulnerability checks match against.");

  db.command("import")
    .description("Import OSV advisories from folders of JSON files, zip archives (such as osv.dev's per-ecosystem all.zip) or single JSON files. Importing the same records again changes nothing.")
    .argument("<paths...>", "folders, .zip archives or .json files of OSV records, imported in order")
    .option("--json", "print the import summaries as JSON")
    .action(async (sources: string[], flags: { json?: boolean }) => {
      const database = openDatabase(false);
      try {
        const summaries: ImportSummary[] = [];
        for (const source of sources) {
          const summary = await importOsv(database, source).catch(asUserError);
          summaries.push(summary);
          if (!flags.json) printSummary(database.file, summary);
        }
        if (flags.json) print(JSON.stringify({ database: database.file, imports: summaries }, null, 2));
      } finally {
        database.close();
      }
    });

  db.command("status")
    .description("Show when the advisory database was updated, from which sources, and what it contains.")
    .option("--json", "print the status as JSON")
    .action((flags: { json?: boolean }) => {
      const file = advisoryDatabaseFile();
      let database: AdvisoryDb;
      try {
        database = openAdvisoryDb(file, { readonly: true });
      } catch (error) {
        if (!(error instanceof VulnDbError) || error.code !== "DB_NOT_FOUND") return asUserError(error);
        if (flags.json) return print(JSON.stringify({ database: file, available: false }, null, 2));
        return print(`No advisory database at ${file}. Import OSV records with "checks db import PATH".`);
      }

      try {
        const status = databaseStatus(database);
        if (flags.json) return print(JSON.stringify({ database: file, available: true, ...status }, null, 2));

        print(`Advisory database ${file}`);
        print(`  updated   ${status.updatedAt ?? "never (no import finished)"}`);
        print(`  advisories ${status.counts.advisories} (${status.counts.withdrawn} withdrawn)`);
        for (const [ecosystem, count] of Object.entries(status.counts.byEcosystem)) print(`    ${ecosystem}: ${count} affected packages`);
        print("  imports (newest first):");
        for (const source of status.sources.slice(0, 10)) {
          print(`    ${source.finishedAt ?? `${source.startedAt} (unfinished)`}  ${source.source}  ${source.added} added, ${source.updated} updated, ${source.skipped} skipped`);
        }
      } finally {
        database.close();
      }
    });
}
