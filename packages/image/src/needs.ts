import { compileGlob } from "@checks/sdk";

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
