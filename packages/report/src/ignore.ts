import { readFile, stat } from "node:fs/promises";
import { GlobSyntaxError, compileGlob } from "@checks/sdk";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { IgnoreFileError, type IgnoreProblem } from "./errors.js";

/** Largest ignore file read, in bytes. */
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;
/** Largest number of rules in one ignore file. */
export const MAX_IGNORE_RULES = 10_000;
/** Shortest fingerprint prefix a rule may give, in hex digits. */
export const MIN_FINGERPRINT_PREFIX = 12;

/** One rule of an ignore file after validation. A finding is suppressed when every matcher the rule sets matches. */
export interface IgnoreRule {
  /** Zero-based index in the file's `rules` list. */
  index: number;
  /** `check-id` matches that check in any plugin; `plugin/check-id` only in that plugin. */
  check?: string;
  /** Full fingerprint or a prefix of at least 12 hex digits. */
  fingerprint?: string;
  /** Path glob in the syntax of `matchGlob` from @checks/sdk. */
  path?: string;
  /** Package name, or `name@version` for one version only. */
  package?: string;
  reason: string;
  /** The `expires` value as written. */
  expires?: string;
  /** First instant at which the rule no longer applies. */
  expiresAt?: Date;
}

/** The rules of one ignore file. */
export interface IgnoreRules {
  source: string;
  rules: IgnoreRule[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

const expiresSchema = z.string({ error: 'must be a date such as "2026-12-31" or a date-time such as "2026-12-31T18:00:00Z"' }).refine((value) => parseExpiry(value) !== undefined, {
  message: 'must be a date such as "2026-12-31" or a date-time with a time zone such as "2026-12-31T18:00:00Z"',
});

const pathGlobSchema = z.string({ error: 'must be a path glob such as "/etc/shadow" or "**/.ssh/**"' }).superRefine((value, context) => {
  try {
    compileGlob(value);
  } catch (error) {
    if (!(error instanceof GlobSyntaxError)) throw error;
    context.addIssue({ code: "custom", message: error.message });
  }
});

const ruleSchema = z
  .strictObject({
    check: z
      .string({ error: 'must be a check id such as "setuid-files" or "@checks/plugin-files/setuid-files"' })
      .min(1)
      .max(300)
      .optional()
      .describe('Check id: "setuid-files" matches that check in any plugin, "@checks/plugin-files/setuid-files" only in that plugin.'),
    fingerprint: z
      .string({ error: "must be a fingerprint as the JSON report shows it (hex digits)" })
      .regex(new RegExp(`^[0-9a-f]{${MIN_FINGERPRINT_PREFIX},64}$`), `must be ${MIN_FINGERPRINT_PREFIX} to 64 lower-case hex digits, copied from the report's "fingerprint"`)
      .optional()
      .describe("Fingerprint of one finding as the report shows it, or a prefix of at least 12 hex digits."),
    path: pathGlobSchema.optional().describe('Path glob inside the image: absolute ("/etc/shadow") or starting with "**" ("**/.ssh/**").'),
    package: z
      .string({ error: 'must be a package name such as "openssl" or "openssl@3.0.11"' })
      .min(1)
      .max(1024)
      .optional()
      .describe('Package name ("openssl" matches every version) or "name@version".'),
    reason: z
      .string({ error: 'is required: say why the finding is acceptable, for example reason: "test fixture, never deployed"' })
      .trim()
      .min(1, 'must not be empty: say why the finding is acceptable, for example reason: "test fixture, never deployed"')
      .max(2000)
      .describe("Why the finding is acceptable; shown in every report format."),
    expires: expiresSchema.optional().describe("Date (applies through that day, UTC) or date-time after which the rule no longer applies and is reported as expired."),
  })
  .describe("A rule suppresses the findings that all of its matchers (check, fingerprint, path, package) match; it needs at least one.")
  .refine((rule) => rule.check !== undefined || rule.fingerprint !== undefined || rule.path !== undefined || rule.package !== undefined, {
    message: 'matches nothing: set at least one of "check", "fingerprint", "path" or "package"',
  });

const ignoreFileSchema = z
  .strictObject({
    version: z.union([z.literal(1), z.literal("1")], { error: "must be 1, the only ignore file version" }).optional(),
    rules: z.array(ruleSchema, { error: "must be a list of rules, each with a reason and at least one of check, fingerprint, path or package" }).max(MAX_IGNORE_RULES),
  })
  .meta({ title: "checks ignore file", description: "Suppresses findings of `checks run`. Suppressed findings stay in the JSON report with their reason." });

/** The ignore file as written, for `schema/ignore.schema.json`. */
export const IgnoreFileSchema = ignoreFileSchema;

/**
 * Reads and validates a YAML ignore file. Throws an IgnoreFileError that lists
 * every problem with its location; an empty file has no rules.
 */
export async function loadIgnoreFile(path: string): Promise<IgnoreRules> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_IGNORE_FILE_BYTES) {
      throw new IgnoreFileError("IGNORE_FILE_TOO_LARGE", path, [
        { path: "(file)", message: `is ${info.size} bytes; an ignore file may have at most ${MAX_IGNORE_FILE_BYTES} bytes, so split it or remove stale rules` },
      ]);
    }
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof IgnoreFileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new IgnoreFileError("IGNORE_FILE_READ_FAILED", path, [{ path: "(file)", message: `could not be read (${reason}); check the path given for the ignore file` }], {
      cause: error,
    });
  }
  return parseIgnoreFile(text, path);
}

