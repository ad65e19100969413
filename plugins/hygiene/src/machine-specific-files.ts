import { defineCheck } from "@checks/sdk";

const HOST_KEYS = "/etc/ssh/ssh_host_*_key";
const MACHINE_IDS = ["/etc/machine-id", "/var/lib/dbus/machine-id"];
const NET_RULES = "/etc/udev/rules.d/*persistent-net*.rules";
const INTERFACE_CONFIGS = [
  "/etc/sysconfig/network-scripts/ifcfg-*",
  "/etc/network/interfaces",
  "/etc/network/interfaces.d/*",
  "/etc/NetworkManager/system-connections/*",
  "/etc/netplan/*.yaml",
];
const LOGS = "/var/log/**";

/** Settings that pin an interface to one network card, by configuration format. */
// Horizontal whitespace only: "\s" after "^" in multiline mode would also run across blank lines.
const HARDWARE_ADDRESS = /^[ \t]*(?:HWADDR|MACADDR)[ \t]*=[ \t]*\S|^[ \t]*hwaddress[ \t]+\S|^[ \t]*(?:cloned-)?mac-address[ \t]*=[ \t]*\S|^[ \t]*macaddress[ \t]*:[ \t]*\S/im;

export const machineSpecificFiles = defineCheck({
  id: "machine-specific-files",
  title: "Machine-specific files",
  description:
    "Files that belong to one machine and should be created when a container or host first starts: SSH host keys (shared by every container of the image), a non-empty machine-id, persistent udev network rules, interface configs bound to a hardware address, and logs under /var/log.",
  level: "low",
  tags: ["clean"],
  messages: {
    sshHostKey: { text: "{{path}} is an SSH host private key, shared by every container of this image", severity: "medium" },
    machineId: { text: "{{path}} contains a machine id, so every container reports the same one", severity: "low" },
    persistentNetRules: { text: "{{path}} pins network interface names to the build machine's cards", severity: "low" },
    hardwareAddress: { text: "{{path}} binds an interface to a hardware (MAC) address", severity: "low" },
    logFile: { text: "{{path}} is a log file of {{size}} bytes", severity: "info" },
  },
  remediation:
    "Delete the files in the build (`rm -f /etc/ssh/ssh_host_* /var/log/*.log`, `truncate -s 0 /etc/machine-id`) and let them be created at first start; for SSH host keys, generate them when the container starts or mount them.",
  needs: {
    paths: [HOST_KEYS, ...MACHINE_IDS, NET_RULES, ...INTERFACE_CONFIGS, LOGS],
    content: [...MACHINE_IDS, ...INTERFACE_CONFIGS],
    maxBytes: 256 * 1024,
  },
  run({ image, report }) {
    for (const file of image.files.walk(HOST_KEYS, { types: ["file"] })) {
      report({ messageId: "sshHostKey", path: file.path, layer: file.layer, data: { path: file.path } });
    }

    for (const file of image.files.walk(MACHINE_IDS, { types: ["file"] })) {
      const id = (image.files.readText(file.path) ?? "").trim();
      // systemd treats an empty file or "uninitialized" as "generate at boot".
      if (id === "" || id === "uninitialized") continue;
      report({ messageId: "machineId", path: file.path, layer: file.layer, data: { path: file.path } });
    }

    for (const file of image.files.walk(NET_RULES, { types: ["file"] })) {
      report({ messageId: "persistentNetRules", path: file.path, layer: file.layer, data: { path: file.path } });
    }

    for (const file of image.files.walk(INTERFACE_CONFIGS, { types: ["file"] })) {
      if (file.path.endsWith("/ifcfg-lo")) continue;
      if (!HARDWARE_ADDRESS.test(image.files.readText(file.path) ?? "")) continue;
      report({ messageId: "hardwareAddress", path: file.path, layer: file.layer, data: { path: file.path } });
    }

    for (const file of image.files.walk(LOGS, { types: ["file"] })) {
      if (file.size === 0) continue;
      report({ messageId: "logFile", path: file.path, layer: file.layer, data: { path: file.path, size: file.size } });
    }
  },
});
