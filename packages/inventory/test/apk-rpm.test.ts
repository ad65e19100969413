import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { collectInventory, InventoryError, parseApkInstalled, parseRpmHeader, parseRpmSqlite, RPM_TAG } from "../src/index.js";
import { virtualImage } from "./support/virtual.js";

const APK_INSTALLED = `C:Q1abc=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
o:musl
L:MIT

P:libcrypto3
V:3.1.3-r0
A:x86_64
o:openssl
L:
t:1696000000

P:
V:1.0-r0

P:no-version
V:
`;

describe("parseApkInstalled", () => {
  const { packages, notes } = parseApkInstalled(APK_INSTALLED, "/lib/apk/db/installed");

  it("lists packages with origin and license", () => {
    expect(packages).toEqual([
      { name: "musl", version: "1.2.4-r2", architecture: "x86_64", sourceName: "musl", sourceVersion: "1.2.4-r2", licenses: ["MIT"] },
      { name: "libcrypto3", version: "3.1.3-r0", architecture: "x86_64", sourceName: "openssl", sourceVersion: "3.1.3-r0" },
    ]);
  });

  it("notes entries with empty name or version", () => {
    expect(notes).toHaveLength(2);
  });

  it("builds apk purls", () => {
    const { packages: records } = collectInventory(
      virtualImage({ "/etc/os-release": "ID=alpine\nVERSION_ID=3.18.4\n", "/lib/apk/db/installed": APK_INSTALLED }),
    );
    expect(records[1]?.purl).toBe("pkg:apk/alpine/libcrypto3@3.1.3-r0?arch=x86_64&distro=alpine-3.18.4");
  });
});

/** Builds an rpm header blob (rpm's on-disk header without the magic) with string and int32 entries. */
function rpmHeader(tags: Record<number, string | number>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  for (const [tag, value] of Object.entries(tags)) {
    const entry = Buffer.alloc(16);
    let bytes: Buffer;
    if (typeof value === "number") {
      const padding = (4 - (offset % 4)) % 4;
      if (padding) {
        data.push(Buffer.alloc(padding));
        offset += padding;
      }
      bytes = Buffer.alloc(4);
      bytes.writeInt32BE(value);
      entry.writeUInt32BE(4, 4);
    } else {
      bytes = Buffer.from(`${value}\0`);
      entry.writeUInt32BE(6, 4);
    }
    entry.writeUInt32BE(Number(tag), 0);
    entry.writeUInt32BE(offset, 8);
    entry.writeUInt32BE(1, 12);
    entries.push(entry);
    data.push(bytes);
    offset += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

/** Builds an rpmdb.sqlite image in memory with rpm's Packages table. */
function rpmdb(blobs: Buffer[], options: { wal?: boolean } = {}): Buffer {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
  const insert = db.prepare("INSERT INTO Packages (blob) VALUES (?)");
  for (const blob of blobs) insert.run(blob);
  const bytes = db.serialize();
  db.close();
  if (options.wal) {
    bytes[18] = 2;
    bytes[19] = 2;
  }
  return bytes;
}

const OPENSSL = rpmHeader({
  [RPM_TAG.NAME]: "openssl-libs",
  [RPM_TAG.VERSION]: "3.0.7",
  [RPM_TAG.RELEASE]: "24.el9",
  [RPM_TAG.EPOCH]: 1,
  [RPM_TAG.ARCH]: "x86_64",
  [RPM_TAG.LICENSE]: "ASL 2.0",
  [RPM_TAG.SOURCERPM]: "openssl-3.0.7-24.el9.src.rpm",
});
const BASH = rpmHeader({ [RPM_TAG.NAME]: "bash", [RPM_TAG.VERSION]: "5.1.8", [RPM_TAG.RELEASE]: "9.el9", [RPM_TAG.ARCH]: "x86_64" });
const KEY = rpmHeader({ [RPM_TAG.NAME]: "gpg-pubkey", [RPM_TAG.VERSION]: "fd431d51", [RPM_TAG.RELEASE]: "4ae0493b" });

describe("parseRpmHeader", () => {
  it("reads strings and int32 values", () => {
    const header = parseRpmHeader(OPENSSL, "rpmdb.sqlite");
    expect(header.get(RPM_TAG.NAME)).toBe("openssl-libs");
    expect(header.get(RPM_TAG.EPOCH)).toBe(1);
  });

  it("rejects a header shorter than it declares", () => {
    let caught: unknown;
    try {
      parseRpmHeader(OPENSSL.subarray(0, OPENSSL.length - 10), "rpmdb.sqlite");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InventoryError);
    expect((caught as InventoryError).code).toBe("INVALID_DATABASE");
  });

  it("rejects a header over the size limits", () => {
    const huge = Buffer.from(BASH);
    huge.writeUInt32BE(0x7fffffff, 4);
    let caught: unknown;
    try {
      parseRpmHeader(huge, "rpmdb.sqlite");
    } catch (error) {
      caught = error;
    }
    expect((caught as InventoryError).code).toBe("LIMIT_EXCEEDED");
  });

  it("rejects an offset outside the data", () => {
    const broken = Buffer.from(BASH);
    broken.writeUInt32BE(0xffff, 8 + 8);
    expect(() => parseRpmHeader(broken, "rpmdb.sqlite")).toThrow(InventoryError);
  });
});

describe("parseRpmSqlite", () => {
  it("lists packages with epoch, release and source rpm", () => {
    const { packages, notes } = parseRpmSqlite(rpmdb([OPENSSL, BASH, KEY]), "/var/lib/rpm/rpmdb.sqlite");
    expect(notes).toEqual([]);
    expect(packages).toEqual([
      { name: "openssl-libs", version: "1:3.0.7-24.el9", epoch: "1", architecture: "x86_64", licenses: ["ASL 2.0"], sourceName: "openssl", sourceVersion: "3.0.7-24.el9" },
      { name: "bash", version: "5.1.8-9.el9", architecture: "x86_64" },
    ]);
  });

  it("reads a database image in WAL mode", () => {
    expect(parseRpmSqlite(rpmdb([BASH], { wal: true }), "rpmdb.sqlite").packages).toHaveLength(1);
  });

  it("skips a broken header with a note", () => {
    const { packages, notes } = parseRpmSqlite(rpmdb([Buffer.from([0, 0]), BASH]), "rpmdb.sqlite");
    expect(packages).toHaveLength(1);
    expect(notes[0]).toContain("header 1");
  });

  it("rejects bytes that are not SQLite", () => {
    let caught: unknown;
    try {
      parseRpmSqlite(Buffer.from("not a database at all, just text"), "rpmdb.sqlite");
    } catch (error) {
      caught = error;
    }
    expect((caught as InventoryError).code).toBe("INVALID_DATABASE");
  });
});

describe("parseRpmSqlite on a database written by rpm", () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "rpm", "rpmdb.sqlite");

  it("lists what rpm -qa lists", () => {
    const { packages, notes } = parseRpmSqlite(readFileSync(file), "/var/lib/rpm/rpmdb.sqlite");
    expect(notes).toEqual([]);
    expect(packages.map((parsed) => `${parsed.name} ${parsed.version} ${parsed.architecture} ${parsed.sourceName} ${parsed.licenses?.join()}`).sort()).toEqual([
      "hello-tool 1:2.4.1-3.el9 x86_64 hello-tool MIT",
      "libexample 0.9.8-1.el9 x86_64 libexample Apache-2.0",
    ]);
  });
});

