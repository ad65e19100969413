import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { register } from "../src/commands/db.js";
import { UserError } from "../src/errors.js";

const OSV_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../packages/vulndb/test/fixtures/osv");

let home: string;
let output: string[];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "checks-db-"));
  vi.stubEnv("CHECKS_HOME", home);
  output = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string> {
  const program = new Command("checks").exitOverride();
  register(program);
  output = [];
  await program.parseAsync(["node", "checks", ...args]);
  return output.join("");
}

describe("checks db", () => {
  it("reports a missing database", async () => {
    expect(await run("db", "status")).toContain("No advisory database");
    expect(JSON.parse(await run("db", "status", "--json"))).toMatchObject({ available: false });
  });

  it("imports a folder and shows the status", async () => {
    const text = await run("db", "import", OSV_FIXTURES);
    expect(text).toContain("17 added");
    expect(text).toContain("2 skipped");

    const status = JSON.parse(await run("db", "status", "--json"));
    expect(status.available).toBe(true);
    expect(status.database).toBe(join(home, "data", "advisories.sqlite"));
    expect(status.counts.advisories).toBe(17);
    expect(status.sources[0].source).toBe(OSV_FIXTURES);
    expect(await run("db", "status")).toContain("Debian:12: 4 affected packages");
  });

  it("imports the same folder again without changes", async () => {
    await run("db", "import", OSV_FIXTURES);
    const { imports } = JSON.parse(await run("db", "import", OSV_FIXTURES, "--json"));
    expect(imports).toHaveLength(1);
    expect(imports[0].added).toBe(0);
    expect(imports[0].unchanged).toBe(17);
  });

  it("imports several sources in order", async () => {
    const { imports } = JSON.parse(await run("db", "import", join(OSV_FIXTURES, "real"), join(OSV_FIXTURES, "synthetic"), "--json"));
    expect(imports.map((summary: { source: string }) => summary.source)).toEqual([join(OSV_FIXTURES, "real"), join(OSV_FIXTURES, "synthetic")]);
    expect(imports[0].added).toBe(10);
    expect(imports[1].added).toBe(7);
  });

  it("raises a user error for a missing source", async () => {
    const caught = await run("db", "import", join(home, "missing")).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(UserError);
    expect(((caught as UserError).cause as { code: string }).code).toBe("SOURCE_NOT_FOUND");
  });

  it("raises a user error for a damaged database file", async () => {
    const file = join(home, "data", "advisories.sqlite");
    await run("db", "import", OSV_FIXTURES);
    writeFileSync(file, "not sqlite, just text that is long enough to fill a database header");
    const caught = await run("db", "status").catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(UserError);
    expect(((caught as UserError).cause as { code: string }).code).toBe("DB_OPEN_FAILED");
  });
});
