import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { LEVELS, SEVERITIES } from "@checks/sdk";
import { UserError } from "./errors.js";

/** File names looked up in the working folder, in this order, when `--config` is not given. */
export const CONFIG_FILE_NAMES = ["checks.config.json", "checks.config.yaml", "checks.config.yml"];
const MAX_CONFIG_BYTES = 1024 * 1024;

const REPORT_FORMATS = ["table", "json", "sarif", "junit", "markdown", "html"] as const;

/** Defaults for `checks run`; every flag of the same name overrides its key. */
export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of this file's JSON Schema, for editors."),
    plugins: z.array(z.string()).optional().describe("Plugin names to run; all installed plugins when omitted."),
    checks: z.array(z.string()).optional().describe("Check ids to run (`check` or `plugin/check`)."),
    skipChecks: z.array(z.string()).optional().describe("Check ids to leave out."),
    tags: z.string().optional().describe('Tag expression: "a+b" needs both tags, "a|b" either.'),
    level: z.enum(LEVELS).optional().describe("Lowest check level to run: low runs all, high only high checks."),
    failOn: z.enum(SEVERITIES).optional().describe("Exit with 1 when an unsuppressed finding is at or above this severity."),
    severity: z.array(z.enum(SEVERITIES)).optional().describe("Severities to display; does not change the exit code."),
    format: z.enum(REPORT_FORMATS).optional(),
    ignoreFile: z.string().optional().describe("Ignore file (YAML), relative to the config file."),
    platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, "must be os/arch[/variant] such as linux/amd64").optional(),
    concurrency: z.int().min(1).max(64).optional().describe("Images scanned at the same time."),
    pluginDirs: z.array(z.string()).optional().describe("Local plugin folders to load in addition to installed plugins."),
    options: z
      .record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown())))
      .optional()
      .describe("Check options: plugin name, then check id, then the check's options."),
    limits: z
      .strictObject({
        memoryMb: z.int().min(8).max(4096).optional(),
        checkCpuMs: z.int().min(10).optional(),
        pluginWallMs: z.int().min(100).optional(),
        maxFindingsPerCheck: z.int().min(1).optional(),
      })
      .optional()
      .describe("Sandbox limits per plugin."),
  })
  .describe("Configuration of the checks CLI (checks.config.json or checks.config.yaml).");

export type Config = z.output<typeof ConfigSchema>;

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, when one was found. */
  source?: string;
}

/** Returns the JSON Schema of the config file, for editors and for `schema/config.schema.json`. */
export function configJsonSchema(): object {
  return z.toJSONSchema(ConfigSchema, { io: "input" });
}

/**
 * Loads the config file: `explicit` when given (it must exist), else the first
 * of CONFIG_FILE_NAMES in `cwd`, else empty defaults. Throws a UserError that
 * lists every invalid key with its path and the fix.
 */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const found = CONFIG_FILE_NAMES.map((name) => join(cwd, name)).filter((path) => existsSync(path));
  if (!explicit && found.length > 1) {
    throw new UserError(`Found several config files: ${found.join(", ")}. Keep one, or choose one with --config.`);
  }
  const file = explicit ? resolve(cwd, explicit) : found[0];
  if (!file) return { config: {} };

  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UserError(`Cannot read the config file ${file}: ${(error as Error).message}`, 2, { cause: error });
  }
  if (text.length > MAX_CONFIG_BYTES) throw new UserError(`The config file ${file} is larger than ${MAX_CONFIG_BYTES} bytes.`);

  let raw: unknown;
  try {
    raw = extname(file) === ".json" ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new UserError(`The config file ${file} is not valid ${extname(file) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`, 2, { cause: error });
  }

  const parsed = ConfigSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => describeIssue(issue));
    throw new UserError(`The config file ${file} has ${lines.length} problem${lines.length === 1 ? "" : "s"}:\n${lines.map((line) => `  - ${line}`).join("\n")}`);
  }
  return { config: parsed.data, source: file };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".") || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys
      .map((key) => {
        const suggestion = closest(key, known);
        return `${path === "(top level)" ? key : `${path}.${key}`}: unknown key${suggestion ? `; did you mean "${suggestion}"?` : `; allowed keys: ${known.join(", ")}`}`;
      })
      .join("\n  - ");
  }
  const received = "input" in issue && issue.input !== undefined ? ` (received ${JSON.stringify(issue.input)})` : "";
  return `${path}: ${issue.message}${received}`;
}

function knownKeys(path: PropertyKey[]): string[] {
  let schema: z.core.$ZodType = ConfigSchema;
  for (const key of path) {
    const shape = (schema as { shape?: Record<string, z.core.$ZodType> }).shape;
    const next = shape?.[String(key)];
    if (!next) return [];
    schema = unwrap(next);
  }
  return Object.keys((schema as { shape?: object }).shape ?? {});
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const inner = (schema as { unwrap?: () => z.core.$ZodType }).unwrap;
  return inner ? unwrap(inner.call(schema)) : schema;
}

/** Returns the known key closest to `key` by edit distance, when it is close enough to be a typo. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
