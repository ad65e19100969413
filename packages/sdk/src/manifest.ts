import semver from "semver";
import { z } from "zod";
import { CHECK_ID_PATTERN, MAX_DECLARED_BYTES, MESSAGE_ID_PATTERN, TAG_PATTERN } from "./define.js";
import { GlobSyntaxError, compileGlob } from "./glob.js";
import { CAPABILITIES, LEVELS, SEVERITIES } from "./levels.js";

/**
 * Version of the plugin contract this SDK implements. A plugin declares the
 * range it was written for in `checks.apiVersion`; the host loads it only when
 * this version satisfies that range.
 */
export const API_VERSION = "1.0.0";

/** Names a plugin package may have: `checks-plugin-NAME`, `@SCOPE/checks-plugin-NAME` or `@checks/plugin-NAME`. */
export const PLUGIN_NAME_PATTERN = /^(?:checks-plugin-[a-z0-9][a-z0-9-]*|@[a-z0-9][a-z0-9-._]*\/checks-plugin-[a-z0-9][a-z0-9-]*|@checks\/plugin-[a-z0-9][a-z0-9-]*)$/;
export const PLUGIN_KEYWORD = "checks-plugin";

const glob = z.string().superRefine((value, context) => {
  try {
    compileGlob(value);
  } catch (error) {
    if (!(error instanceof GlobSyntaxError)) throw error;
    context.addIssue({ code: "custom", message: error.message });
  }
});

const relativeFile = z
  .string()
  .min(1)
  .refine((value) => !value.startsWith("/") && !value.split(/[\\/]/).includes(".."), {
    message: 'must be a path inside the package, without ".." or a leading "/"',
  });

export const MessageManifestSchema = z.strictObject({
  text: z.string().min(1).max(500),
  severity: z.enum(SEVERITIES),
});

export const CheckManifestSchema = z.strictObject({
  id: z.string().regex(CHECK_ID_PATTERN, 'must be kebab-case such as "setuid-files"'),
  title: z.string().min(1).max(200),
  description: z.string().max(4000).default(""),
  level: z.enum(LEVELS),
  tags: z.array(z.string().regex(TAG_PATTERN, 'must be a lower-case word such as "security"')).max(32).default([]),
  messages: z
    .record(z.string().regex(MESSAGE_ID_PATTERN, 'message ids are camelCase such as "unexpectedSetuid"'), MessageManifestSchema)
    .refine((messages) => Object.keys(messages).length > 0, { message: "needs at least one message" }),
  remediation: z.string().max(4000).default(""),
  docsUrl: z.url().optional(),
  needs: z.strictObject({
    paths: z.array(glob).max(256).default([]),
    content: z.union([z.boolean(), z.array(glob).max(256)]).default([]),
    maxBytes: z.int().min(1).max(MAX_DECLARED_BYTES).default(1024 * 1024),
    capabilities: z.array(z.enum(CAPABILITIES)).default([]),
  }),
  /** JSON Schema of the check's options, generated from its zod schema by the build. */
  options: z.record(z.string(), z.unknown()).optional(),
});

export const PluginManifestSchema = z.strictObject({
  apiVersion: z.string().refine((value) => semver.validRange(value) !== null, {
    message: 'must be a semver range such as "^1.0.0"',
  }),
  bundle: relativeFile,
  checks: z
    .array(CheckManifestSchema)
    .min(1, "needs at least one check")
    .max(500)
    .superRefine((checks, context) => {
      const seen = new Set<string>();
      checks.forEach((check, index) => {
        if (seen.has(check.id)) {
          context.addIssue({ code: "custom", path: [index, "id"], message: `"${check.id}" is used by an earlier check; ids must be unique`, input: check.id });
        }
        seen.add(check.id);
      });
    }),
});

export type MessageManifest = z.output<typeof MessageManifestSchema>;
export type CheckManifest = z.output<typeof CheckManifestSchema>;
export type PluginManifest = z.output<typeof PluginManifestSchema>;

