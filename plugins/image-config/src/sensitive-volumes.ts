import { defineCheck, normalizePath } from "@checks/sdk";
import { NO_CONFIG_NOTE } from "./no-config.js";

/** Host paths that give a container control over the host or the container runtime when mounted. */
const SENSITIVE = new Set(["/", "/dev", "/proc", "/sys", "/boot", "/etc", "/lib/modules", "/var/run/docker.sock", "/run/docker.sock", "/var/run", "/run", "/var/lib/docker"]);

export const sensitiveVolumes = defineCheck({
  id: "sensitive-volumes",
  title: "Sensitive directories declared as volumes",
  description:
    "VOLUME entries for system directories such as /dev, /proc, /sys, /etc or the Docker socket. A runtime that binds the host's directory there hands the container control over the host.",
  level: "medium",
  tags: ["security", "docker", "config"],
  messages: {
    sensitiveVolume: { text: "VOLUME {{volume}} is a system directory", severity: "high" },
  },
  remediation: "Remove the VOLUME instruction; declare volumes only for application data such as /var/lib/app/data.",
  needs: { capabilities: ["config"] },
  run({ image, report, note }) {
    const config = image.config();
    if (!config) {
      note(NO_CONFIG_NOTE);
      return;
    }
    for (const volume of config.volumes) {
      if (!volume.startsWith("/") || !SENSITIVE.has(normalizePath(volume))) continue;
      report({ messageId: "sensitiveVolume", data: { volume } });
    }
  },
});
