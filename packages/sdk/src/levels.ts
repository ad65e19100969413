/**
 * Check levels, as Singularity 2.4 used them for selection: `--low` runs low,
 * medium and high checks, `--med` medium and high, `--high` high only.
 */
export const LEVELS = ["low", "medium", "high"] as const;
export type Level = (typeof LEVELS)[number];

/** Finding severities, lowest first. */
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Capabilities a check may declare beyond file access. */
export const CAPABILITIES = ["config", "layers", "packages", "advisories", "singularity"] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Returns a negative number, zero or a positive number as `a` ranks below, equal to or above `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** Returns the levels that a minimum level selects (`low` selects all three). */
export function levelsFrom(minimum: Level): Level[] {
  return LEVELS.slice(LEVELS.indexOf(minimum));
}
