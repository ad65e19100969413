import { compileGlob, normalizePath, parentPath } from "@checks/sdk";

/** A content glob as checks declare it, with the most bytes any of them may read. */
export interface ContentNeed {
  glob: string;
  maxBytes: number;
}

/**
 * The union of what the selected checks declared, compiled once: one combined
 * regular expression decides whether a path needs content at all, so the cost
 * per entry does not grow with the number of checks.
 */
export class NeedMatcher {
  private readonly any: RegExp | undefined;
  private readonly each: { regex: RegExp; maxBytes: number }[];

  constructor(needs: readonly ContentNeed[]) {
    const byGlob = new Map<string, number>();
    for (const need of needs) {
      if (!(need.maxBytes > 0)) continue;
      byGlob.set(need.glob, Math.max(byGlob.get(need.glob) ?? 0, Math.floor(need.maxBytes)));
    }
    this.each = [...byGlob].map(([glob, maxBytes]) => ({ regex: compileGlob(glob), maxBytes }));
    this.any = this.each.length === 0 ? undefined : new RegExp(this.each.map(({ regex }) => `(?:${regex.source})`).join("|"), "s");
  }

  get empty(): boolean {
    return this.any === undefined;
  }

  /** Bytes of content to keep for `path`: the largest cap among matching needs, 0 when none matches. */
  capFor(path: string): number {
    if (!this.any || !this.any.test(path)) return 0;
    if (this.each.length === 1) return this.each[0]!.maxBytes;
    let cap = 0;
    for (const { regex, maxBytes } of this.each) if (maxBytes > cap && regex.test(path)) cap = maxBytes;
    return cap;
  }
}

/**
 * Symlinks met so far in the pass, by target. A file is then also tested
 * under each name a symlink gives it (`/usr/lib/os-release` as
 * `/etc/os-release`, `/usr/lib/x/libc.so` as `/lib/x/libc.so`), so the first
 * pass collects content that declared paths reach through a link when the
 * link comes first in layer order, as it does in sorted tars. Targets are
 * resolved lexically; what this misses, the targeted second pass reads.
 */
export class LinkAliases {
  private readonly byTarget = new Map<string, string[]>();
  private count = 0;

  constructor(
    private readonly matcher: NeedMatcher,
    private readonly max = 100_000,
  ) {}

  add(linkPath: string, linkTarget: string): void {
    if (this.matcher.empty || this.count >= this.max) return;
    const target = linkTarget.startsWith("/") ? normalizePath(linkTarget) : normalizePath(parentPath(linkPath) + "/" + linkTarget);
    if (target === "/" || target === linkPath || linkPath.startsWith(target + "/")) return;
    const links = this.byTarget.get(target);
    if (links) links.push(linkPath);
    else this.byTarget.set(target, [linkPath]);
    this.count++;
  }

  /**
   * The largest cap for `path` under its own name or any name symlinks give it,
   * following links to links (`/etc/x.timer` -> `/lib/x.timer`, `/lib` -> `usr/lib`).
   */
  capFor(path: string): number {
    if (this.byTarget.size === 0) return this.matcher.capFor(path);
    let cap = 0;
    const seen = new Set<string>();
    const visit = (name: string, depth: number): void => {
      if (seen.has(name) || seen.size >= 64) return;
      seen.add(name);
      cap = Math.max(cap, this.matcher.capFor(name));
      if (depth >= 8) return;
      for (let end = name.length; end > 0; end = name.lastIndexOf("/", end - 1)) {
        const links = this.byTarget.get(end === name.length ? name : name.slice(0, end));
        if (!links) continue;
        const rest = name.slice(end);
        for (const link of links) visit(link + rest, depth + 1);
      }
    };
    visit(path, 0);
    return cap;
  }
}
