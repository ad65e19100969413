import { compare as comparePep440, valid } from "@renovatebot/pep440";
import { compareText } from "./text.js";

/**
 * Compares two Python package versions by PEP 440 (epochs, pre-, post- and
 * development releases, local versions). Versions PEP 440 rejects compare as
 * plain strings, after every valid version.
 */
export function comparePythonVersions(a: string, b: string): number {
  const validA = valid(a) !== null;
  const validB = valid(b) !== null;
  if (validA && validB) return Math.sign(comparePep440(a, b));
  if (validA !== validB) return validA ? -1 : 1;
  return compareText(a, b);
}
