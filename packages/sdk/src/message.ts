import type { PlaceholderValue } from "./check.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Returns the placeholder names of a template, in order of first appearance. */
export function placeholdersOf(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}

/** Fills `{{name}}` placeholders from `data`; a missing value is left as the placeholder text. */
export function renderMessage(template: string, data: Readonly<Record<string, PlaceholderValue>> | undefined): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = data?.[name];
    return value === undefined ? whole : String(value);
  });
}
