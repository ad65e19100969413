// Import throughput of synthetic OSV records (from a folder and from a zip) and
// the time to match 10,000 installed packages against the resulting database.
// Usage: node bench/import-and-match.mjs [records]   (default 20000; needs a build of this package)
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yazl from "yazl";
import { importOsv, matchPackages, openAdvisoryDb } from "../dist/index.js";

const recordCount = Number(process.argv[2] ?? 20_000);
const work = mkdtempSync(join(tmpdir(), "checks-bench-vulndb-"));
const ecosystems = ["npm", "PyPI", "Debian:12"];

/** One synthetic record: advisory i affects package `pkg-(i mod 5000)` of one ecosystem below version 1.(i mod 50). */
function record(i) {
  const ecosystem = ecosystems[i % ecosystems.length];
  const name = `pkg-${i % 5000}`;
  const fixed = ecosystem === "Debian:12" ? `1.${i % 50}-1` : `1.${i % 50}.0`;
  return {
    schema_version: "1.6.0",
    id: `BENCH-${i}`,
    modified: "2025-01-01T00:00:00Z",
    aliases: [`CVE-2099-${i}`],
    summary: `Synthetic advisory ${i}`,
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    affected: [{ package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }] }],
    references: [{ type: "ADVISORY", url: `https://example.invalid/BENCH-${i}` }],
  };
}

async function writeSources() {
  const folder = join(work, "osv");
  mkdirSync(folder);
  const zip = new yazl.ZipFile();
  for (let i = 0; i < recordCount; i++) {
    const text = JSON.stringify(record(i));
    writeFileSync(join(folder, `BENCH-${i}.json`), text);
    zip.addBuffer(Buffer.from(text), `BENCH-${i}.json`);
  }
  zip.end();
  const archive = join(work, "all.zip");
  await new Promise((resolve, reject) => zip.outputStream.pipe(createWriteStream(archive)).on("close", resolve).on("error", reject));
  return { folder, archive };
}

async function timeImport(file, source) {
  const db = openAdvisoryDb(file);
  const started = performance.now();
  const summary = await importOsv(db, source);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, summary };
}

function packages() {
  const result = [];
  for (let i = 0; i < 10_000; i++) {
    const ecosystem = ["npm", "pypi", "deb"][i % 3];
    const name = `pkg-${i % 7000}`;
    const version = ecosystem === "deb" ? "1.10-1" : "1.10.0";
    result.push({ ecosystem, name, version, purl: `pkg:${ecosystem}/${name}@${version}#${i}`, source: "/bench" });
  }
  return result;
}

try {
  const { folder, archive } = await writeSources();
  const fromFolder = await timeImport(join(work, "folder.sqlite"), folder);
  const fromZip = await timeImport(join(work, "zip.sqlite"), archive);
  const again = await timeImport(join(work, "zip.sqlite"), archive);
  const rate = (run) => Math.round(run.summary.records / run.seconds);
  console.log(`import ${recordCount} records from a folder: ${fromFolder.seconds.toFixed(2)} s (${rate(fromFolder)} records/s)`);
  console.log(`import ${recordCount} records from a zip: ${fromZip.seconds.toFixed(2)} s (${rate(fromZip)} records/s)`);
  console.log(`re-import the same zip (all unchanged): ${again.seconds.toFixed(2)} s (${rate(again)} records/s, ${again.summary.unchanged} unchanged)`);

  const db = openAdvisoryDb(join(work, "zip.sqlite"), { readonly: true });
  const installed = packages();
  const osRelease = { id: "debian", versionId: "12", fields: {} };
  matchPackages(db, installed, osRelease);
  const times = [];
  let matched = 0;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    matched = matchPackages(db, installed, osRelease).length;
    times.push(performance.now() - started);
  }
  db.close();
  times.sort((a, b) => a - b);
  console.log(`match 10000 packages (${matched} advisories matched): median ${times[2].toFixed(1)} ms of 5 runs`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
