import { defineCheck } from "@checks/sdk";
import { CREDENTIAL_GLOBS, findCredentials } from "./credential-formats.js";
import { secretEvidence } from "./evidence.js";
import { MAX_SCAN_BYTES } from "./globs.js";

export const credentialFiles = defineCheck({
  id: "credential-files",
  title: "Credentials in client configuration files",
  description:
    "Credentials stored in the configuration files of common clients: AWS credentials, npm `.npmrc` tokens, PyPI `.pypirc` and pip index passwords, Docker `config.json` auths, `.netrc`, `.pgpass`, git-credentials and kubeconfig tokens and keys. Placeholders and `${VAR}` references are not reported.",
  level: "high",
  tags: ["security", "secrets"],
  messages: {
    credential: { text: "{{path}} contains a {{kind}}", severity: "high" },
  },
  remediation:
    "Remove the file in the same build step that used it (or use a build secret such as `RUN --mount=type=secret`), rebuild so no layer keeps it, and rotate the credential.",
  needs: { paths: CREDENTIAL_GLOBS, content: true, maxBytes: MAX_SCAN_BYTES },
  run({ image, report }) {
    for (const file of image.files.walk(CREDENTIAL_GLOBS, { types: ["file"] })) {
      const text = image.files.readText(file.path);
      if (text === undefined) continue;
      for (const match of findCredentials(file.path, text) ?? []) {
        report({
          messageId: "credential",
          path: file.path,
          layer: file.layer,
          evidence: secretEvidence(match.line, match.value),
          data: { path: file.path, kind: match.kind },
        });
      }
    }
  },
});
