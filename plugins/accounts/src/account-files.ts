/**
 * Parsers for /etc/passwd, /etc/shadow and /etc/group. A malformed line is
 * skipped and described in `malformed`, and parsing goes on with the next line.
 */

export interface PasswdEntry {
  readonly name: string;
  /** Second field: `x` when the password is in /etc/shadow, a hash, or empty for no password. */
  readonly password: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  /** Line number, starting at 1. */
  readonly line: number;
}

export interface ShadowEntry {
  readonly name: string;
  readonly password: string;
  readonly line: number;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
  readonly line: number;
}

export interface ParseResult<T> {
  readonly entries: T[];
  /** One description per skipped line, for example `/etc/passwd line 3: uid "x" is not a number`. */
  readonly malformed: string[];
}

const NUMERIC = /^\d+$/;

/** Splits text into numbered lines without blanks and comments. NIS `+`/`-` compat lines are skipped with a note. */
function contentLines(text: string, file: string, malformed: string[]): { text: string; number: number }[] {
  const lines: { text: string; number: number }[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.startsWith("#")) return;
    if (line.startsWith("+") || line.startsWith("-")) {
      malformed.push(`${file} line ${index + 1}: NIS compat entry skipped`);
      return;
    }
    lines.push({ text: line, number: index + 1 });
  });
  return lines;
}

export function parsePasswd(text: string, file = "/etc/passwd"): ParseResult<PasswdEntry> {
  const malformed: string[] = [];
  const entries: PasswdEntry[] = [];
  for (const { text: line, number } of contentLines(text, file, malformed)) {
    const fields = line.split(":");
    if (fields.length !== 7) {
      malformed.push(`${file} line ${number}: expected 7 fields, found ${fields.length}`);
      continue;
    }
    const [name, password, uid, gid, , home, shell] = fields as [string, string, string, string, string, string, string];
    if (name === "") malformed.push(`${file} line ${number}: the user name is empty`);
    else if (!NUMERIC.test(uid)) malformed.push(`${file} line ${number}: uid ${JSON.stringify(uid)} is not a number`);
    else if (!NUMERIC.test(gid)) malformed.push(`${file} line ${number}: gid ${JSON.stringify(gid)} is not a number`);
    else entries.push({ name, password, uid: Number(uid), gid: Number(gid), home, shell, line: number });
  }
  return { entries, malformed };
}

export function parseShadow(text: string, file = "/etc/shadow"): ParseResult<ShadowEntry> {
  const malformed: string[] = [];
  const entries: ShadowEntry[] = [];
  for (const { text: line, number } of contentLines(text, file, malformed)) {
    const fields = line.split(":");
    if (fields.length !== 9) {
      malformed.push(`${file} line ${number}: expected 9 fields, found ${fields.length}`);
      continue;
    }
    if (fields[0] === "") malformed.push(`${file} line ${number}: the user name is empty`);
    else entries.push({ name: fields[0]!, password: fields[1]!, line: number });
  }
  return { entries, malformed };
}

export function parseGroup(text: string, file = "/etc/group"): ParseResult<GroupEntry> {
  const malformed: string[] = [];
  const entries: GroupEntry[] = [];
  for (const { text: line, number } of contentLines(text, file, malformed)) {
    const fields = line.split(":");
    if (fields.length !== 4) {
      malformed.push(`${file} line ${number}: expected 4 fields, found ${fields.length}`);
      continue;
    }
    const [name, , gid, members] = fields as [string, string, string, string];
    if (name === "") malformed.push(`${file} line ${number}: the group name is empty`);
    else if (!NUMERIC.test(gid)) malformed.push(`${file} line ${number}: gid ${JSON.stringify(gid)} is not a number`);
    else entries.push({ name, gid: Number(gid), members: members === "" ? [] : members.split(","), line: number });
  }
  return { entries, malformed };
}

/** Names the crypt(3) scheme of a password field, or returns undefined when the field holds no hash. */
export function hashScheme(field: string): string | undefined {
  const value = field.replace(/^!+/, "");
  const prefixed = /^\$([0-9a-z]+)\$/.exec(value);
  if (prefixed) return SCHEMES[prefixed[1]!] ?? `$${prefixed[1]}$`;
  if (/^[./0-9A-Za-z]{13}$/.test(value)) return "DES";
  if (/^_[./0-9A-Za-z]{19}$/.test(value)) return "BSDi extended DES";
  return undefined;
}

const SCHEMES: Readonly<Record<string, string>> = {
  "1": "MD5",
  "2a": "bcrypt",
  "2b": "bcrypt",
  "2y": "bcrypt",
  "5": "SHA-256",
  "6": "SHA-512",
  "7": "scrypt",
  y: "yescrypt",
  gy: "gost-yescrypt",
  sha1: "SHA-1",
};

/** Schemes that modern hardware cracks quickly. */
export const WEAK_SCHEMES = new Set(["DES", "BSDi extended DES", "MD5", "SHA-1"]);
