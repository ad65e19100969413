import { defineCheck } from "@checks/sdk";
import { NO_CONFIG_NOTE, SINGULARITY_NOTE, isSingularityImage } from "./no-config.js";

export const healthcheck = defineCheck({
  id: "healthcheck",
  title: "No HEALTHCHECK",
  description:
    "Images without a HEALTHCHECK, or with `HEALTHCHECK NONE`. Docker and Swarm cannot then tell a hung service from a healthy one. Kubernetes ignores HEALTHCHECK and uses its own probes, so this is informational.",
  level: "low",
  tags: ["docker", "config"],
  messages: {
    missingHealthcheck: { text: "The image defines no HEALTHCHECK", severity: "info" },
    healthcheckDisabled: { text: "The image turns health checks off with HEALTHCHECK NONE", severity: "info" },
  },
  remediation: "Add a HEALTHCHECK that exercises the service, for example `HEALTHCHECK CMD curl -fsS http://localhost:8080/health || exit 1`.",
  needs: { capabilities: ["config"] },
  run({ image, report, note }) {
    if (isSingularityImage(image.info.format)) {
      note(SINGULARITY_NOTE);
      return;
    }
    const config = image.config();
    if (!config) {
      note(NO_CONFIG_NOTE);
      return;
    }
    const test = config.healthcheck?.test;
    if (!test || test.length === 0) report({ messageId: "missingHealthcheck" });
    else if (test[0] === "NONE") report({ messageId: "healthcheckDisabled" });
  },
});
