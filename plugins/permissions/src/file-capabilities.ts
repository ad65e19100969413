import { defineCheck } from "@checks/sdk";
import { decodeCapabilities } from "./capability-xattr.js";
import { OS_RELEASE_PATHS, canonicalSystemPath, distributionOf } from "./distribution.js";
import type { Family } from "./distribution.js";

/** Capabilities that are equivalent or close to full root on their own. */
const ROOT_EQUIVALENT = new Set([
  "cap_sys_admin",
  "cap_setuid",
  "cap_setgid",
  "cap_setfcap",
  "cap_setpcap",
  "cap_dac_override",
  "cap_dac_read_search",
  "cap_fowner",
  "cap_chown",
  "cap_sys_ptrace",
  "cap_sys_module",
  "cap_sys_rawio",
  "cap_net_admin",
  "cap_bpf",
  "cap_mknod",
  "cap_sys_chroot",
]);

/** Files that distribution packages install with capabilities (merged-/usr paths), and the capabilities they get. */
const EXPECTED: Readonly<Record<Family, Readonly<Record<string, readonly string[]>>>> = {
  // iputils-ping and iputils-arping in Debian 11 and later, Ubuntu 20.04 and later.
  debian: {
    "/usr/bin/ping": ["cap_net_raw"],
    "/usr/bin/arping": ["cap_net_raw"],
    "/usr/bin/clockdiff": ["cap_net_raw"],
  },
  alpine: {},
  // iputils and shadow-utils in RHEL 8 and 9 and Fedora.
  rhel: {
    "/usr/bin/ping": ["cap_net_raw", "cap_net_admin"],
    "/usr/sbin/arping": ["cap_net_raw"],
    "/usr/sbin/clockdiff": ["cap_net_raw"],
    "/usr/bin/newuidmap": ["cap_setuid"],
    "/usr/bin/newgidmap": ["cap_setgid"],
  },
};

export const fileCapabilities = defineCheck({
  id: "file-capabilities",
  title: "Files with capabilities",
  description:
    "Files with a `security.capability` extended attribute, which grant privileges to whoever runs them, like a narrow setuid bit. Capabilities that amount to root (cap_sys_admin, cap_setuid, cap_dac_override and similar) are high.",
  level: "high",
  tags: ["security", "permissions"],
  messages: {
    expectedCapabilities: { text: "{{path}} has capabilities {{capabilities}}, as {{distribution}} ships it", severity: "low" },
    fileCapabilities: { text: "{{path}} has capabilities {{capabilities}}", severity: "medium" },
    unreadableCapabilities: {
      text: "{{path}} has a security.capability attribute that could not be decoded ({{bytes}} bytes)",
      severity: "medium",
    },
  },
  remediation:
    "Remove the attribute with `setcap -r FILE` unless the program needs it, and grant only the capability it needs. Prefer granting capabilities to the container at run time (`--cap-add`) over baking them into files.",
  needs: { paths: ["/**"], content: OS_RELEASE_PATHS, maxBytes: 64 * 1024 },
  run({ image, report }) {
    const distribution = distributionOf(image);
    const expected = distribution.family ? EXPECTED[distribution.family] : {};

    for (const file of image.files.walk("/**", { types: ["file"] })) {
      const value = file.xattrs?.["security.capability"];
      if (value === undefined) continue;

      const decoded = decodeCapabilities(value);
      if (!decoded) {
        report({ messageId: "unreadableCapabilities", path: file.path, layer: file.layer, data: { path: file.path, bytes: value.length } });
        continue;
      }

      const allowed = expected[canonicalSystemPath(file.path)];
      if (allowed && decoded.names.every((name) => allowed.includes(name))) {
        report({
          messageId: "expectedCapabilities",
          path: file.path,
          layer: file.layer,
          data: { path: file.path, capabilities: decoded.text, distribution: distribution.name },
        });
        continue;
      }
      const severity = decoded.names.some((name) => ROOT_EQUIVALENT.has(name)) ? "high" : "medium";
      report({ messageId: "fileCapabilities", path: file.path, layer: file.layer, severity, data: { path: file.path, capabilities: decoded.text } });
    }
  },
});
