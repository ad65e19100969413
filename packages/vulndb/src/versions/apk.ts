/**
 * Alpine package version ordering, following apk-tools' version.c
 * (`apk version -t A B`): `digits{.digits}[letter]{_suffix[n]}[~hash][-rN]`.
 * Pre-release suffixes (`_alpha`, `_beta`, `_pre`, `_rc`) sort before the bare
 * version, post-release ones (`_cvs`, `_svn`, `_git`, `_hg`, `_p`) after it. When
 * one version has more parts, the longer one is newer unless the extra part is a
 * pre-release suffix or a letter in the position where the other has a number.
 */

import { compareText } from "./text.js";

const SUFFIXES: Record<string, number> = { alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5 };

/** Token kinds in apk-tools' order: when kinds differ at the same position, the smaller kind is newer. */
const enum Kind {
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  Hash = 5,
  Revision = 6,
  End = 7,
}

interface Token {
  kind: Kind;
  text: string;
  /** True for the first numeric part, which always compares as an integer. */
  leading?: boolean;
}

const PATTERN = /^(\d+(?:\.\d+)*)([a-z])?((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(~[0-9a-f]+)?(-r\d+)?$/;

function tokenize(version: string): Token[] | undefined {
  const match = PATTERN.exec(version.trim());
  if (!match) return undefined;
  const [, numbers = "", letter, suffixes = "", hash, revision] = match;
  const tokens: Token[] = numbers.split(".").map((text, index) => ({ kind: Kind.Digit, text, leading: index === 0 }));
  if (letter) tokens.push({ kind: Kind.Letter, text: letter });
  for (const suffix of suffixes.split("_").slice(1)) {
    const [, name = "", number = ""] = /^([a-z]+)(\d*)$/.exec(suffix) ?? [];
    tokens.push({ kind: Kind.Suffix, text: name });
    if (number !== "") tokens.push({ kind: Kind.SuffixNumber, text: number });
  }
  if (hash) tokens.push({ kind: Kind.Hash, text: hash.slice(1) });
  if (revision) tokens.push({ kind: Kind.Revision, text: revision.slice(2) });
  tokens.push({ kind: Kind.End, text: "" });
  return tokens;
}

function compareIntegers(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function compareSameKind(a: Token, b: Token): number {
  switch (a.kind) {
    case Kind.Digit:
      // Later numeric parts with a leading zero compare as decimal fractions (1.02 < 1.1).
      if (!a.leading && (a.text.startsWith("0") || b.text.startsWith("0"))) {
        return compareText(a.text, b.text);
      }
      return compareIntegers(a.text, b.text);
    case Kind.Suffix:
      return Math.sign((SUFFIXES[a.text] ?? 0) - (SUFFIXES[b.text] ?? 0));
    case Kind.SuffixNumber:
    case Kind.Revision:
      return compareIntegers(a.text, b.text);
    case Kind.Letter:
    case Kind.Hash:
      return compareText(a.text, b.text);
    case Kind.End:
      return 0;
  }
}

/** Compares two Alpine versions; returns -1, 0 or 1. Versions apk would reject compare as plain strings. */
export function compareApkVersions(a: string, b: string): number {
  const left = tokenize(a);
  const right = tokenize(b);
  if (!left || !right) return compareText(a, b);

  for (let index = 0; ; index++) {
    const x = left[index]!;
    const y = right[index]!;
    if (x.kind !== y.kind) {
      if (x.kind === Kind.Suffix && (SUFFIXES[x.text] ?? 0) < 0) return -1;
      if (y.kind === Kind.Suffix && (SUFFIXES[y.text] ?? 0) < 0) return 1;
      return x.kind < y.kind ? 1 : -1;
    }
    if (x.kind === Kind.End) return 0;
    const result = compareSameKind(x, y);
    if (result !== 0) return result;
  }
}
