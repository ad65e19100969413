import { copyFileSync, createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import yazl from "yazl";
import { databaseStatus, importOsv, openAdvisoryDb, scanAdvisories, VulnDbError } from "../src/index.js";
import { FIXTURES, tempFolder } from "./helpers.js";

async function writeZip(file: string, entries: { name: string; content: Buffer | string; compress?: boolean }[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.content), entry.name, { compress: entry.compress ?? true });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(file)).on("close", resolve).on("error", reject);
  });
}

function expectCode(error: unknown, code: string): void {
  expect(error).toBeInstanceOf(VulnDbError);
  expect((error as VulnDbError).code).toBe(code);
}

describe("openAdvisoryDb", () => {
  it("creates the schema on first open", () => {
    const file = join(tempFolder(), "advisories.sqlite");
    const db = openAdvisoryDb(file);
    const status = databaseStatus(db);
    db.close();
    expect(status.updatedAt).toBeUndefined();
    expect(status.counts.advisories).toBe(0);
  });

  it("rejects a missing file when read-only", () => {
    const file = join(tempFolder(), "missing.sqlite");
    let caught: unknown;
    try {
      openAdvisoryDb(file, { readonly: true });
    } catch (error) {
      caught = error;
    }
    expectCode(caught, "DB_NOT_FOUND");
  });

  it("rejects a file that is not SQLite", () => {
    const file = join(tempFolder(), "advisories.sqlite");
    writeFileSync(file, "this is not a database, it is plain text and long enough to be read as a header");
    let caught: unknown;
    try {
      openAdvisoryDb(file);
    } catch (error) {
      caught = error;
    }
    expectCode(caught, "DB_OPEN_FAILED");
  });

  it("rejects a schema newer than this version", () => {
    const file = join(tempFolder(), "advisories.sqlite");
    const db = openAdvisoryDb(file);
    db.sqlite.pragma("user_version = 99");
    db.close();
    let caught: unknown;
    try {
      openAdvisoryDb(file);
    } catch (error) {
      caught = error;
    }
    expectCode(caught, "DB_SCHEMA_TOO_NEW");
  });
});

