import { normalizePath, resolveLinkTarget } from "@checks/sdk";

/** Symlink hops before a path counts as a loop; the SDK's view uses the same number. */
const MAX_SYMLINK_HOPS = 40;

export interface PathLookup {
  lookup(path: string): { type: string; linkTarget?: string } | undefined;
}

export type ResolveResult = { ok: true; path: string } | { ok: false; path: string };

/**
 * Resolves every symlink in `path` inside the image root, component by
 * component, visiting the same records in the same order as the SDK's view.
 * The filter depends on that order to keep exactly what the view will look up.
 */
export function resolvePath(fs: PathLookup, path: string, followLast: boolean): ResolveResult {
  let pending = normalizePath(path).split("/").filter(Boolean);
  let resolved = "";
  let hops = 0;

  while (pending.length > 0) {
    const name = pending.shift()!;
    const candidate = resolved + "/" + name;
    const entry = fs.lookup(candidate);
    const isLast = pending.length === 0;

    if (!entry) return { ok: false, path: normalizePath(candidate + "/" + pending.join("/")) };
    if (entry.type !== "symlink" || (isLast && !followLast)) {
      resolved = candidate;
      continue;
    }

    hops++;
    if (hops > MAX_SYMLINK_HOPS) return { ok: false, path: normalizePath(path) };
    const target = resolveLinkTarget(candidate, entry.linkTarget ?? "");
    pending = [...target.split("/").filter(Boolean), ...pending];
    resolved = "";
  }
  return { ok: true, path: resolved === "" ? "/" : resolved };
}
