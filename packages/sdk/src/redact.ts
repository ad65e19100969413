/**
 * Redacts a secret for use as finding evidence: keeps at most the first four
 * characters, so a reader can tell which key it was, and replaces the rest.
 * Secrets shorter than 12 characters keep nothing.
 */
export function redact(secret: string): string {
  const kept = secret.length >= 12 ? secret.slice(0, 4) : "";
  return `${kept}${"*".repeat(8)} (${secret.length} chars)`;
}

/** Replaces every match of `pattern` in `line` with its redacted form; `pattern` must be global. */
export function redactMatches(line: string, pattern: RegExp): string {
  if (!pattern.global) throw new TypeError("redactMatches needs a global regular expression (flag g).");
  return line.replace(pattern, (match) => redact(match));
}
