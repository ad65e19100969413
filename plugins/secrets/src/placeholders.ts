/**
 * Guards against false positives: values that look like secrets but are
 * documented placeholders, references to other variables, or integrity hashes.
 */

/** AWS's documented example credentials, which appear in countless READMEs and test files. */
const DOCUMENTED_EXAMPLES = new Set(["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"]);

const PLACEHOLDER_WORDS =
  /example|placeholder|changeme|change_me|change-me|replace|dummy|sample|redacted|your[-_ ]?(?:token|key|secret|password|pass)|insert[-_ ]|xxxx|\*\*\*\*|\.\.\./i;

const PLACEHOLDER_VALUES = new Set(["password", "passwd", "secret", "token", "none", "null", "nil", "undefined", "todo", "fixme", "test", "true", "false", "yes", "no", "empty"]);

/** Returns true for `sha512-...` style Subresource Integrity values and `sha256:...` digests. */
export function isIntegrityHash(value: string): boolean {
  return /^sha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}$/.test(value) || /^sha(?:256|512):[0-9a-f]{64,128}$/.test(value);
}

/** Returns true when the value refers to something else: `$VAR`, `${VAR}`, `{{ var }}`, `%(var)s`, `<value>` or a file path. */
export function isReference(value: string): boolean {
  return /^\$\{?[A-Za-z_]/.test(value) || value.includes("${") || value.includes("{{") || value.includes("%(") || /^<.*>$/.test(value) || /^\/[\w.-]+\/[\w./-]*$/.test(value);
}

/** Returns true when a candidate secret is a placeholder, a reference, an integrity hash or too uniform to be a real secret. */
export function isPlaceholder(value: string): boolean {
  const trimmed = value.trim().replace(/^["']|["']$/g, "");
  if (trimmed.length < 4) return true;
  if (DOCUMENTED_EXAMPLES.has(trimmed)) return true;
  if (PLACEHOLDER_VALUES.has(trimmed.toLowerCase())) return true;
  if (PLACEHOLDER_WORDS.test(trimmed)) return true;
  if (isReference(trimmed) || isIntegrityHash(trimmed)) return true;
  if (/^(.)\1+$/.test(trimmed)) return true;
  return /^\d{1,6}$/.test(trimmed);
}
