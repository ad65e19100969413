import { isIntegrityHash, isPlaceholder } from "./placeholders.js";

/** A secret found in text. `value` is the secret itself: pass it through `redact` before it leaves the check. */
export interface SecretMatch {
  readonly kind: string;
  readonly value: string;
  /** Line number in the text, from 1. */
  readonly line: number;
}

interface TokenRule {
  readonly kind: string;
  /** Global pattern; group 1, when present, is the secret, otherwise the whole match. */
  readonly pattern: RegExp;
}

/** Token shapes documented by their issuers, with fixed prefixes that keep false positives rare. */
const TOKEN_RULES: readonly TokenRule[] = [
  { kind: "AWS access key id", pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/g },
  {
    kind: "AWS secret access key",
    pattern: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { kind: "GitHub token", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255})\b/g },
  { kind: "GitHub fine-grained token", pattern: /\b(github_pat_[A-Za-z0-9_]{60,255})\b/g },
  { kind: "GitLab token", pattern: /\b((?:glpat|gldt|glrt|glptt|glsoat)-[A-Za-z0-9_-]{20,})/g },
  { kind: "Slack token", pattern: /\b(xox[abposr]-[A-Za-z0-9-]{10,})/g },
  { kind: "Slack webhook", pattern: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/g },
  { kind: "npm token", pattern: /\b(npm_[A-Za-z0-9]{36})\b/g },
  { kind: "PyPI token", pattern: /\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})/g },
  { kind: "Stripe live key", pattern: /\b((?:sk|rk)_live_[A-Za-z0-9]{24,})\b/g },
  { kind: "Google API key", pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g },
  // The scheme length is bounded so a long run of word characters cannot make the match quadratic.
  { kind: "password in URL", pattern: /\b[a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@'"]+:([^\s@/'"]+)@[^\s/'"]/gi },
];

/** Variable names that name a secret: the name ends in PASSWORD, TOKEN, SECRET, API_KEY and the like. */
export const SECRET_NAME =
  /(?:^|[_.-])(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_?KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH)$/i;

/** Returns true for a variable name that names a secret (`DB_PASSWORD`), but not for one that points at it (`DB_PASSWORD_FILE`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/;

/** Finds token-shaped secrets in text, skipping placeholders. */
export function findTokens(text: string): SecretMatch[] {
  const matches: SecretMatch[] = [];
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    // Lines of bare base64 are bodies of certificates and keys, where a token shape occurs by chance.
    // A token alone on a line never looks like that: each shape has "_", "-" or ":", or is shorter than 40.
    if (BASE64_LINE.test(line.trim())) return;
    for (const rule of TOKEN_RULES) {
      rule.pattern.lastIndex = 0;
      for (const match of line.matchAll(rule.pattern)) {
        const value = match[1] ?? match[0];
        if (isPlaceholder(value)) continue;
        matches.push({ kind: rule.kind, value, line: index + 1 });
      }
    }
  });
  return matches;
}

/**
 * Finds `NAME=value` assignments whose name names a secret and whose value is a
 * literal, as in .env files, `export` lines and build arguments in history.
 */
export function findSecretAssignments(text: string): SecretMatch[] {
  const matches: SecretMatch[] = [];
  const assignment = /(?:^|[\s;|&])(?:export\s+|ENV\s+|ARG\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s;|&]+)/g;
  text.split("\n").forEach((line, index) => {
    for (const match of line.matchAll(assignment)) {
      const name = match[1]!;
      const value = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
      if (!isSecretName(name) || isPlaceholder(value) || isIntegrityHash(value)) continue;
      matches.push({ kind: `value of ${name}`, value, line: index + 1 });
    }
  });
  return matches;
}

/** Keeps one match per line and value: a later match inside an earlier one (or the reverse) on the same line is dropped. */
export function dedupeMatches(matches: readonly SecretMatch[]): SecretMatch[] {
  const kept: SecretMatch[] = [];
  const keptByLine = new Map<number, SecretMatch[]>();
  for (const match of matches) {
    const sameLine = keptByLine.get(match.line) ?? [];
    if (sameLine.some((other) => other.value.includes(match.value) || match.value.includes(other.value))) continue;
    sameLine.push(match);
    keptByLine.set(match.line, sameLine);
    kept.push(match);
  }
  return kept;
}

/** Finds both token shapes and secret-named assignments, reporting each value once. */
export function findSecrets(text: string): SecretMatch[] {
  return dedupeMatches([...findTokens(text), ...findSecretAssignments(text)]);
}

/** Returns true when the bytes look binary (a NUL byte in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length, 8192);
  for (let i = 0; i < limit; i++) if (bytes[i] === 0) return true;
  return false;
}
