import type { AnyCheck, Check, CheckRunResult, ImageData, MessageTable, OptionsOf, OptionsSchema, PlaceholderValue, RawFinding, Severity } from "@checks/sdk";
import { runCheck } from "@checks/sdk";
import { describe, expect, it } from "vitest";
import type { VirtualImageSpec } from "./virtual-image.js";
import { virtualImage } from "./virtual-image.js";
import { assertRanCleanly } from "./real-image.js";

/** A finding a case expects; fields left out are not compared. */
export interface ExpectedFinding<MessageId extends string = string> {
  messageId: MessageId;
  path?: string;
  severity?: Severity;
  layer?: number;
  package?: string;
  data?: Record<string, PlaceholderValue>;
  /** Exact evidence text, or a pattern it must match. */
  evidence?: string | RegExp;
}

export interface ValidCase<Options = unknown> {
  name: string;
  image: VirtualImageSpec | ImageData;
  options?: Partial<Options>;
  /** Runs only this case (vitest `it.only`). */
  only?: boolean;
}

export interface InvalidCase<MessageId extends string = string, Options = unknown> extends ValidCase<Options> {
  findings: ExpectedFinding<MessageId>[];
}

export interface CheckCases<M extends MessageTable, O> {
  valid?: ValidCase<O>[];
  invalid?: InvalidCase<keyof M & string, O>[];
}

/** Returns true for ImageData (built already) as opposed to a virtual image spec. */
function isImageData(image: VirtualImageSpec | ImageData): image is ImageData {
  return "info" in image && Array.isArray((image as ImageData).files);
}

/**
 * Runs one check against an image, given as a virtual image spec or as
 * ImageData. A failing check does not throw: `runCheck` puts its error in the result.
 */
export async function runCheckOn(check: AnyCheck, image: VirtualImageSpec | ImageData, options?: unknown): Promise<CheckRunResult> {
  const data = isImageData(image) ? image : virtualImage(deepFreeze(image));
  return runCheck(check, data, { options });
}

/**
 * Registers a vitest suite for one check. Every valid case must produce no
 * finding, and every invalid case exactly the listed findings, compared in
 * path and message id order (so give `path` when a case expects several).
 * A case also fails when the check throws or reads something it did not declare.
 */
export function testCheck<M extends MessageTable, S extends OptionsSchema | undefined>(
  check: Check<M, S>,
  cases: CheckCases<M, OptionsOf<S>>,
): void {
  describe(check.id, () => {
    for (const testCase of cases.valid ?? []) {
      const register = testCase.only ? it.only : it;
      register(`valid: ${testCase.name}`, async () => {
        const result = await runCheckOn(check as AnyCheck, testCase.image, testCase.options);
        assertRanCleanly(result);
        expect(result.findings.map(describeFinding), "a valid case must produce no findings").toEqual([]);
      });
    }

    for (const testCase of cases.invalid ?? []) {
      const register = testCase.only ? it.only : it;
      register(`invalid: ${testCase.name}`, async () => {
        if (testCase.findings.length === 0) throw new Error(`Invalid case "${testCase.name}" lists no findings; move it to valid.`);
        const result = await runCheckOn(check as AnyCheck, testCase.image, testCase.options);
        assertRanCleanly(result);

        const actual = [...result.findings].sort(byLocation);
        const expected = [...testCase.findings].sort(byLocation);
        const actualDescriptions = actual.map((finding, index) => describeFinding(expected[index]?.path === undefined ? { messageId: finding.messageId } : finding));
        expect(actualDescriptions, "findings differ").toEqual(expected.map(describeFinding));
        expected.forEach((finding, index) => assertFinding(actual[index]!, finding));
      });
    }
  });
}


function assertFinding(actual: RawFinding, expected: ExpectedFinding): void {
  const where = `finding ${expected.messageId}${expected.path ? ` at ${expected.path}` : ""}`;
  if (expected.severity !== undefined) expect(actual.severity, `${where}: severity`).toBe(expected.severity);
  if (expected.layer !== undefined) expect(actual.layer, `${where}: layer`).toBe(expected.layer);
  if (expected.package !== undefined) expect(actual.package, `${where}: package`).toBe(expected.package);
  if (expected.data !== undefined) expect(actual.data, `${where}: data`).toMatchObject(expected.data);
  if (expected.evidence instanceof RegExp) expect(actual.evidence, `${where}: evidence`).toMatch(expected.evidence);
  else if (expected.evidence !== undefined) expect(actual.evidence, `${where}: evidence`).toBe(expected.evidence);
}

function describeFinding(finding: { messageId: string; path?: string }): string {
  return finding.path === undefined ? finding.messageId : `${finding.messageId} ${finding.path}`;
}

function byLocation(a: { messageId: string; path?: string }, b: { messageId: string; path?: string }): number {
  const pathOrder = (a.path ?? "").localeCompare(b.path ?? "");
  return pathOrder !== 0 ? pathOrder : a.messageId.localeCompare(b.messageId);
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
