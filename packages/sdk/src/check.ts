import type { z } from "zod";
import type { Capability, Level, Severity } from "./levels.js";
import type { ImageView } from "./view.js";

/** One entry of a check's message table. */
export interface MessageSpec {
  /** Template with named placeholders, for example `"{{path}} is setuid root"`. */
  readonly text: string;
  /** Severity a finding with this message gets unless `report` overrides it. */
  readonly severity: Severity;
}

export type MessageTable = Readonly<Record<string, MessageSpec>>;

/** Declaration of the data a check reads. The engine reads only the union of every selected check's needs. */
export interface CheckNeeds {
  /** Globs of paths whose metadata the check can read (walk, stat, lstat, readlink, exists). */
  readonly paths?: readonly string[];
  /** Globs of paths whose content the check reads, or `true` for every path in `paths`. */
  readonly content?: boolean | readonly string[];
  /** Maximum bytes read per file; longer files are truncated. Defaults to 1 MiB. */
  readonly maxBytes?: number;
  readonly capabilities?: readonly Capability[];
}

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;

/** The placeholder names of a message template: `"{{ path }} in {{layer}}"` gives `"path" | "layer"`. */
export type Placeholders<T extends string> = T extends `${string}{{${infer Name}}}${infer Rest}`
  ? Trim<Name> | Placeholders<Rest>
  : never;

export type PlaceholderValue = string | number | boolean;

type DataArgument<T extends string> = [Placeholders<T>] extends [never]
  ? { readonly data?: Readonly<Record<string, PlaceholderValue>> }
  : { readonly data: Readonly<Record<Placeholders<T>, PlaceholderValue>> };

interface FindingLocation {
  /** Absolute path inside the image the finding is about. */
  readonly path?: string;
  /** Index of the layer the finding is about. */
  readonly layer?: number;
  /** Purl or name of the package the finding is about. */
  readonly package?: string;
  /** Overrides the message's default severity. */
  readonly severity?: Severity;
  /** A short excerpt that shows the problem. Pass secrets through `redact` first. */
  readonly evidence?: string;
}

/** Argument of `report`: a message id from the check's table with that message's placeholder data. */
export type FindingInput<M extends MessageTable> = {
  [K in keyof M & string]: { readonly messageId: K } & DataArgument<M[K]["text"]> & FindingLocation;
}[keyof M & string];

/** Options schema of a check: a zod (or zod/mini) schema whose fields all have defaults, since options are optional for users. */
export type OptionsSchema = z.core.$ZodType;

export type OptionsOf<S> = S extends z.core.$ZodType ? z.output<S> : Record<string, never>;

export interface CheckContext<M extends MessageTable, O> {
  readonly image: ImageView;
  readonly options: O;
  /** Records a finding. Findings are data: the host renders the message from the table. */
  report(finding: FindingInput<M>): void;
  /** Records a note shown in verbose output, for example a skipped malformed line. */
  note(text: string): void;
}

export interface CheckDefinition<M extends MessageTable, S extends OptionsSchema | undefined> {
  /** Kebab-case id, unique within the plugin. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly level: Level;
  readonly tags: readonly string[];
  readonly messages: M;
  readonly remediation: string;
  readonly docsUrl?: string;
  readonly needs: CheckNeeds;
  /** Zod schema of the check's options. Every field needs a default, since options are optional for users. */
  readonly options?: S;
  run(context: CheckContext<M, OptionsOf<S>>): void | Promise<void>;
}

/** A check as `defineCheck` returns it, with derived metadata filled in. */
export interface Check<M extends MessageTable = MessageTable, S extends OptionsSchema | undefined = OptionsSchema | undefined>
  extends CheckDefinition<M, S> {
  readonly kind: "check";
  readonly needs: Required<Pick<CheckNeeds, "paths" | "capabilities" | "maxBytes">> & {
    readonly content: readonly string[];
  };
}

// A check with any message table and options, as a plugin lists them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = Check<any, any>;

export interface PluginDefinition {
  readonly checks: readonly AnyCheck[];
}

export interface Plugin extends PluginDefinition {
  readonly kind: "plugin";
}