describe("collectInventory with rpm", () => {
  it("builds rpm purls with the epoch qualifier", () => {
    const { packages } = collectInventory(
      virtualImage({ "/etc/os-release": 'ID="rocky"\nVERSION_ID="9.3"\n', "/var/lib/rpm/rpmdb.sqlite": rpmdb([OPENSSL]) }),
    );
    expect(packages[0]?.purl).toBe("pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1");
  });

  it("uses an unknown os-release ID as the namespace", () => {
    const { packages } = collectInventory(virtualImage({ "/etc/os-release": "ID=constructor\n", "/var/lib/rpm/rpmdb.sqlite": rpmdb([BASH]) }));
    expect(packages[0]?.purl).toBe("pkg:rpm/constructor/bash@5.1.8-9.el9?arch=x86_64&distro=constructor");
  });

  it("notes a database that is not SQLite and goes on", () => {
    const { packages, notes } = collectInventory(
      virtualImage({
        "/var/lib/rpm/rpmdb.sqlite": "garbage",
        "/usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA": "Name: six\nVersion: 1.16.0\n",
      }),
    );
    expect(packages.map((record) => record.name)).toEqual(["six"]);
    expect(notes[0]).toContain("/var/lib/rpm/rpmdb.sqlite");
  });

  it("reports Berkeley DB and ndb databases as not supported", () => {
    const { notes } = collectInventory(virtualImage({ "/var/lib/rpm/Packages": { size: 4096 }, "/usr/lib/sysimage/rpm/Packages.db": { size: 4096 } }));
    expect(notes.some((note) => note.includes("Berkeley DB"))).toBe(true);
    expect(notes.some((note) => note.includes("ndb"))).toBe(true);
  });

  it("says nothing about rpm when no rpm database exists", () => {
    expect(collectInventory(virtualImage({ "/etc/hostname": "box\n" })).notes).toEqual([]);
  });
});
