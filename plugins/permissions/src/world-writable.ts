import { defineCheck, isSticky, isWorldWritable } from "@checks/sdk";

export const worldWritable = defineCheck({
  id: "world-writable",
  title: "World-writable files and directories",
  description:
    "Regular files that any user may write, and directories that any user may write without the sticky bit, so any user can replace or delete what others put there.",
  level: "medium",
  tags: ["security", "permissions"],
  messages: {
    worldWritableFile: { text: "{{path}} is writable by every user (mode {{mode}})", severity: "medium" },
    worldWritableDirectory: {
      text: "{{path}} is writable by every user without the sticky bit (mode {{mode}})",
      severity: "medium",
    },
  },
  remediation:
    "Remove write access for others (`chmod o-w PATH`). A shared scratch directory such as /tmp keeps `o+w` only together with the sticky bit (`chmod 1777 DIR`).",
  needs: { paths: ["/**"] },
  run({ image, report }) {
    for (const entry of image.files.walk("/**", { types: ["file", "directory"] })) {
      if (!isWorldWritable(entry)) continue;
      const mode = (entry.mode & 0o7777).toString(8).padStart(4, "0");
      if (entry.type === "file") {
        report({ messageId: "worldWritableFile", path: entry.path, layer: entry.layer, data: { path: entry.path, mode } });
      } else if (!isSticky(entry)) {
        report({ messageId: "worldWritableDirectory", path: entry.path, layer: entry.layer, data: { path: entry.path, mode } });
      }
    }
  },
});