/** Validates the text of a YAML ignore file; `source` names it in errors and suppressions. */
export function parseIgnoreFile(text: string, source: string): IgnoreRules {
  if (Buffer.byteLength(text, "utf8") > MAX_IGNORE_FILE_BYTES) {
    throw new IgnoreFileError("IGNORE_FILE_TOO_LARGE", source, [{ path: "(file)", message: `is larger than ${MAX_IGNORE_FILE_BYTES} bytes; split it or remove stale rules` }]);
  }

  const lineCounter = new LineCounter();
  // The failsafe schema reads every scalar as a string, so an unquoted
  // fingerprint such as 83e113986674 stays text instead of becoming a number.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: "failsafe" });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => ({ path: positionOf(lineCounter, error.pos[0]), message: `${error.message}; fix the YAML syntax` }));
    throw new IgnoreFileError("IGNORE_FILE_SYNTAX", source, problems);
  }

  const value: unknown = document.toJS({ maxAliasCount: 100 }) ?? { rules: [] };
  const parsed = ignoreFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => toProblem(issue, document, lineCounter));
    throw new IgnoreFileError("IGNORE_FILE_INVALID", source, problems);
  }

  const rules = parsed.data.rules.map((rule, index) => {
    const normalized: IgnoreRule = { index, reason: rule.reason };
    if (rule.check !== undefined) normalized.check = rule.check;
    if (rule.fingerprint !== undefined) normalized.fingerprint = rule.fingerprint;
    if (rule.path !== undefined) normalized.path = rule.path;
    if (rule.package !== undefined) normalized.package = rule.package;
    if (rule.expires !== undefined) {
      normalized.expires = rule.expires;
      normalized.expiresAt = parseExpiry(rule.expires)!;
    }
    return normalized;
  });
  return { source, rules };
}

/**
 * Returns the first instant at which a rule with this `expires` value no longer
 * applies. A date alone means the rule applies through that whole day in UTC.
 */
function parseExpiry(value: string): Date | undefined {
  const date = DATE.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const start = new Date(Date.UTC(year, month - 1, day));
    if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day) return undefined;
    return new Date(start.getTime() + 24 * 60 * 60 * 1000);
  }
  if (!DATE_TIME.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function toProblem(issue: z.core.$ZodIssue, document: ReturnType<typeof parseDocument>, lineCounter: LineCounter): IgnoreProblem {
  const path = formatIssuePath(issue.path);
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    message = `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((key) => `"${key}"`).join(", ")}; a rule has check, fingerprint, path, package, reason and expires`;
    if (path === "(file)") message = `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((key) => `"${key}"`).join(", ")}; the file has "version" and "rules"`;
  }
  const line = lineOf(document, issue.path, lineCounter);
  return { path: line ? `${path} (${line})` : path, message };
}

/** Returns a zod issue path as `rules[2].path`, or "(file)" for the whole file. */
function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(file)" : out;
}

/** Returns "line N" for the YAML node at `path`, or of its nearest parent that exists. */
function lineOf(document: ReturnType<typeof parseDocument>, path: readonly PropertyKey[], lineCounter: LineCounter): string | undefined {
  for (let length = path.length; length >= 0; length--) {
    const keys = path.slice(0, length).map((key) => (typeof key === "symbol" ? String(key) : key));
    const node = length === 0 ? document.contents : document.getIn(keys, true);
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.range) return `line ${lineCounter.linePos(node.range[0]).line}`;
  }
  return undefined;
}

function positionOf(lineCounter: LineCounter, offset: number): string {
  const position = lineCounter.linePos(offset);
  return `line ${position.line}, column ${position.col}`;
}
