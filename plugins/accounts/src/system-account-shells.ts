import { defineCheck } from "@checks/sdk";
import { parsePasswd } from "./account-files.js";

/** Shells that reject interactive logins. */
const NO_LOGIN = new Set(["nologin", "false", "true"]);
/** Special-purpose accounts whose "shell" runs one command, as on RHEL and Debian. */
const SINGLE_COMMAND = new Set(["sync", "shutdown", "halt", "git-shell"]);
const DEFAULT_UID_MIN = 1000;
const NOBODY_UID = 65534;

/** Reads UID_MIN from login.defs text, or returns the default 1000 when it is absent or invalid. */
export function uidMin(loginDefs: string | undefined): number {
  const match = loginDefs === undefined ? null : /^[ \t]*UID_MIN[ \t]+(\d+)[ \t]*$/m.exec(loginDefs);
  return match ? Number(match[1]) : DEFAULT_UID_MIN;
}

export const systemAccountShells = defineCheck({
  id: "system-account-shells",
  title: "Login shells on system accounts",
  description:
    "System accounts (uid below UID_MIN of /etc/login.defs, and nobody) with a login shell. Service accounts need no interactive login, and a shell makes a compromised service or a leaked credential more useful.",
  level: "low",
  tags: ["security", "accounts"],
  messages: {
    loginShell: { text: "System account {{user}} (uid {{uid}}) has the login shell {{shell}}", severity: "low" },
  },
  remediation: "Set the shell to nologin: `usermod -s /usr/sbin/nologin USER` (or /sbin/nologin on RHEL and Alpine).",
  needs: { paths: ["/etc/passwd", "/etc/login.defs"], content: true, maxBytes: 4 * 1024 * 1024 },
  run({ image, report, note }) {
    const text = image.files.readText("/etc/passwd");
    if (text === undefined) return;
    const minimum = uidMin(image.files.readText("/etc/login.defs"));
    const passwd = parsePasswd(text);
    for (const problem of passwd.malformed) note(`Skipped ${problem}.`);

    for (const entry of passwd.entries) {
      const system = (entry.uid > 0 && entry.uid < minimum) || entry.uid === NOBODY_UID;
      if (!system) continue;
      // An empty shell field means /bin/sh to login(1).
      const shell = entry.shell === "" ? "/bin/sh" : entry.shell;
      const name = shell.slice(shell.lastIndexOf("/") + 1);
      if (NO_LOGIN.has(name) || SINGLE_COMMAND.has(name)) continue;
      report({ messageId: "loginShell", path: "/etc/passwd", data: { user: entry.name, uid: entry.uid, shell } });
    }
  },
});