/** The parts of package.json the host reads from a plugin package. */
export const PluginPackageSchema = z.object({
  name: z.string().regex(PLUGIN_NAME_PATTERN, 'must be "checks-plugin-NAME", "@SCOPE/checks-plugin-NAME" or "@checks/plugin-NAME"'),
  version: z.string().refine((value) => semver.valid(value) !== null, { message: 'must be an exact semver version such as "1.2.3"' }),
  keywords: z.array(z.string()).refine((keywords) => keywords.includes(PLUGIN_KEYWORD), {
    message: `must include "${PLUGIN_KEYWORD}" so the registry search finds the plugin`,
  }),
  dependencies: z
    .record(z.string(), z.string())
    .optional()
    .refine((dependencies) => dependencies === undefined || Object.keys(dependencies).length === 0, {
      message: "a plugin is one bundle with no runtime dependencies; move them to devDependencies and bundle them",
    }),
  peerDependencies: z
    .record(z.string(), z.string())
    .optional()
    .refine((peers) => peers?.["@checks/sdk"] !== undefined, { message: 'must list "@checks/sdk" with the range the plugin was built against' }),
  checks: PluginManifestSchema,
});

export type PluginPackage = z.output<typeof PluginPackageSchema>;

/** One problem found in a manifest: where it is, what was received, and what to do. */
export interface ManifestProblem {
  path: string;
  message: string;
  received?: unknown;
}

export type ManifestResult =
  | { ok: true; value: PluginPackage; problems: [] }
  | { ok: false; problems: ManifestProblem[] };

/** Validates a plugin's package.json and collects every problem with its field path. */
export function validatePluginPackage(packageJson: unknown): ManifestResult {
  const parsed = PluginPackageSchema.safeParse(packageJson, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data, problems: [] };
  return { ok: false, problems: parsed.error.issues.map(toProblem) };
}

function toProblem(issue: z.core.$ZodIssue): ManifestProblem {
  const path = issue.path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
  const problem: ManifestProblem = { path: path || "(package.json)", message: issue.message };
  if ("input" in issue && issue.code !== "unrecognized_keys") problem.received = issue.input;
  if (issue.code === "invalid_key" && issue.issues[0]) problem.message = `invalid key: ${issue.issues[0].message}`;
  if (issue.code === "unrecognized_keys") problem.message = `unknown keys ${issue.keys.map((key) => `"${key}"`).join(", ")}; remove them or fix their spelling`;
  return problem;
}

/** Formats manifest problems as lines: `checks.checks[0].level: Invalid option ... (received "x")`. */
export function formatProblems(problems: readonly ManifestProblem[]): string {
  return problems
    .map((problem) => {
      const received = "received" in problem ? ` (received ${describe(problem.received)})` : "";
      return `${problem.path}: ${problem.message}${received}`;
    })
    .join("\n");
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/** Returns true when this SDK's API version satisfies the plugin's declared range. */
export function supportsApiRange(range: string, apiVersion: string = API_VERSION): boolean {
  return semver.validRange(range) !== null && semver.satisfies(apiVersion, range);
}

/** A finding as it arrives from the sandbox; validated before the host trusts any field. */
export const RawFindingSchema = z.strictObject({
  checkId: z.string().regex(CHECK_ID_PATTERN).max(100),
  messageId: z.string().regex(MESSAGE_ID_PATTERN).max(100),
  data: z.record(z.string().max(100), z.union([z.string().max(4096), z.number(), z.boolean()])).refine((data) => Object.keys(data).length <= 64, {
    message: "at most 64 data values",
  }),
  path: z.string().max(4096).optional(),
  layer: z.int().min(0).max(100_000).optional(),
  package: z.string().max(1024).optional(),
  severity: z.enum(SEVERITIES).optional(),
  evidence: z.string().max(4096).optional(),
});
