import { defineCheck } from "@checks/sdk";
import { parsePasswd } from "./account-files.js";

export const extraRootAccounts = defineCheck({
  id: "extra-root-accounts",
  title: "Extra uid 0 accounts",
  description:
    "Accounts other than root with uid 0. Each is a second name for root, with its own password and shell, and is a common way to hide a backdoor.",
  level: "high",
  tags: ["security", "accounts"],
  messages: {
    extraRootAccount: { text: "Account {{user}} has uid 0, the same as root", severity: "high" },
  },
  remediation: "Remove the account (`userdel -f USER` or delete its lines in /etc/passwd and /etc/shadow) or give it its own uid.",
  needs: { paths: ["/etc/passwd"], content: true, maxBytes: 4 * 1024 * 1024 },
  run({ image, report, note }) {
    const text = image.files.readText("/etc/passwd");
    if (text === undefined) return;
    const passwd = parsePasswd(text);
    for (const problem of passwd.malformed) note(`Skipped ${problem}.`);
    for (const entry of passwd.entries) {
      if (entry.uid !== 0 || entry.name === "root") continue;
      report({ messageId: "extraRootAccount", path: "/etc/passwd", data: { user: entry.name } });
    }
  },
});
