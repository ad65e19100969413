import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { RegistryError } from "./control.js";
import type { RegistryOptions } from "./config.js";

/** A site's registry settings file (`<config>/registry.json`); `checks registry start` flags override each key. */
export const RegistrySettingsSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.int().min(0).max(65535).optional(),
  storage: z.string().min(1).optional(),
  scopes: z.array(z.string().regex(/^@[a-z0-9][a-z0-9-._]*$/, 'must be "@" and a lower-case npm scope name such as "@site"')).optional(),
  uplinks: z.record(z.string().regex(/^[a-z0-9][a-z0-9-_]*$/, "must be a lower-case name"), z.strictObject({ url: z.url({ protocol: /^https?$/ }) })).optional(),
  publishers: z.array(z.string().min(1)).optional(),
  maxUsers: z.int().min(-1).optional(),
});

export type RegistrySettings = z.output<typeof RegistrySettingsSchema>;

/** Reads the registry settings file; a missing file means no settings. A relative `storage` is resolved against the file's folder. */
export async function readRegistrySettings(file: string): Promise<RegistrySettings> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RegistryError("INVALID_SETTINGS", `The registry settings file ${file} is not valid JSON: ${(error as Error).message}.`, { cause: error });
  }
  const parsed = RegistrySettingsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "(top level)"}: ${issue.message}`).join("\n");
    throw new RegistryError("INVALID_SETTINGS", `The registry settings file ${file} is invalid:\n${problems}`, { cause: parsed.error });
  }
  const settings = parsed.data;
  if (settings.storage !== undefined) settings.storage = resolve(dirname(file), settings.storage);
  return settings;
}

/** Returns the options for `dir` from the settings, with every defined override applied on top. */
export function registryOptionsFrom(dir: string, settings: RegistrySettings, overrides: Partial<RegistryOptions> = {}): RegistryOptions {
  const options: RegistryOptions = { dir, ...settings };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  return options;
}
