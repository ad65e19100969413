/**
 * Path handling inside an image. Every path is absolute and normalized; `..`
 * at the root stays at the root, so no path can name anything above it.
 */

export const MAX_SYMLINK_HOPS = 40;

/** Normalizes an absolute image path: collapses `//`, resolves `.` and `..`, drops a trailing `/`. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/** Returns the parent folder of a normalized path; the root is its own parent. */
export function parentPath(path: string): string {
  const at = path.lastIndexOf("/");
  return at <= 0 ? "/" : path.slice(0, at);
}

/** Resolves a symlink target relative to the folder that contains the link, inside the image root. */
export function resolveLinkTarget(linkPath: string, target: string): string {
  if (target.startsWith("/")) return normalizePath(target);
  return normalizePath(parentPath(linkPath) + "/" + target);
}

export interface PathLookup {
  lookup(path: string): { type: string; linkTarget?: string } | undefined;
}

export type ResolveResult =
  | { ok: true; path: string }
  | { ok: false; reason: "loop" | "missing"; path: string };

/**
 * Resolves every symlink in `path`, component by component, inside the image
 * root. With `followLast` false the final component is left as it is (lstat).
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

    if (!entry) {
      return { ok: false, reason: "missing", path: normalizePath(candidate + "/" + pending.join("/")) };
    }
    if (entry.type !== "symlink" || (isLast && !followLast)) {
      resolved = candidate;
      continue;
    }

    hops++;
    if (hops > MAX_SYMLINK_HOPS) return { ok: false, reason: "loop", path: normalizePath(path) };
    const target = resolveLinkTarget(candidate, entry.linkTarget ?? "");
    pending = [...target.split("/").filter(Boolean), ...pending];
    resolved = "";
  }
  return { ok: true, path: resolved === "" ? "/" : resolved };
}
