import { defineCheck, matchAny } from "@checks/sdk";
import { CREDENTIAL_GLOBS } from "./credential-formats.js";
import { secretEvidence } from "./evidence.js";
import { MAX_SCAN_BYTES, TOKEN_SCAN_GLOBS } from "./globs.js";
import { isEnvFile } from "./scan-file.js";
import { dedupeMatches, findSecretAssignments, findTokens, looksBinary } from "./tokens.js";

export const tokensInFiles = defineCheck({
  id: "tokens-in-files",
  title: "Tokens and keys in configuration files",
  description:
    "Service tokens with a documented shape (AWS key ids and secret keys, GitHub, GitLab, Slack, npm, PyPI, Stripe and Google API keys), passwords inside URLs, and in .env files any secret-named variable with a literal value. Scans /etc, home folders and configuration files of application folders such as /opt, /srv and /app.",
  level: "high",
  tags: ["security", "secrets"],
  messages: {
    token: { text: "{{path}} contains a {{kind}} on line {{line}}", severity: "high" },
  },
  remediation:
    "Remove the secret from the file and from every layer, pass it at run time (environment from a secret store, a mounted file), and revoke or rotate it.",
  needs: { paths: TOKEN_SCAN_GLOBS, content: true, maxBytes: MAX_SCAN_BYTES },
  run({ image, report }) {
    for (const file of image.files.walk(TOKEN_SCAN_GLOBS, { types: ["file"] })) {
      // Credential files have their own parser in credential-files.
      if (matchAny(CREDENTIAL_GLOBS, file.path)) continue;
      const bytes = image.files.readBytes(file.path);
      if (!bytes || looksBinary(bytes)) continue;

      const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
      const matches = dedupeMatches([...findTokens(text), ...(isEnvFile(file.path) ? findSecretAssignments(text) : [])]);
      for (const match of matches) {
        report({
          messageId: "token",
          path: file.path,
          layer: file.layer,
          evidence: secretEvidence(match.line, match.value),
          data: { path: file.path, kind: match.kind, line: match.line },
        });
      }
    }
  },
});
