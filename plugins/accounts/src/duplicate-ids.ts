import { defineCheck } from "@checks/sdk";
import { parseGroup, parsePasswd } from "./account-files.js";

/** Groups names by id and keeps the ids that more than one name uses. */
function duplicates(entries: readonly { name: string; id: number }[]): Map<number, string[]> {
  const byId = new Map<number, string[]>();
  for (const { name, id } of entries) byId.set(id, [...(byId.get(id) ?? []), name]);
  return new Map([...byId].filter(([, names]) => names.length > 1));
}

export const duplicateIds = defineCheck({
  id: "duplicate-ids",
  title: "Duplicate user and group ids",
  description:
    "Several accounts with one uid, or several groups with one gid. They share every file and permission, so a process of one can act as the other, and logs and audits cannot tell them apart. Extra uid 0 accounts are reported by extra-root-accounts instead.",
  level: "medium",
  tags: ["security", "accounts"],
  messages: {
    duplicateUid: { text: "uid {{uid}} is used by several accounts: {{users}}", severity: "medium" },
    duplicateGid: { text: "gid {{gid}} is used by several groups: {{groups}}", severity: "medium" },
  },
  remediation: "Give every account and group its own id (`usermod -u`, `groupmod -g`), or remove the duplicate entry.",
  needs: { paths: ["/etc/passwd", "/etc/group"], content: true, maxBytes: 4 * 1024 * 1024 },
  run({ image, report, note }) {
    const passwdText = image.files.readText("/etc/passwd");
    if (passwdText !== undefined) {
      const passwd = parsePasswd(passwdText);
      for (const problem of passwd.malformed) note(`Skipped ${problem}.`);
      const shared = duplicates(passwd.entries.filter((entry) => entry.uid !== 0).map((entry) => ({ name: entry.name, id: entry.uid })));
      for (const [uid, users] of shared) {
        report({ messageId: "duplicateUid", path: "/etc/passwd", data: { uid, users: users.join(", ") } });
      }
    }

    const groupText = image.files.readText("/etc/group");
    if (groupText !== undefined) {
      const group = parseGroup(groupText);
      for (const problem of group.malformed) note(`Skipped ${problem}.`);
      const shared = duplicates(group.entries.map((entry) => ({ name: entry.name, id: entry.gid })));
      for (const [gid, groups] of shared) {
        report({ messageId: "duplicateGid", path: "/etc/group", data: { gid, groups: groups.join(", ") } });
      }
    }
  },
});
