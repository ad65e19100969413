/**
 * Debian package version ordering, as dpkg implements it (`dpkg --compare-versions`,
 * deb-version(7)): `[epoch:]upstream[-revision]`, compared part by part. Within
 * upstream and revision, non-digit runs compare character by character with
 * letters before other characters and `~` before everything, even the end of
 * the string. Digit runs compare as numbers.
 */

interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

export function parseDpkgVersion(version: string): DebianVersion {
  const trimmed = version.trim();
  const colon = trimmed.indexOf(":");
  const epochText = colon > 0 ? trimmed.slice(0, colon) : "";
  const epoch = /^\d+$/.test(epochText) ? Number(epochText) : 0;
  const rest = colon > 0 && epochText !== "" ? trimmed.slice(colon + 1) : trimmed;
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, upstream: rest, revision: "" };
  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/** Weight of one character in a non-digit run; 0 is the end of the run. */
function order(char: string | undefined): number {
  if (char === undefined || isDigit(char)) return 0;
  if (char === "~") return -1;
  const code = char.charCodeAt(0);
  if (isLetter(char)) return code;
  return code + 256;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= "0" && char <= "9";
}

function isLetter(char: string): boolean {
  return (char >= "a" && char <= "z") || (char >= "A" && char <= "Z");
}

function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const difference = order(a[i]) - order(b[j]);
      if (difference !== 0) return Math.sign(difference);
      i++;
      j++;
    }

    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let firstDifference = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDifference === 0) firstDifference = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDifference !== 0) return Math.sign(firstDifference);
  }
  return 0;
}

/** Compares two Debian versions; returns -1, 0 or 1. */
export function compareDpkgVersions(a: string, b: string): number {
  const left = parseDpkgVersion(a);
  const right = parseDpkgVersion(b);
  if (left.epoch !== right.epoch) return left.epoch < right.epoch ? -1 : 1;
  return compareFragment(left.upstream, right.upstream) || compareFragment(left.revision, right.revision);
}
