import { findCredentials } from "./credential-formats.js";
import { findPrivateKeys } from "./private-key-text.js";
import { dedupeMatches, findSecretAssignments, findTokens, looksBinary } from "./tokens.js";

export interface FileSecret {
  readonly kind: string;
  readonly line: number;
  /** Redact before reporting; undefined for private keys, whose header is evidence enough. */
  readonly value?: string;
  /** Printable evidence without the secret, for private keys. */
  readonly header?: string;
  readonly encrypted?: boolean;
}

/** Returns true for dotenv-style files, where any secret-named assignment counts. */
export function isEnvFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name === ".env" || name.startsWith(".env.") || name.endsWith(".env");
}

/**
 * Finds every secret in one file's bytes: private keys, credentials of a known
 * file format, token shapes, and in .env files secret-named assignments. Binary
 * files yield nothing.
 */
export function scanFile(path: string, bytes: Uint8Array): FileSecret[] {
  if (looksBinary(bytes)) return [];
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);

  const keys: FileSecret[] = findPrivateKeys(text).map((key) => ({ kind: key.kind, line: key.line, header: key.header, encrypted: key.encrypted }));
  const credentials = findCredentials(path, text) ?? [];
  const tokens = findTokens(text);
  const assignments = isEnvFile(path) ? findSecretAssignments(text) : [];
  return [...keys, ...dedupeMatches([...credentials, ...tokens, ...assignments])];
}
