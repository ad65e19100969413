import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { MarketplaceError } from "./errors.js";

const SetReferenceSchema = z.strictObject({
  /** Origin of the set: its package spec or file path, fetched again by `update`. */
  source: z.string(),
  name: z.string(),
  version: z.string(),
  keyId: z.string(),
});

export const LockEntrySchema = z.strictObject({
  version: z.string(),
  /** SRI of the tarball, as the registry or the signed set listed it. */
  integrity: z.string(),
  /** Tarball URL the package was downloaded from. */
  resolved: z.string(),
  /** Version range or tag the user requested; `update` resolves it again. */
  requested: z.string(),
  /** The signed set this version came from; `update` follows the set instead of the range. */
  set: SetReferenceSchema.optional(),
  /** SRI of every installed file, by path relative to the plugin folder. */
  files: z.record(z.string(), z.string()),
  installedAt: z.string(),
});

export const LockfileSchema = z.strictObject({
  lockfileVersion: z.literal(1),
  plugins: z.record(z.string(), LockEntrySchema),
});

export type LockEntry = z.output<typeof LockEntrySchema>;
export type Lockfile = z.output<typeof LockfileSchema>;
export type SetReference = z.output<typeof SetReferenceSchema>;

/** Reads a lockfile; a missing file is an empty lockfile. */
export async function readLockfile(path: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lockfileVersion: 1, plugins: {} };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MarketplaceError("INVALID_LOCKFILE", `The lockfile ${path} is not valid JSON; restore it from a backup, or delete it and install the plugins again.`, { cause: error });
  }
  const parsed = LockfileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new MarketplaceError("INVALID_LOCKFILE", `The lockfile ${path} is invalid at ${first?.path.join(".") || "the top level"}: ${first?.message ?? "bad shape"}; restore it, or delete it and install the plugins again.`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Writes a lockfile atomically: a reader sees the old or the new content, never a mix. */
export async function writeLockfile(path: string, lockfile: Lockfile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const sorted: Lockfile = { lockfileVersion: 1, plugins: Object.fromEntries(Object.entries(lockfile.plugins).sort(([left], [right]) => left.localeCompare(right))) };
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(sorted, null, 2) + "\n");
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}
