/**
 * RPM version ordering: rpmvercmp from rpm 4.x (`rpm --eval '%{lua: print(rpm.vercmp(a, b))}'`)
 * applied to `[epoch:]version[-release]`. Alphanumeric segments compare as
 * numbers when numeric, and a numeric segment is newer than an alphabetic one.
 * `~` sorts before everything including the end, `^` after the end but before
 * any further segment.
 */

interface Evr {
  epoch: number;
  version: string;
  release?: string;
}

export function parseEvr(evr: string): Evr {
  const trimmed = evr.trim();
  const colon = trimmed.indexOf(":");
  const epochText = colon > 0 ? trimmed.slice(0, colon) : "";
  const epoch = /^\d+$/.test(epochText) ? Number(epochText) : 0;
  const rest = epochText !== "" ? trimmed.slice(colon + 1) : trimmed;
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, version: rest };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= "0" && char <= "9";
const isAlpha = (char: string | undefined): boolean =>
  char !== undefined && ((char >= "a" && char <= "z") || (char >= "A" && char <= "Z"));
const isAlnum = (char: string | undefined): boolean => isDigit(char) || isAlpha(char);

/** rpmvercmp: compares two version (or release) strings; returns -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;

  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== "~" && a[i] !== "^") i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== "~" && b[j] !== "^") j++;

    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }

    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }

    if (i >= a.length || j >= b.length) break;

    const numeric = isDigit(a[i]);
    const matches = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && matches(a[i])) i++;
    while (j < b.length && matches(b[j])) j++;
    let segmentA = a.slice(startA, i);
    let segmentB = b.slice(startB, j);

    // Segments of different kinds: a numeric segment is newer than an alphabetic one.
    if (segmentB === "") return numeric ? 1 : -1;

    if (numeric) {
      segmentA = segmentA.replace(/^0+/, "");
      segmentB = segmentB.replace(/^0+/, "");
      if (segmentA.length !== segmentB.length) return segmentA.length > segmentB.length ? 1 : -1;
    }
    if (segmentA !== segmentB) return segmentA < segmentB ? -1 : 1;
  }

  const restA = i < a.length;
  const restB = j < b.length;
  if (!restA && !restB) return 0;
  return restA ? 1 : -1;
}

/** Compares two `[epoch:]version[-release]` strings. A missing release matches any release. */
export function compareRpmVersions(a: string, b: string): number {
  const left = parseEvr(a);
  const right = parseEvr(b);
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;
  const byVersion = rpmvercmp(left.version, right.version);
  if (byVersion !== 0) return byVersion;
  if (left.release === undefined || right.release === undefined) return 0;
  return rpmvercmp(left.release, right.release);
}
