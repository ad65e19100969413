import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCheck, DefinitionError, definePlugin, runCheck } from "../src/index.js";
import type { ImageData } from "../src/index.js";

const empty: ImageData = { info: { name: "empty", format: "virtual" }, files: [{ path: "/", type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 }] };

const base = {
  title: "T", description: "", level: "low", tags: ["security"], remediation: "", needs: {},
  messages: { found: { text: "found {{what}}", severity: "low" } },
} as const;

describe("runCheck", () => {
  it("collects findings with their data", async () => {
    const check = defineCheck({ ...base, id: "ok", run: ({ report }) => report({ messageId: "found", data: { what: "x" }, path: "/x" }) });
    const result = await runCheck(check, empty);
    expect(result.error).toBeUndefined();
    expect(result.findings).toEqual([{ checkId: "ok", messageId: "found", data: { what: "x" }, path: "/x" }]);
  });

  it("reports a thrown non-Error value", async () => {
    const check = defineCheck({ ...base, id: "throws", run: () => { throw { weird: true }; } });
    const result = await runCheck(check, empty);
    expect(result.error?.code).toBe("CHECK_THREW");
    expect(result.error?.message).toContain('{"weird":true}');
  });

  it("rejects an unknown message id", async () => {
    const check = defineCheck({ ...base, id: "bad-id", run: ({ report }) => report({ messageId: "nope" } as never) });
    expect((await runCheck(check, empty)).error?.code).toBe("INVALID_REPORT");
  });

  it("rejects a finding without placeholder data", async () => {
    const check = defineCheck({ ...base, id: "no-data", run: ({ report }) => report({ messageId: "found" } as never) });
    const result = await runCheck(check, empty);
    expect(result.error?.code).toBe("INVALID_REPORT");
    expect(result.error?.message).toContain('"what"');
  });

  it("rejects invalid options", async () => {
    const check = defineCheck({ ...base, id: "opts", options: z.object({ limit: z.number().default(1) }), run: () => {} });
    expect((await runCheck(check, empty, { options: { limit: "many" } })).error?.code).toBe("INVALID_OPTIONS");
    expect((await runCheck(check, empty, { options: {} })).error).toBeUndefined();
  });

  it("drops findings above the cap with a note", async () => {
    const check = defineCheck({ ...base, id: "many", run: ({ report }) => { for (let i = 0; i < 5; i++) report({ messageId: "found", data: { what: i } }); } });
    const result = await runCheck(check, empty, { maxFindings: 2 });
    expect(result.findings).toHaveLength(2);
    expect(result.notes.join()).toContain("3 more findings were dropped");
  });
});

describe("defineCheck", () => {
  it("lists every invalid field", () => {
    try {
      defineCheck({ ...base, id: "Bad Id", level: "severe" as never, tags: ["Not A Tag"], needs: { paths: ["relative"] }, run: () => {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DefinitionError);
      const problems = (error as DefinitionError).problems.join("\n");
      expect(problems).toContain("id:");
      expect(problems).toContain("level:");
      expect(problems).toContain("tags:");
      expect(problems).toContain("needs.paths:");
    }
  });

  it("rejects duplicate check ids in a plugin", () => {
    const check = defineCheck({ ...base, id: "same", run: () => {} });
    expect(() => definePlugin({ checks: [check, check] })).toThrow(/unique/);
  });
});
