import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { MarketplaceError } from "./errors.js";
import { trustedKeyFrom } from "./sets.js";
import type { TrustedKey } from "./sets.js";

const TrustFileSchema = z.strictObject({
  keys: z.array(
    z.strictObject({
      id: z.string(),
      publicKey: z.string(),
      name: z.string().optional(),
      addedAt: z.string(),
    }),
  ),
});

/** Reads the trusted set keys; a missing file means no key is trusted. */
export async function readTrustedKeys(file: string): Promise<TrustedKey[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  try {
    return TrustFileSchema.parse(JSON.parse(text)).keys;
  } catch (error) {
    throw new MarketplaceError("INVALID_CONFIG", `The trusted keys file ${file} is invalid; fix it, or delete it and add the keys again with "checks trust add".`, { cause: error });
  }
}

async function writeTrustedKeys(file: string, keys: TrustedKey[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify({ keys }, null, 2) + "\n", { mode: 0o644 });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Trusts a public key from PEM text; adding a key that is already trusted only updates its name. */
export async function addTrustedKey(file: string, pem: string, name?: string): Promise<TrustedKey> {
  const entry = trustedKeyFrom(pem, name);
  const keys = await readTrustedKeys(file);
  const existing = keys.find((key) => key.id === entry.id);
  if (existing) {
    if (name !== undefined) existing.name = name;
  } else {
    keys.push(entry);
  }
  await writeTrustedKeys(file, keys);
  return existing ?? entry;
}

/** Stops trusting the key with this id or name; resolves to the removed key, or undefined when none matched. */
export async function removeTrustedKey(file: string, idOrName: string): Promise<TrustedKey | undefined> {
  const keys = await readTrustedKeys(file);
  const index = keys.findIndex((key) => key.id === idOrName || key.name === idOrName);
  if (index === -1) return undefined;
  const [removed] = keys.splice(index, 1);
  await writeTrustedKeys(file, keys);
  return removed;
}
