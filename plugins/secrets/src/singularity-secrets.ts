import { defineCheck } from "@checks/sdk";
import { secretEvidence, variableEvidence } from "./evidence.js";
import { isPlaceholder } from "./placeholders.js";
import { findSecrets, findTokens, isSecretName } from "./tokens.js";

export const singularitySecrets = defineCheck({
  id: "singularity-secrets",
  title: "Secrets in Singularity metadata",
  description:
    "Secrets in a Singularity image's environment (the variables and the /.singularity.d/env scripts), its labels and the definition file it was built from, which `singularity inspect` shows to anyone with the image.",
  level: "high",
  tags: ["security", "secrets", "singularity"],
  messages: {
    secretInEnvironment: { text: "The container environment sets {{name}} to a {{kind}}", severity: "high" },
    secretInEnvironmentScript: { text: "{{script}} line {{line}} holds a {{kind}}", severity: "high" },
    secretInDefinition: { text: "The definition file line {{line}} holds a {{kind}}", severity: "high" },
    secretInSingularityLabel: { text: "Label {{name}} holds a {{kind}}", severity: "high" },
  },
  remediation:
    "Remove the secret from %environment, %labels and %post, rebuild, and pass it at run time (`--env-file`, a bind-mounted file). Rotate any secret that was shared.",
  needs: { capabilities: ["singularity"] },
  run({ image, report }) {
    const metadata = image.singularity();
    if (!metadata) return;

    const variableKind = (name: string, value: string): { kind: string; value: string } | undefined => {
      const token = findTokens(value)[0];
      if (token) return { kind: token.kind, value: token.value };
      return isSecretName(name) && !isPlaceholder(value) ? { kind: "literal secret value", value } : undefined;
    };

    for (const [name, value] of Object.entries(metadata.environment)) {
      const found = variableKind(name, value);
      if (found) report({ messageId: "secretInEnvironment", evidence: variableEvidence(name, found.value), data: { name, kind: found.kind } });
    }

    // Variables already reported from the parsed environment are skipped in the scripts that set them.
    const reported = new Set(Object.entries(metadata.environment).filter(([name, value]) => variableKind(name, value)).map(([, value]) => value));
    for (const [script, text] of Object.entries(metadata.environmentScripts)) {
      for (const match of findSecrets(text)) {
        if (reported.has(match.value)) continue;
        report({ messageId: "secretInEnvironmentScript", path: script, evidence: secretEvidence(match.line, match.value), data: { script, line: match.line, kind: match.kind } });
      }
    }

    for (const [name, value] of Object.entries(metadata.labels)) {
      const found = variableKind(name, value);
      if (found) report({ messageId: "secretInSingularityLabel", evidence: variableEvidence(name, found.value), data: { name, kind: found.kind } });
    }

    for (const match of findSecrets(metadata.definition ?? "")) {
      report({ messageId: "secretInDefinition", evidence: secretEvidence(match.line, match.value), data: { line: match.line, kind: match.kind } });
    }
  },
});
