/**
 * Patterns for credentials typed on a command line or set in a shell file.
 * Shared by the shell history and rc file checks.
 */

export interface CredentialPattern {
  /** Description of the credential for messages, for example "a password on a mysql command line". */
  readonly what: string;
  readonly pattern: RegExp;
}

export const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { what: "a password piped to passwd or chpasswd", pattern: /\|\s*(?:sudo\s+)?(?:passwd\b.*--stdin|chpasswd\b)/ },
  { what: "a password on a mysql command line", pattern: /\bmysql(?:dump|admin)?\b.*\s-p[^\s-]\S*/ },
  { what: "a --password option", pattern: /--(?:password|passwd|http-password|ftp-password)[=\s]+[^\s-]\S*/ },
  { what: "user:password for curl or wget", pattern: /\b(?:curl|wget)\b.*\s(?:-u|--user)\s+[^\s:]+:\S+/ },
  { what: "an sshpass password", pattern: /\bsshpass\s+-p\s*\S+/ },
  { what: "an htpasswd password", pattern: /\bhtpasswd\b.*\s-b\b/ },
  { what: "a docker login password", pattern: /\bdocker\s+login\b.*\s-p\s*\S+/ },
  { what: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@'"]+:[^\s@/'"]+@/i },
  {
    what: "a secret exported in the shell",
    pattern: /\bexport\s+[A-Za-z_][A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY)\s*=\s*["']?[^\s"'$]{4,}/i,
  },
  { what: "a service token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|glpat-[A-Za-z0-9_-]{20}|xox[abposr]-[A-Za-z0-9-]{10,}|npm_[A-Za-z0-9]{36}|(?:AKIA|ASIA)[0-9A-Z]{16})/ },
];

/**
 * Characters of a line that the patterns see. Several patterns have a `.*`
 * between two words, which costs time quadratic in the line length, so a crafted
 * history of very long lines is cut here.
 */
const MAX_LINE_LENGTH = 1000;

export interface CredentialLine {
  readonly line: number;
  readonly what: string;
  readonly text: string;
}

/** Finds lines with a credential, one result per line (the first pattern that matches). */
export function findCredentialLines(text: string): CredentialLine[] {
  const found: CredentialLine[] = [];
  text.split("\n").forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    const head = line.slice(0, MAX_LINE_LENGTH);
    const hit = CREDENTIAL_PATTERNS.find((candidate) => candidate.pattern.test(head));
    if (hit) found.push({ line: index + 1, what: hit.what, text: line });
  });
  return found;
}
