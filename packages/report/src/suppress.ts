import { matchGlob } from "@checks/sdk";
import type { IgnoreRule, IgnoreRules } from "./ignore.js";
import type { ExpiredRule, Finding, ScanReport, UnusedRule } from "./types.js";

export interface SuppressionResult {
  /** A copy of the report with `suppression` set on matched findings and `ignoreFile` filled in. */
  report: ScanReport;
  expired: ExpiredRule[];
  unused: UnusedRule[];
}

/**
 * Marks the findings that an ignore rule matches as suppressed. The first
 * matching rule in file order wins. A rule whose `expiresAt` is at or before
 * `now` suppresses nothing and is listed in `expired` with the number of
 * findings it would have matched. A finding that is already suppressed keeps
 * its suppression, so the rules of several files apply in the order of the calls.
 * The input report is not changed.
 */
export function applySuppressions(report: ScanReport, rules: IgnoreRules, now: Date): SuppressionResult {
  const active = rules.rules.filter((rule) => !isExpired(rule, now));
  const expiredRules = rules.rules.filter((rule) => isExpired(rule, now));
  const activeMatches = new Map<number, number>();
  const expiredMatches = new Map<number, number>();
  let suppressed = 0;

  const images = report.images.map((image) => ({
    ...image,
    findings: image.findings.map((finding): Finding => {
      for (const rule of expiredRules) {
        if (ruleMatches(rule, finding)) expiredMatches.set(rule.index, (expiredMatches.get(rule.index) ?? 0) + 1);
      }
      if (finding.suppression) return { ...finding };

      const rule = active.find((candidate) => ruleMatches(candidate, finding));
      if (!rule) return { ...finding };
      activeMatches.set(rule.index, (activeMatches.get(rule.index) ?? 0) + 1);
      suppressed++;
      const suppression: Finding["suppression"] = { reason: rule.reason, source: rules.source, rule: rule.index };
      if (rule.expires !== undefined) suppression.expires = rule.expires;
      return { ...finding, suppression };
    }),
  }));

  const expired: ExpiredRule[] = expiredRules.map((rule) => ({
    source: rules.source,
    rule: rule.index,
    reason: rule.reason,
    expires: rule.expires!,
    matched: expiredMatches.get(rule.index) ?? 0,
  }));
  const unused: UnusedRule[] = active
    .filter((rule) => !activeMatches.has(rule.index))
    .map((rule) => ({ source: rules.source, rule: rule.index, reason: rule.reason }));

  return {
    report: { ...report, images, ignoreFile: { source: rules.source, rules: rules.rules.length, suppressed, expired, unused } },
    expired,
    unused,
  };
}

function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresAt !== undefined && rule.expiresAt.getTime() <= now.getTime();
}

/**
 * Returns true when every matcher the rule sets matches the finding. A path
 * matcher never matches a finding without a path, and a package matcher never
 * matches one without a package.
 */
export function ruleMatches(rule: IgnoreRule, finding: Finding): boolean {
  if (rule.check !== undefined && !checkMatches(rule.check, finding)) return false;
  if (rule.fingerprint !== undefined && !finding.fingerprint.startsWith(rule.fingerprint)) return false;
  if (rule.path !== undefined && (finding.path === undefined || !matchGlob(rule.path, finding.path))) return false;
  if (rule.package !== undefined && (finding.package === undefined || !packageMatches(rule.package, finding.package))) return false;
  return true;
}

/** Returns true when the rule's check id matches; an id with a "/" names the plugin too (`@checks/plugin-files/setuid-files`). */
function checkMatches(ruleCheck: string, finding: Finding): boolean {
  return ruleCheck.includes("/") ? ruleCheck === `${finding.plugin}/${finding.check}` : ruleCheck === finding.check;
}

/** Returns true when the package matches: `openssl` matches `openssl` and every `openssl@VERSION`, `openssl@3.0.11` only that version. */
function packageMatches(rulePackage: string, findingPackage: string): boolean {
  return findingPackage === rulePackage || findingPackage.startsWith(`${rulePackage}@`);
}
