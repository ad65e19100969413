import { SandboxError } from "./errors.js";
import type { SandboxLimits } from "./types.js";

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 128,
  checkCpuMs: 10_000,
  pluginWallMs: 60_000,
  maxFindingsPerCheck: 1000,
  maxMessageBytes: 4096,
  maxEvidenceBytes: 4096,
  imageReadMs: 600_000,
});

/** Smallest isolate heap isolated-vm accepts, in MiB. */
const MIN_MEMORY_MB = 8;

/** Merges partial limits over the defaults; throws INVALID_JOB for a value that is not a positive whole number. */
export function resolveLimits(partial: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) problems.push(`${key}: received ${JSON.stringify(value)}; use a whole number of at least 1`);
  }
  if (limits.memoryMb < MIN_MEMORY_MB) problems.push(`memoryMb: received ${limits.memoryMb}; isolated-vm needs at least ${MIN_MEMORY_MB}`);
  // RawFindingSchema accepts at most 4096 characters for data values and evidence.
  if (limits.maxMessageBytes > 4096) problems.push(`maxMessageBytes: received ${limits.maxMessageBytes}; the finding schema allows at most 4096`);
  if (limits.maxEvidenceBytes > 4096) problems.push(`maxEvidenceBytes: received ${limits.maxEvidenceBytes}; the finding schema allows at most 4096`);
  if (problems.length > 0) throw new SandboxError("INVALID_JOB", `Invalid sandbox limits:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return limits;
}
