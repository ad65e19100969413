import { defineCheck } from "@checks/sdk";
import { WEAK_SCHEMES, hashScheme, parsePasswd, parseShadow } from "./account-files.js";

export const passwordHashes = defineCheck({
  id: "password-hashes",
  title: "Password hashes in the image",
  description:
    "Password hashes in /etc/shadow or, readable by every user, in /etc/passwd. Everyone who pulls the image gets the hash and can crack it offline, and every container shares the password.",
  level: "medium",
  tags: ["security", "accounts"],
  messages: {
    passwordHash: { text: "Account {{user}} has a {{scheme}} password hash in /etc/shadow", severity: "medium" },
    lockedPasswordHash: {
      text: "Account {{user}} is locked but keeps a {{scheme}} password hash in /etc/shadow",
      severity: "low",
    },
    hashInPasswd: {
      text: "Account {{user}} has a {{scheme}} password hash in /etc/passwd, which every user can read",
      severity: "high",
    },
  },
  remediation:
    "Do not set passwords while building the image: lock the accounts (`usermod -p '!' USER`) and provide credentials at deployment, for example through a secret store or SSH keys.",
  needs: { paths: ["/etc/passwd", "/etc/shadow"], content: true, maxBytes: 4 * 1024 * 1024 },
  run({ image, report, note }) {
    const passwdText = image.files.readText("/etc/passwd");
    const shadowText = image.files.readText("/etc/shadow");

    if (passwdText !== undefined) {
      const passwd = parsePasswd(passwdText);
      for (const problem of passwd.malformed) note(`Skipped ${problem}.`);
      for (const entry of passwd.entries) {
        const scheme = hashScheme(entry.password);
        if (scheme === undefined) continue;
        report({ messageId: "hashInPasswd", path: "/etc/passwd", data: { user: entry.name, scheme } });
      }
    }

    if (shadowText !== undefined) {
      const shadow = parseShadow(shadowText);
      for (const problem of shadow.malformed) note(`Skipped ${problem}.`);
      for (const entry of shadow.entries) {
        const scheme = hashScheme(entry.password);
        if (scheme === undefined) continue;
        const data = { user: entry.name, scheme };
        if (entry.password.startsWith("!")) {
          report({ messageId: "lockedPasswordHash", path: "/etc/shadow", data });
        } else {
          report({ messageId: "passwordHash", path: "/etc/shadow", data, ...(WEAK_SCHEMES.has(scheme) ? { severity: "high" as const } : {}) });
        }
      }
    }
  },
});
