/**
 * Messages between the host and the runner process. The host validates every
 * message from the runner with zod, because a runner is a process that ran
 * plugin code and is trusted no more than its output.
 */
import { z } from "zod";
import type { ImageData, MessageTable } from "@checks/sdk";
import type { DeclaredNeeds } from "./filter.js";
import type { SandboxLimits } from "./types.js";

export interface ImageMessage {
  type: "image";
  data: ImageData;
}

/** Asks the runner to open and read the image itself, behind its permission flags. */
export interface OpenImageMessage {
  type: "open-image";
  ref: string;
  platform?: string;
  needs: { content: { glob: string; maxBytes: number }[]; rawLayers: boolean };
}

export interface PluginRequest {
  type: "plugin";
  pluginIndex: number;
  name: string;
  bundleFile: string;
  checks: { id: string; needs: DeclaredNeeds; messages: MessageTable; options: unknown }[];
  limits: SandboxLimits;
}

export type HostMessage = ImageMessage | OpenImageMessage | PluginRequest;

const PHASE = z.enum(["load", "run", "report"]);
const CODE = z.enum([
  "BUNDLE_UNREADABLE",
  "PLUGIN_LOAD_FAILED",
  "CHECK_NOT_IN_MANIFEST",
  "CHECK_NOT_IN_BUNDLE",
  "INVALID_OPTIONS",
  "CHECK_THREW",
  "INVALID_REPORT",
  "CPU_TIMEOUT",
  "PLUGIN_TIMEOUT",
  "MEMORY_LIMIT",
  "PROMISE_UNSETTLED",
  "INVALID_FINDING",
  "RESULT_TOO_LARGE",
  "PLUGIN_ABORTED",
  "RUNNER_CRASHED",
  "RUNNER_START_FAILED",
]);

const RunnerErrorSchema = z.object({
  code: CODE,
  phase: PHASE,
  check: z.string().max(200).optional(),
  message: z.string().max(65_536),
});

export const RunnerCheckSchema = z.object({
  checkId: z.string().max(200),
  status: z.enum(["passed", "failed", "error", "skipped"]),
  findings: z.array(z.unknown()).max(100_000),
  notes: z.array(z.string().max(65_536)).max(10_000),
  deniedCount: z.int().min(0),
  durationMs: z.number().min(0),
  error: RunnerErrorSchema.optional(),
});

export const RunnerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    nodeVersion: z.string().max(100),
    permissionModel: z.boolean(),
    interfaces: z.array(z.string().max(100)).max(1000),
  }),
  z.object({ type: z.literal("image-ready"), files: z.int().min(0) }),
  z.object({ type: z.literal("image-failed"), code: z.string().max(100), message: z.string().max(65_536) }),
  z.object({ type: z.literal("plugin-started"), pluginIndex: z.int().min(0) }),
  z.object({ type: z.literal("check-started"), pluginIndex: z.int().min(0), checkId: z.string().max(200) }),
  z.object({
    type: z.literal("plugin-result"),
    pluginIndex: z.int().min(0),
    durationMs: z.number().min(0),
    error: RunnerErrorSchema.optional(),
    checks: z.array(RunnerCheckSchema).max(1000),
  }),
]);

export type RunnerMessage = z.output<typeof RunnerMessageSchema>;
export type RunnerCheck = z.output<typeof RunnerCheckSchema>;
export type RunnerError = z.output<typeof RunnerErrorSchema>;
