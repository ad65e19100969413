import { defineCheck } from "@checks/sdk";
import { NO_CONFIG_NOTE } from "./no-config.js";

export const sshPort = defineCheck({
  id: "ssh-port",
  title: "SSH port exposed",
  description:
    "Images that expose port 22. An SSH server in a container is another service to patch and another set of credentials and host keys to protect; `docker exec` or `kubectl exec` reach a container without it.",
  level: "medium",
  tags: ["security", "docker", "config"],
  messages: {
    sshPortExposed: { text: "The image exposes {{port}}, the SSH port", severity: "medium" },
  },
  remediation: "Remove `EXPOSE 22` and the SSH server; use `docker exec` or `kubectl exec` to get a shell.",
  needs: { capabilities: ["config"] },
  run({ image, report, note }) {
    const config = image.config();
    if (!config) {
      note(NO_CONFIG_NOTE);
      return;
    }
    for (const port of config.exposedPorts) {
      if (/^22(\/(tcp|sctp))?$/i.test(port.trim())) report({ messageId: "sshPortExposed", data: { port } });
    }
  },
});
