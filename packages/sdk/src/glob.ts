/**
 * Path globs as checks declare them. A pattern is absolute (`/etc/passwd`,
 * `/home/*\/.ssh/**`) or starts with `**` to match at any depth
 * (`**\/.git/config`). `*` and `?` never cross a `/`, `**` as a whole segment
 * matches zero or more segments, `{a,b}` is alternation and `[...]` a class.
 * Dot files are matched like any other name, because hidden files are exactly
 * what security checks look for.
 */

const MAX_PATTERN_LENGTH = 4096;

export class GlobSyntaxError extends Error {
  readonly code = "GLOB_SYNTAX";
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`Invalid path glob "${pattern}": ${reason}.`);
    this.name = "GlobSyntaxError";
  }
}

/** Throws a GlobSyntaxError when the pattern cannot be compiled; returns nothing otherwise. */
export function assertValidGlob(pattern: string): void {
  compileGlob(pattern);
}

const cache = new Map<string, RegExp>();

/** Compiles a glob into an anchored regular expression; results are cached. */
export function compileGlob(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;

  if (pattern.length === 0) throw new GlobSyntaxError(pattern, "the pattern is empty");
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new GlobSyntaxError(pattern.slice(0, 40) + "...", `longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  if (!pattern.startsWith("/") && !pattern.startsWith("**")) {
    throw new GlobSyntaxError(pattern, 'a pattern must be absolute ("/etc/passwd") or start with "**"');
  }

  const body = pattern.startsWith("**") ? "/" + pattern : pattern;
  const regex = new RegExp("^" + translate(body, pattern) + "$", "s");
  cache.set(pattern, regex);
  return regex;
}

function translate(body: string, pattern: string): string {
  let out = "";
  let braceDepth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;

    if (c === "/" && body.startsWith("/**", i) && (i + 3 === body.length || body[i + 3] === "/")) {
      // "/**" as a whole segment: zero or more segments.
      out += "(?:/.*)?";
      i += 2;
      continue;
    }
    if (c === "*") {
      if (body[i + 1] === "*") throw new GlobSyntaxError(pattern, '"**" must be a whole path segment');
      out += "[^/]*";
      continue;
    }
    if (c === "?") {
      out += "[^/]";
      continue;
    }
    if (c === "[") {
      const end = body.indexOf("]", i + 2);
      if (end === -1) throw new GlobSyntaxError(pattern, 'a "[" has no closing "]"');
      let cls = body.slice(i + 1, end);
      if (cls.includes("/")) throw new GlobSyntaxError(pattern, 'a character class cannot contain "/"');
      if (cls.startsWith("!")) cls = "^" + cls.slice(1);
      out += "[" + cls.replace(/\\/g, "\\\\") + "]";
      i = end;
      continue;
    }
    if (c === "{") {
      braceDepth++;
      out += "(?:";
      continue;
    }
    if (c === "}" && braceDepth > 0) {
      braceDepth--;
      out += ")";
      continue;
    }
    if (c === "," && braceDepth > 0) {
      out += "|";
      continue;
    }
    out += c.replace(/[.+^$()|\\{}\]]/g, "\\$&");
  }
  if (braceDepth !== 0) throw new GlobSyntaxError(pattern, 'a "{" has no closing "}"');
  return out;
}

/** Returns true when `path` (absolute, normalized) matches the glob. */
export function matchGlob(pattern: string, path: string): boolean {
  return compileGlob(pattern).test(path);
}

/** Returns true when `path` matches any of the globs. */
export function matchAny(patterns: readonly string[], path: string): boolean {
  for (const pattern of patterns) if (compileGlob(pattern).test(path)) return true;
  return false;
}
