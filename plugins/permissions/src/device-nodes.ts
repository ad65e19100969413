import { defineCheck } from "@checks/sdk";

export const deviceNodes = defineCheck({
  id: "device-nodes",
  title: "Device nodes outside /dev",
  description:
    "Character and block device files outside /dev. A container runtime mounts its own /dev, so a device node elsewhere is left over or placed to reach host hardware or memory (for example a copy of /dev/mem or a disk).",
  level: "high",
  tags: ["security", "permissions"],
  messages: {
    deviceOutsideDev: {
      text: "{{path}} is a {{kind}} device node ({{major}}:{{minor}}) outside /dev",
      severity: "high",
    },
  },
  remediation: "Delete the device node in the build step that created it; a container gets the devices it needs from its runtime.",
  needs: { paths: ["/**"] },
  run({ image, report }) {
    for (const entry of image.files.walk("/**", { types: ["char-device", "block-device"] })) {
      if (entry.path === "/dev" || entry.path.startsWith("/dev/")) continue;
      report({
        messageId: "deviceOutsideDev",
        path: entry.path,
        layer: entry.layer,
        data: {
          path: entry.path,
          kind: entry.type === "char-device" ? "character" : "block",
          major: entry.device?.major ?? 0,
          minor: entry.device?.minor ?? 0,
        },
      });
    }
  },
});
