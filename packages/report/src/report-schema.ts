import { LEVELS, SEVERITIES } from "@checks/sdk";
import { z } from "zod";
import type { ScanReport } from "./types.js";

/**
 * The JSON report as zod schemas. `schema/report.schema.json` is generated
 * from `ScanReportSchema`, and a test keeps the two equal. Unknown keys are
 * allowed so that a newer minor version of the layout still validates.
 */
const severity = z.enum(SEVERITIES);
const level = z.enum(LEVELS);
const dateTime = z.iso.datetime({ offset: true });

const SuppressionSchema = z.object({
  reason: z.string().min(1),
  expires: z.string().optional(),
  source: z.string(),
  rule: z.int().min(0),
});

export const FindingSchema = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  plugin: z.string(),
  pluginVersion: z.string(),
  check: z.string(),
  checkTitle: z.string(),
  messageId: z.string(),
  message: z.string(),
  severity,
  path: z.string().optional(),
  layer: z.int().min(0).optional(),
  package: z.string().optional(),
  evidence: z.string().optional(),
  remediation: z.string().optional(),
  docsUrl: z.string().optional(),
  suppression: SuppressionSchema.optional(),
});

export const CheckRunSchema = z.object({
  plugin: z.string(),
  pluginVersion: z.string(),
  check: z.string(),
  title: z.string(),
  level,
  tags: z.array(z.string()),
  status: z.enum(["passed", "failed", "error", "skipped"]),
  findings: z.int().min(0),
  durationMs: z.number().min(0),
  deniedCount: z.int().min(0),
  notes: z.array(z.string()),
  error: z.object({ code: z.string(), phase: z.enum(["load", "run", "report"]), message: z.string() }).optional(),
});

export const ImageResultSchema = z.object({
  name: z.string(),
  format: z.string().optional(),
  digest: z.string().optional(),
  platform: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  checks: z.array(CheckRunSchema),
  findings: z.array(FindingSchema),
  notes: z.array(z.string()),
});

const ExpiredRuleSchema = z.object({ source: z.string(), rule: z.int().min(0), reason: z.string(), expires: z.string(), matched: z.int().min(0) });
const UnusedRuleSchema = z.object({ source: z.string(), rule: z.int().min(0), reason: z.string() });

export const ScanReportSchema = z
  .object({
    schemaVersion: z.string().regex(/^1\.\d+\.\d+$/, "must be a 1.x.y version"),
    tool: z.object({ name: z.literal("checks"), version: z.string() }),
    startedAt: dateTime,
    finishedAt: dateTime,
    selection: z.object({
      plugins: z.array(z.string()),
      checks: z.array(z.string()),
      skipped: z.array(z.string()),
      tags: z.string().optional(),
      minLevel: level,
      failOn: severity,
      severityFilter: z.array(severity).optional(),
    }),
    sandbox: z.object({ networkIsolated: z.boolean(), permissionModel: z.boolean() }),
    images: z.array(ImageResultSchema),
    ignoreFile: z
      .object({
        source: z.string(),
        rules: z.int().min(0),
        suppressed: z.int().min(0),
        expired: z.array(ExpiredRuleSchema),
        unused: z.array(UnusedRuleSchema),
      })
      .optional(),
  })
  .meta({
    title: "checks scan report",
    description: "The JSON report of `checks run`, layout version 1.x. Suppressed findings stay in the report with `suppression` set.",
  });

/** Validates a parsed JSON report and returns it typed; throws a ZodError listing every problem. */
export function parseReport(value: unknown): ScanReport {
  return ScanReportSchema.parse(value);
}

/** Returns the JSON Schema (draft 2020-12) of the JSON report. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScanReportSchema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
}
