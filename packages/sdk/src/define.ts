import type { AnyCheck, Check, CheckDefinition, MessageTable, OptionsSchema, Plugin, PluginDefinition } from "./check.js";
import { GlobSyntaxError, compileGlob } from "./glob.js";
import { CAPABILITIES, LEVELS, SEVERITIES } from "./levels.js";
import type { Severity } from "./levels.js";

export const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Largest per-file read a check may declare. */
export const MAX_DECLARED_BYTES = 64 * 1024 * 1024;

export const CHECK_ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const MESSAGE_ID_PATTERN = /^[a-z][A-Za-z0-9]*$/;
export const TAG_PATTERN = /^[a-z][a-z0-9-]*$/;

export class DefinitionError extends Error {
  readonly code = "INVALID_DEFINITION";
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`${subject} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "DefinitionError";
  }
}

/**
 * Defines a check. Message ids, placeholders and options are inferred from the
 * definition, so `report` only accepts ids from `messages` with their data.
 * Throws a DefinitionError listing every invalid field.
 */
export function defineCheck<const M extends MessageTable, S extends OptionsSchema | undefined = undefined>(
  definition: CheckDefinition<M, S>,
): Check<M, S> {
  const problems = checkDefinitionProblems(definition as unknown as CheckDefinition<MessageTable, OptionsSchema | undefined>);
  if (problems.length > 0) throw new DefinitionError(`Check "${String(definition.id)}"`, problems);

  const paths = [...(definition.needs.paths ?? [])];
  const content = definition.needs.content === true ? paths : definition.needs.content ? [...definition.needs.content] : [];
  return Object.freeze({
    ...definition,
    kind: "check" as const,
    tags: Object.freeze([...definition.tags]),
    needs: Object.freeze({
      paths: Object.freeze(paths),
      content: Object.freeze(content),
      maxBytes: definition.needs.maxBytes ?? DEFAULT_MAX_BYTES,
      capabilities: Object.freeze([...(definition.needs.capabilities ?? [])]),
    }),
  });
}

/** Defines a plugin from its checks. Throws a DefinitionError for duplicate check ids. */
export function definePlugin(definition: PluginDefinition): Plugin {
  const problems: string[] = [];
  if (!Array.isArray(definition.checks) || definition.checks.length === 0) {
    problems.push("checks: a plugin needs at least one check created with defineCheck");
  }
  const seen = new Set<string>();
  for (const [index, check] of (definition.checks ?? []).entries()) {
    if ((check as AnyCheck)?.kind !== "check") {
      problems.push(`checks[${index}]: not a check; create it with defineCheck`);
      continue;
    }
    if (seen.has(check.id)) problems.push(`checks[${index}].id: "${check.id}" is used by an earlier check; ids must be unique`);
    seen.add(check.id);
  }
  if (problems.length > 0) throw new DefinitionError("Plugin", problems);
  return Object.freeze({ kind: "plugin" as const, checks: Object.freeze([...definition.checks]) });
}

function checkDefinitionProblems(definition: CheckDefinition<MessageTable, OptionsSchema | undefined>): string[] {
  const problems: string[] = [];
  const { id, title, level, tags, messages, needs, run } = definition;

  if (typeof id !== "string" || !CHECK_ID_PATTERN.test(id)) {
    problems.push(`id: received ${JSON.stringify(id)}; use kebab-case such as "setuid-files"`);
  }
  if (typeof title !== "string" || title.trim() === "") problems.push("title: missing; give a short title");
  if (!LEVELS.includes(level)) problems.push(`level: received ${JSON.stringify(level)}; allowed: ${LEVELS.join(", ")}`);
  if (!Array.isArray(tags)) problems.push("tags: must be an array of strings");
  else {
    for (const tag of tags) {
      if (typeof tag !== "string" || !TAG_PATTERN.test(tag)) {
        problems.push(`tags: received ${JSON.stringify(tag)}; use lower-case words such as "security"`);
      }
    }
  }
  if (typeof run !== "function") problems.push("run: missing; give the function that performs the check");

  const messageIds = messages && typeof messages === "object" ? Object.keys(messages) : [];
  if (messageIds.length === 0) problems.push("messages: needs at least one message");
  for (const messageId of messageIds) {
    const spec = messages[messageId];
    if (!MESSAGE_ID_PATTERN.test(messageId)) {
      problems.push(`messages.${messageId}: message ids are camelCase such as "unexpectedSetuid"`);
    }
    if (typeof spec?.text !== "string" || spec.text === "") problems.push(`messages.${messageId}.text: missing`);
    if (!SEVERITIES.includes(spec?.severity as Severity)) {
      problems.push(`messages.${messageId}.severity: received ${JSON.stringify(spec?.severity)}; allowed: ${SEVERITIES.join(", ")}`);
    }
  }

  if (!needs || typeof needs !== "object") {
    problems.push("needs: missing; declare the paths and capabilities the check reads (may be empty)");
    return problems;
  }
  const globs = [...(needs.paths ?? []), ...(Array.isArray(needs.content) ? needs.content : [])];
  for (const glob of globs) {
    try {
      compileGlob(glob);
    } catch (error) {
      if (error instanceof GlobSyntaxError) problems.push(`needs.paths: ${error.message}`);
      else throw error;
    }
  }
  if (needs.maxBytes !== undefined && (!Number.isInteger(needs.maxBytes) || needs.maxBytes < 1 || needs.maxBytes > MAX_DECLARED_BYTES)) {
    problems.push(`needs.maxBytes: received ${needs.maxBytes}; allowed: a whole number from 1 to ${MAX_DECLARED_BYTES}`);
  }
  for (const capability of needs.capabilities ?? []) {
    if (!CAPABILITIES.includes(capability)) {
      problems.push(`needs.capabilities: received ${JSON.stringify(capability)}; allowed: ${CAPABILITIES.join(", ")}`);
    }
  }
  return problems;
}
