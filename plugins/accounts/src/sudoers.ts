/**
 * A small reader of sudoers(5) user specifications, enough to find rules that
 * grant every command without a password. Aliases are not expanded, so a rule
 * that reaches ALL only through a Cmnd_Alias is not seen.
 */

export interface SudoersFinding {
  readonly kind: "nopasswdAll" | "authenticateDisabled";
  /** Line number where the rule starts, from 1. */
  readonly line: number;
  /** User or group the rule applies to, for example `%sudo` or `app`. */
  readonly who: string;
}

const ALIAS_KEYWORDS = /^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\b/;

/** Joins backslash-continued lines, drops `#include` and `@include` directives and strips comments. */
function logicalLines(text: string): { text: string; line: number }[] {
  const result: { text: string; line: number }[] = [];
  let pending = "";
  let start = 0;
  text.split("\n").forEach((raw, index) => {
    if (pending === "") start = index + 1;
    const line = raw.replace(/\r$/, "");
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      return;
    }
    const joined = pending + line;
    pending = "";
    if (/^\s*[#@]include/.test(joined)) return;
    // "#" starts a comment unless a digit follows, as in "#1000" (a uid).
    const text = joined.replace(/(^|\s)#(?!\d).*$/, "").trim();
    if (text !== "") result.push({ text, line: start });
  });
  return result;
}

/** Finds `NOPASSWD: ALL` rules and `Defaults !authenticate` in one sudoers file. */
export function findPasswordlessRules(text: string): SudoersFinding[] {
  const findings: SudoersFinding[] = [];
  for (const { text: line, line: number } of logicalLines(text)) {
    if (ALIAS_KEYWORDS.test(line)) continue;

    const defaults = /^Defaults(?:[@:!>]\S+)?\s+(.*)$/.exec(line);
    if (defaults) {
      const settings = defaults[1]!.split(",").map((setting) => setting.trim());
      if (settings.includes("!authenticate")) findings.push({ kind: "authenticateDisabled", line: number, who: "everyone" });
      continue;
    }

    const equals = line.indexOf("=");
    if (equals === -1) continue;
    const who = line.slice(0, equals).trim().split(/\s+/)[0] ?? "";
    if (grantsAllWithoutPassword(line.slice(equals + 1))) findings.push({ kind: "nopasswdAll", line: number, who });
  }
  return findings;
}

/** Walks the command list after `=`. A tag such as NOPASSWD: applies to the commands after it until another tag overrides it. */
function grantsAllWithoutPassword(commands: string): boolean {
  let noPassword = false;
  for (const item of commands.split(",")) {
    let rest = item.trim();
    for (;;) {
      const runAs = /^\([^)]*\)\s*/.exec(rest);
      if (runAs) {
        rest = rest.slice(runAs[0].length);
        continue;
      }
      const tag = /^([A-Z_]+)\s*:\s*/.exec(rest);
      if (!tag) break;
      if (tag[1] === "NOPASSWD") noPassword = true;
      if (tag[1] === "PASSWD") noPassword = false;
      rest = rest.slice(tag[0].length);
    }
    if (noPassword && rest === "ALL") return true;
  }
  return false;
}
