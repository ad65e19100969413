import { defineCheck } from "@checks/sdk";
import { secretEvidence, variableEvidence } from "./evidence.js";
import { isPlaceholder } from "./placeholders.js";
import { findSecrets, findTokens, isSecretName } from "./tokens.js";

export const configSecrets = defineCheck({
  id: "config-secrets",
  title: "Secrets in the image configuration",
  description:
    "Secrets in the image configuration, which anyone can read with `docker inspect` without running the image: ENV variables and labels with a token-shaped value or a secret name and a literal value, and build history lines that show secrets passed as build arguments or on command lines.",
  level: "high",
  tags: ["security", "secrets", "docker"],
  messages: {
    secretInEnv: { text: "ENV {{name}} holds a {{kind}}", severity: "high" },
    secretInLabel: { text: "Label {{name}} holds a {{kind}}", severity: "high" },
    secretInHistory: { text: "Build history step {{step}} shows a {{kind}}", severity: "high" },
  },
  remediation:
    "Pass secrets at run time (an orchestrator secret, a mounted file, `--env-file` outside the image) and during the build as build secrets (`RUN --mount=type=secret`), never with ENV, LABEL or ARG. Rotate any secret that was published.",
  needs: { capabilities: ["config"] },
  run({ image, report, note }) {
    // A SIF image's configuration is derived from its Singularity metadata, which singularity-secrets reads.
    if (image.info.format === "sif") {
      note("Singularity image: its environment and labels are checked by singularity-secrets.");
      return;
    }
    const config = image.config();
    if (!config) {
      note("The image has no configuration; nothing to check.");
      return;
    }

    for (const [name, value] of Object.entries(config.env)) {
      const token = findTokens(value)[0];
      const kind = token?.kind ?? (isSecretName(name) && !isPlaceholder(value) ? "literal secret value" : undefined);
      if (kind === undefined) continue;
      report({ messageId: "secretInEnv", evidence: variableEvidence(name, token?.value ?? value), data: { name, kind } });
    }

    for (const [name, value] of Object.entries(config.labels)) {
      const token = findTokens(value)[0];
      const kind = token?.kind ?? (isSecretName(name) && !isPlaceholder(value) ? "literal secret value" : undefined);
      if (kind === undefined) continue;
      report({ messageId: "secretInLabel", evidence: variableEvidence(name, token?.value ?? value), data: { name, kind } });
    }

    config.history.forEach((entry, index) => {
      if (!entry.createdBy) return;
      for (const match of findSecrets(entry.createdBy)) {
        report({ messageId: "secretInHistory", evidence: secretEvidence(match.line, match.value), data: { step: index + 1, kind: match.kind } });
      }
    });
  },
});
