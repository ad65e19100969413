/** Compares two strings by UTF-16 code units; returns -1, 0 or 1. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
