import { defineCheck } from "@checks/sdk";
import { parsePasswd, parseShadow } from "./account-files.js";

export const emptyPasswords = defineCheck({
  id: "empty-passwords",
  title: "Accounts with an empty password",
  description:
    "Accounts whose password field in /etc/passwd or /etc/shadow is empty, so anyone can log in or `su` to them without a password.",
  level: "high",
  tags: ["security", "accounts"],
  messages: {
    emptyPassword: { text: "Account {{user}} has an empty password in {{file}}", severity: "high" },
  },
  remediation: "Lock the account in the image (`passwd -l USER` or `usermod -p '!' USER`); set passwords at deployment, never in the image.",
  needs: { paths: ["/etc/passwd", "/etc/shadow"], content: true, maxBytes: 4 * 1024 * 1024 },
  run({ image, report, note }) {
    const passwdText = image.files.readText("/etc/passwd");
    const shadowText = image.files.readText("/etc/shadow");
    const passwd = passwdText === undefined ? undefined : parsePasswd(passwdText);
    const shadow = shadowText === undefined ? undefined : parseShadow(shadowText);
    for (const problem of [...(passwd?.malformed ?? []), ...(shadow?.malformed ?? [])]) note(`Skipped ${problem}.`);

    // An empty second field in /etc/passwd means no password at all; /etc/shadow is consulted only for "x".
    const reported = new Set<string>();
    for (const entry of passwd?.entries ?? []) {
      if (entry.password !== "") continue;
      reported.add(entry.name);
      report({ messageId: "emptyPassword", path: "/etc/passwd", data: { user: entry.name, file: "/etc/passwd" } });
    }
    for (const entry of shadow?.entries ?? []) {
      if (entry.password !== "" || reported.has(entry.name)) continue;
      report({ messageId: "emptyPassword", path: "/etc/shadow", data: { user: entry.name, file: "/etc/shadow" } });
    }
  },
});
