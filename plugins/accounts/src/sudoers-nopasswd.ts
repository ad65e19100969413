import { defineCheck } from "@checks/sdk";
import { findPasswordlessRules } from "./sudoers.js";

const SUDOERS = "/etc/sudoers";
const SUDOERS_DIR = "/etc/sudoers.d/*";

export const sudoersNopasswd = defineCheck({
  id: "sudoers-nopasswd",
  title: "Passwordless sudo for every command",
  description:
    "sudoers rules that let a user run every command as root without a password (`NOPASSWD: ALL`, or `Defaults !authenticate`). Any code running as that user is root.",
  level: "high",
  tags: ["security", "accounts"],
  messages: {
    nopasswdAll: { text: "{{file}} line {{line}} lets {{who}} run every command without a password", severity: "high" },
    authenticateDisabled: {
      text: "{{file}} line {{line}} turns off password checks for sudo (Defaults !authenticate)",
      severity: "high",
    },
  },
  remediation:
    "Remove the rule, or limit NOPASSWD to the specific commands the container needs. A container rarely needs sudo: run the process as the user it needs instead.",
  needs: { paths: [SUDOERS, SUDOERS_DIR], content: true, maxBytes: 1024 * 1024 },
  run({ image, report, note }) {
    const files = image.files.walk([SUDOERS, SUDOERS_DIR], { types: ["file"] });
    for (const file of files) {
      const name = file.path.slice(file.path.lastIndexOf("/") + 1);
      // sudo skips files in sudoers.d whose names end in "~" or contain ".".
      if (file.path !== SUDOERS && (name.endsWith("~") || name.includes("."))) {
        note(`${file.path} is ignored by sudo (its name ends in "~" or contains "."); not checked.`);
        continue;
      }
      const text = image.files.readText(file.path);
      if (text === undefined) continue;
      for (const finding of findPasswordlessRules(text)) {
        const data = { file: file.path, line: finding.line, who: finding.who };
        report({ messageId: finding.kind, path: file.path, layer: file.layer, data });
      }
    }
  },
});
