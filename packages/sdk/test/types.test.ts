/**
 * Type-level tests of the contract. `pnpm typecheck` (tsc) fails when an
 * inferred type changes or when a line marked @ts-expect-error compiles.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineCheck } from "../src/index.js";
import type { CheckNeeds, FindingInput } from "../src/index.js";

const messages = {
  setuidFile: { text: "{{path}} is setuid and owned by {{owner}}", severity: "high" },
  noPlaceholders: { text: "The image has no USER", severity: "medium" },
} as const;

describe("contract types", () => {
  it("infers message ids from the table", () => {
    type Input = FindingInput<typeof messages>;
    expectTypeOf<Input["messageId"]>().toEqualTypeOf<"setuidFile" | "noPlaceholders">();
  });

  it("requires each placeholder of the message", () => {
    type Setuid = Extract<FindingInput<typeof messages>, { messageId: "setuidFile" }>;
    expectTypeOf<keyof Setuid["data"]>().toEqualTypeOf<"path" | "owner">();
  });

  it("infers options from the zod schema", () => {
    defineCheck({
      id: "typed-options",
      title: "Typed options",
      description: "",
      level: "low",
      tags: [],
      messages,
      remediation: "",
      needs: {},
      options: z.object({ limit: z.number().default(3), names: z.array(z.string()).default([]) }),
      run({ options, report }) {
        expectTypeOf(options).toEqualTypeOf<{ limit: number; names: string[] }>();
        report({ messageId: "setuidFile", data: { path: "/x", owner: "root" } });
        report({ messageId: "noPlaceholders" });
        // @ts-expect-error: unknown message id
        report({ messageId: "setuidFlie", data: { path: "/x", owner: "root" } });
        // @ts-expect-error: the "owner" placeholder is missing
        report({ messageId: "setuidFile", data: { path: "/x" } });
        // @ts-expect-error: severity is not one of the five levels
        report({ messageId: "noPlaceholders", severity: "severe" });
        // @ts-expect-error: options has no such field
        void options.missing;
      },
    });
  });

  it("rejects a level outside low, medium and high", () => {
    const define = () => defineCheck({
      id: "bad-level",
      title: "Bad level",
      description: "",
      // @ts-expect-error: "critical" is a severity, not a level
      level: "critical",
      tags: [],
      messages,
      remediation: "",
      needs: {},
      run() {},
    });
    expect(define).toThrow(/level/);
  });

  it("rejects an unknown capability", () => {
    const needs = {
      // @ts-expect-error: "network" is not a capability
      capabilities: ["network"],
    } satisfies CheckNeeds;
    void needs;
  });

  it("gives an empty options object without a schema", () => {
    defineCheck({
      id: "no-options",
      title: "No options",
      description: "",
      level: "high",
      tags: [],
      messages,
      remediation: "",
      needs: {},
      run({ options }) {
        expectTypeOf(options).toEqualTypeOf<Record<string, never>>();
      },
    });
  });
});
