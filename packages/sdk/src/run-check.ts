import type { AnyCheck, PlaceholderValue } from "./check.js";
import type { ImageData } from "./image-data.js";
import type { Severity } from "./levels.js";
import { FileIndex, createImageView } from "./create-view.js";
import { placeholdersOf } from "./message.js";
import { safeParse } from "zod/v4/core";

/** A finding as a check reported it, before the host renders and validates it. */
export interface RawFinding {
  checkId: string;
  messageId: string;
  data: Record<string, PlaceholderValue>;
  path?: string;
  layer?: number;
  package?: string;
  severity?: Severity;
  evidence?: string;
}

export interface CheckRunResult {
  checkId: string;
  findings: RawFinding[];
  notes: string[];
  deniedCount: number;
  /** Set when the check threw or its options were invalid. */
  error?: { code: "CHECK_THREW" | "INVALID_OPTIONS" | "INVALID_REPORT"; message: string; stack?: string };
}

export interface RunCheckOptions {
  /** Raw options for the check, validated with its schema. */
  options?: unknown;
  /** Maximum findings kept; the rest are dropped and a note gives their number. */
  maxFindings?: number;
}

export class ReportError extends Error {
  readonly code = "INVALID_REPORT";
  constructor(message: string) {
    super(message);
    this.name = "ReportError";
  }
}

/**
 * Runs one check against an image and collects what it reported. Never throws:
 * a check that throws, rejects or reports an unknown message id yields a result
 * with `error` set and the findings it reported before that.
 */
export async function runCheck(check: AnyCheck, image: ImageData | FileIndex, settings: RunCheckOptions = {}): Promise<CheckRunResult> {
  const index = image instanceof FileIndex ? image : new FileIndex(image);
  const handle = createImageView(index, { checkId: check.id, ...check.needs });
  const findings: RawFinding[] = [];
  const notes: string[] = [];
  const maxFindings = settings.maxFindings ?? Number.POSITIVE_INFINITY;
  let dropped = 0;
  const result = (error?: CheckRunResult["error"]): CheckRunResult => {
    if (dropped > 0) notes.push(`${dropped} more findings were dropped: the limit is ${maxFindings} per check.`);
    return { checkId: check.id, findings, notes: [...notes, ...handle.notes()], deniedCount: handle.deniedCount(), ...(error ? { error } : {}) };
  };

  let options: unknown = {};
  if (check.options) {
    const parsed = safeParse(check.options, settings.options ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue: { path: PropertyKey[]; message: string }) => `${issue.path.map(String).join(".") || "(options)"}: ${issue.message}`);
      return result({ code: "INVALID_OPTIONS", message: `Invalid options for check "${check.id}": ${problems.join("; ")}` });
    }
    options = parsed.data;
  }

  const report = (finding: unknown): void => {
    const input = finding as Partial<RawFinding> | null;
    const messageId = input?.messageId;
    if (typeof messageId !== "string" || !Object.prototype.hasOwnProperty.call(check.messages, messageId)) {
      throw new ReportError(`Check "${check.id}" reported unknown message id ${JSON.stringify(messageId)}; known ids: ${Object.keys(check.messages).join(", ")}.`);
    }
    const data = { ...(input?.data ?? {}) } as Record<string, PlaceholderValue>;
    const missing = placeholdersOf(check.messages[messageId].text).filter((name) => data[name] === undefined);
    if (missing.length > 0) {
      throw new ReportError(`Check "${check.id}" reported "${messageId}" without data for ${missing.map((name) => `"${name}"`).join(", ")}.`);
    }
    if (findings.length >= maxFindings) {
      dropped++;
      return;
    }
    const raw: RawFinding = { checkId: check.id, messageId, data };
    if (input?.path !== undefined) raw.path = input.path;
    if (input?.layer !== undefined) raw.layer = input.layer;
    if (input?.package !== undefined) raw.package = input.package;
    if (input?.severity !== undefined) raw.severity = input.severity;
    if (input?.evidence !== undefined) raw.evidence = input.evidence;
    findings.push(raw);
  };

  try {
    await check.run({
      image: handle.view,
      options,
      report: report as never,
      note: (text: string) => {
        notes.push(String(text));
      },
    });
    return result();
  } catch (error) {
    if (error instanceof ReportError) return result({ code: "INVALID_REPORT", message: error.message });
    const message = error instanceof Error ? error.message : `non-Error value thrown: ${safeString(error)}`;
    return result({ code: "CHECK_THREW", message, ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
  }
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