describe("importOsv", () => {
  it("imports a folder and skips invalid records with notes", async () => {
    const db = openAdvisoryDb(join(tempFolder(), "advisories.sqlite"));
    const summary = await importOsv(db, FIXTURES);
    const status = databaseStatus(db);
    db.close();

    expect(summary.records).toBe(19);
    expect(summary.added).toBe(17);
    expect(summary.skipped).toBe(2);
    expect(summary.withdrawn).toBe(1);
    expect(summary.notes.some((note) => note.includes("missing-id.json"))).toBe(true);
    expect(summary.notes.some((note) => note.includes("not-json.json"))).toBe(true);
    expect(status.counts.advisories).toBe(17);
    expect(status.counts.withdrawn).toBe(1);
    expect(status.counts.byEcosystem["Debian:12"]).toBe(4);
    expect(status.counts.byEcosystem["Maven"]).toBeUndefined();
    expect(status.updatedAt).toBe(summary.finishedAt);
    expect(status.sources[0]?.source).toBe(FIXTURES);
  });

  it("is idempotent", async () => {
    const db = openAdvisoryDb(join(tempFolder(), "advisories.sqlite"));
    await importOsv(db, FIXTURES);
    const affectedBefore = db.sqlite.prepare("SELECT COUNT(*) AS n FROM affected").get();
    const again = await importOsv(db, FIXTURES);
    const affectedAfter = db.sqlite.prepare("SELECT COUNT(*) AS n FROM affected").get();
    const status = databaseStatus(db);
    db.close();

    expect(again.added).toBe(0);
    expect(again.updated).toBe(0);
    expect(again.unchanged).toBe(17);
    expect(affectedAfter).toEqual(affectedBefore);
    expect(status.sources).toHaveLength(2);
  });

  it("updates a record with a newer modified time", async () => {
    const folder = tempFolder();
    const record = JSON.parse(readFileSync(join(FIXTURES, "real", "GHSA-35jh-r3h4-6jhm.json"), "utf8"));
    writeFileSync(join(folder, "a.json"), JSON.stringify(record));
    const db = openAdvisoryDb(join(tempFolder(), "advisories.sqlite"));
    await importOsv(db, folder);

    record.modified = "2025-06-01T00:00:00.5Z";
    record.summary = "Changed summary";
    writeFileSync(join(folder, "a.json"), JSON.stringify(record));
    const second = await importOsv(db, folder);
    const stored = db.sqlite.prepare("SELECT summary FROM advisories WHERE id = ?").get(record.id);
    db.close();

    expect(second.updated).toBe(1);
    expect(stored).toEqual({ summary: "Changed summary" });
  });

  it("imports a zip archive like the osv.dev per-ecosystem archives", async () => {
    const folder = tempFolder();
    const archive = join(folder, "all.zip");
    const entries = readdirSync(join(FIXTURES, "real")).map((name) => ({ name, content: readFileSync(join(FIXTURES, "real", name)) }));
    await writeZip(archive, entries);
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const summary = await importOsv(db, archive);
    db.close();

    expect(summary.records).toBe(entries.length);
    expect(summary.added).toBe(entries.length);
    expect(summary.skipped).toBe(0);
  });

  it.each([
    ["in memory", undefined],
    ["streamed from the file", 0],
  ])("imports stored and deflated zip entries %s", async (_mode, maxInMemoryZipBytes) => {
    const folder = tempFolder();
    const archive = join(folder, "all.zip");
    await writeZip(archive, [
      { name: "stored.json", content: readFileSync(join(FIXTURES, "real", "DSA-5514-1.json")), compress: false },
      { name: "deflated.json", content: readFileSync(join(FIXTURES, "real", "GHSA-35jh-r3h4-6jhm.json")) },
      { name: "README.md", content: "not a record" },
    ]);
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const summary = await importOsv(db, archive, maxInMemoryZipBytes === undefined ? {} : { maxInMemoryZipBytes });
    db.close();
    expect(summary.records).toBe(2);
    expect(summary.added).toBe(2);
  });

  it.each([
    ["in memory", undefined],
    ["streamed from the file", 0],
  ])("skips a zip entry with a bad checksum %s", async (_mode, maxInMemoryZipBytes) => {
    const folder = tempFolder();
    const archive = join(folder, "all.zip");
    const record = readFileSync(join(FIXTURES, "real", "DSA-5514-1.json"));
    await writeZip(archive, [
      { name: "damaged.json", content: record, compress: false },
      { name: "ok.json", content: readFileSync(join(FIXTURES, "real", "GHSA-35jh-r3h4-6jhm.json")) },
    ]);
    const bytes = readFileSync(archive);
    const at = bytes.indexOf(Buffer.from('"DSA-5514-1"'));
    bytes[at + 1] = "X".charCodeAt(0);
    writeFileSync(archive, bytes);

    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const summary = await importOsv(db, archive, maxInMemoryZipBytes === undefined ? {} : { maxInMemoryZipBytes });
    db.close();
    expect(summary.skipped).toBe(1);
    expect(summary.added).toBe(1);
    expect(summary.notes[0]).toContain("all.zip!damaged.json");
  });

  it("skips a zip entry with an extreme compression ratio", async () => {
    const folder = tempFolder();
    const archive = join(folder, "all.zip");
    const padding = " ".repeat(4 * 1024 * 1024);
    await writeZip(archive, [
      { name: "bomb.json", content: `{"id":"BOMB","modified":"2025-01-01T00:00:00Z"${padding}}` },
      { name: "ok.json", content: readFileSync(join(FIXTURES, "real", "DSA-5514-1.json")) },
    ]);
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const summary = await importOsv(db, archive);
    db.close();

    expect(summary.skipped).toBe(1);
    expect(summary.added).toBe(1);
    expect(summary.notes[0]).toContain("all.zip!bomb.json");
  });

  it("imports a single JSON file", async () => {
    const folder = tempFolder();
    const file = join(folder, "DSA-5514-1.json");
    copyFileSync(join(FIXTURES, "real", "DSA-5514-1.json"), file);
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const summary = await importOsv(db, file);
    db.close();
    expect(summary.added).toBe(1);
  });

  it("rejects a missing source", async () => {
    const db = openAdvisoryDb(join(tempFolder(), "advisories.sqlite"));
    const caught = await importOsv(db, "/nonexistent/osv").catch((error: unknown) => error);
    db.close();
    expectCode(caught, "SOURCE_NOT_FOUND");
  });

  it("rejects a damaged zip archive", async () => {
    const folder = tempFolder();
    const archive = join(folder, "all.zip");
    writeFileSync(archive, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]));
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const caught = await importOsv(db, archive).catch((error: unknown) => error);
    db.close();
    expectCode(caught, "ARCHIVE_INVALID");
  });

  it("rejects a file that is neither zip nor JSON", async () => {
    const folder = tempFolder();
    const file = join(folder, "notes.txt");
    writeFileSync(file, "hello");
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const caught = await importOsv(db, file).catch((error: unknown) => error);
    db.close();
    expectCode(caught, "SOURCE_UNSUPPORTED");
  });

  it("skips a record over the size limit", async () => {
    const folder = tempFolder();
    mkdirSync(join(folder, "records"));
    writeFileSync(join(folder, "records", "huge.json"), `{"id":"HUGE","modified":"2025-01-01T00:00:00Z","details":"${"x".repeat(9 * 1024 * 1024)}"}`);
    const db = openAdvisoryDb(join(folder, "advisories.sqlite"));
    const summary = await importOsv(db, join(folder, "records"));
    db.close();
    expect(summary.skipped).toBe(1);
    expect(summary.added).toBe(0);
  });
});

describe("scanAdvisories", () => {
  it("reports no database when the file is missing", () => {
    const scan = scanAdvisories(join(tempFolder(), "missing.sqlite"), []);
    expect(scan).toEqual({ advisories: [], advisoryDatabase: { available: false } });
  });

  it("reports no database before the first import", () => {
    const file = join(tempFolder(), "advisories.sqlite");
    openAdvisoryDb(file).close();
    expect(scanAdvisories(file, []).advisoryDatabase.available).toBe(false);
  });

  it("matches packages and reports the update time", async () => {
    const file = join(tempFolder(), "advisories.sqlite");
    const db = openAdvisoryDb(file);
    const summary = await importOsv(db, FIXTURES);
    db.close();
    const lodash = { ecosystem: "npm" as const, name: "lodash", version: "4.17.20", purl: "pkg:npm/lodash@4.17.20", source: "/x" };
    const scan = scanAdvisories(file, [lodash]);
    expect(scan.advisoryDatabase).toEqual({ available: true, updatedAt: summary.finishedAt });
    expect(scan.advisories.map((advisory) => advisory.id)).toEqual(["GHSA-35jh-r3h4-6jhm"]);
  });
});
