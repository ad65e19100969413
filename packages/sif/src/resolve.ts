/** Maximum symlinks followed while resolving one path, as Linux's MAXSYMLINKS. */
const MAX_SYMLINK_HOPS = 40;

interface LinkEntry {
  type: string;
  linkTarget?: string;
}

/**
 * Resolves `path` against the image's entries, following symlinks inside the
 * image root only: `..` at the root stays at the root and absolute targets
 * restart from the image root. Returns undefined for a missing path or a loop.
 */
export function resolveInImage(entries: ReadonlyMap<string, LinkEntry>, path: string): string | undefined {
  let pending = splitPath(path);
  const resolved: string[] = [];
  let hops = 0;

  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const candidate = "/" + [...resolved, part].join("/");
    const entry = entries.get(candidate);
    if (!entry) return undefined;
    if (entry.type !== "symlink") {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return undefined;
    const target = entry.linkTarget ?? "";
    if (target.startsWith("/")) resolved.length = 0;
    pending = [...splitPath(target), ...pending];
  }
  return "/" + resolved.join("/");
}

/** Orders paths by UTF-16 code units, the order of `Array.prototype.sort` without a comparator. */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}
