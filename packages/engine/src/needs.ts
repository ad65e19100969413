import type { SelectedCheck } from "./selection.js";

export interface ContentNeed {
  glob: string;
  maxBytes: number;
}

export interface ReadPlan {
  content: ContentNeed[];
  rawLayers: boolean;
  packages: boolean;
  advisories: boolean;
}

/** Paths every scan reads, because os-release is always part of the view. */
export const BASE_CONTENT_NEEDS: ContentNeed[] = [
  { glob: "/etc/os-release", maxBytes: 64 * 1024 },
  { glob: "/usr/lib/os-release", maxBytes: 64 * 1024 },
];

/**
 * Unions what the selected checks declared into one read plan, so each layer
 * is read once whatever the number of checks. A glob declared by several
 * checks appears once, with the largest cap.
 */
export function planRead(selected: readonly SelectedCheck[], inventoryNeeds: readonly ContentNeed[]): ReadPlan {
  const caps = new Map<string, number>();
  const add = (glob: string, maxBytes: number) => caps.set(glob, Math.max(caps.get(glob) ?? 0, maxBytes));

  let rawLayers = false;
  let packages = false;
  let advisories = false;
  for (const { check } of selected) {
    let content: readonly string[] = [];
    if (check.needs.content === true) content = check.needs.paths;
    else if (Array.isArray(check.needs.content)) content = check.needs.content;
    for (const glob of content) add(glob, check.needs.maxBytes);
    rawLayers ||= check.needs.capabilities.includes("layers");
    packages ||= check.needs.capabilities.includes("packages");
    advisories ||= check.needs.capabilities.includes("advisories");
  }
  for (const need of BASE_CONTENT_NEEDS) add(need.glob, need.maxBytes);
  if (packages || advisories) for (const need of inventoryNeeds) add(need.glob, need.maxBytes);

  return { content: [...caps].map(([glob, maxBytes]) => ({ glob, maxBytes })), rawLayers, packages, advisories };
}
