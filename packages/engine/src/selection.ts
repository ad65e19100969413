import type { Level } from "@checks/sdk";
import { levelsFrom } from "@checks/sdk";
import type { CheckManifest, PluginManifest } from "@checks/sdk/host";

/** A plugin as the engine receives it: validated manifest plus where its bundle is. */
export interface PluginSource {
  name: string;
  version: string;
  bundleFile: string;
  manifest: PluginManifest;
  /** Where the plugin came from: the plugin store or a `--plugin-dir`. */
  source: "store" | "dir";
}

export interface Selection {
  /** Plugin names to run; all installed plugins when empty or omitted. */
  plugins?: string[];
  /** Check ids to run (`check` or `plugin/check`); all when empty or omitted. */
  checks?: string[];
  /** Check ids to leave out (`check` or `plugin/check`). */
  skipChecks?: string[];
  /** Singularity-style tag expression: `a+b` needs both tags, `a|b` either, `+` binds tighter than `|`. */
  tags?: string;
  /** Lowest level to run: `low` runs low, medium and high checks, `high` only high ones. */
  minLevel: Level;
}

export interface SelectedCheck {
  plugin: PluginSource;
  check: CheckManifest;
}

export interface SelectionResult {
  selected: SelectedCheck[];
  /** Qualified ids (`plugin/check`) of the checks left out, with the reason. */
  skipped: { id: string; reason: string }[];
}

export class SelectionError extends Error {
  constructor(
    readonly code: "INVALID_TAG_EXPRESSION" | "UNKNOWN_PLUGIN" | "UNKNOWN_CHECK",
    message: string,
  ) {
    super(message);
    this.name = "SelectionError";
  }
}

/** A parsed tag expression: a list of alternatives, each a list of tags that must all be present. */
export type TagExpression = string[][];

const TAG = /^[a-z][a-z0-9-]*$/;

/** Parses `security+docker|clean` into `[["security", "docker"], ["clean"]]`. */
export function parseTagExpression(expression: string): TagExpression {
  const alternatives = expression.split("|").map((part) => part.split("+").map((tag) => tag.trim().toLowerCase()));
  for (const tags of alternatives) {
    for (const tag of tags) {
      if (!TAG.test(tag)) {
        throw new SelectionError(
          "INVALID_TAG_EXPRESSION",
          `Invalid tag expression "${expression}": "${tag}" is not a tag. Write tags joined by "+" (all of them) or "|" (any of them), such as "security+docker|clean".`,
        );
      }
    }
  }
  return alternatives;
}

export function matchesTags(expression: TagExpression, tags: readonly string[]): boolean {
  return expression.some((required) => required.every((tag) => tags.includes(tag)));
}

function qualifiedId(plugin: PluginSource, check: CheckManifest): string {
  return `${plugin.name}/${check.id}`;
}

function matchesId(ids: readonly string[], plugin: PluginSource, check: CheckManifest): boolean {
  return ids.includes(check.id) || ids.includes(qualifiedId(plugin, check));
}

/**
 * Selects the checks to run from the installed plugins. Unknown plugin or check
 * names are errors, so a typo never silently runs nothing.
 */
export function selectChecks(plugins: readonly PluginSource[], selection: Selection): SelectionResult {
  const names = new Set(plugins.map((plugin) => plugin.name));
  for (const name of selection.plugins ?? []) {
    if (!names.has(name)) {
      throw new SelectionError("UNKNOWN_PLUGIN", `Plugin "${name}" is not installed. Installed: ${[...names].join(", ") || "none"}. Install it with "checks plugins install ${name}".`);
    }
  }
  const allIds = plugins.flatMap((plugin) => plugin.manifest.checks.flatMap((check) => [check.id, qualifiedId(plugin, check)]));
  for (const id of [...(selection.checks ?? []), ...(selection.skipChecks ?? [])]) {
    if (!allIds.includes(id)) {
      throw new SelectionError("UNKNOWN_CHECK", `No installed plugin has a check "${id}". Run "checks plugins list" to see the check ids.`);
    }
  }

  const tags = selection.tags ? parseTagExpression(selection.tags) : undefined;
  const levels = levelsFrom(selection.minLevel);
  const selected: SelectedCheck[] = [];
  const skipped: SelectionResult["skipped"] = [];

  for (const plugin of plugins) {
    for (const check of plugin.manifest.checks) {
      const id = qualifiedId(plugin, check);
      const reason =
        selection.plugins?.length && !selection.plugins.includes(plugin.name)
          ? "plugin not selected"
          : selection.checks?.length && !matchesId(selection.checks, plugin, check)
            ? "check not selected"
            : selection.skipChecks && matchesId(selection.skipChecks, plugin, check)
              ? "skipped by --skip-check"
              : !levels.includes(check.level)
                ? `level ${check.level} is below ${selection.minLevel}`
                : tags && !matchesTags(tags, check.tags)
                  ? `tags [${check.tags.join(", ")}] do not match "${selection.tags}"`
                  : undefined;
      if (reason) skipped.push({ id, reason });
      else selected.push({ plugin, check });
    }
  }
  return { selected, skipped };
}
