import { defineCheck, matchAny, redact } from "@checks/sdk";
import { CREDENTIAL_GLOBS } from "./credential-formats.js";
import { MAX_SCAN_BYTES, PRIVATE_KEY_GLOBS, TOKEN_SCAN_GLOBS, isSshHostKey } from "./globs.js";
import { scanFile } from "./scan-file.js";
import type { FileSecret } from "./scan-file.js";

/** Identifies a secret independently of its line, to compare a layer's copy with the merged file. */
const secretKey = (secret: FileSecret): string => `${secret.kind}\0${secret.value ?? secret.header ?? ""}`;

const GLOBS = [...new Set([...PRIVATE_KEY_GLOBS, ...CREDENTIAL_GLOBS, ...TOKEN_SCAN_GLOBS])];

export const deletedSecrets = defineCheck({
  id: "deleted-secrets",
  title: "Secrets in deleted layer files",
  description:
    "Private keys, credentials and tokens in files that a later layer deleted or replaced. The file is gone from the container's filesystem but stays in the earlier layer, where anyone who pulls the image can extract it.",
  level: "high",
  tags: ["security", "secrets", "docker"],
  messages: {
    deletedSecret: {
      text: "{{path}} in layer {{layer}} contains a {{kind}}; a later layer deleted or replaced the file but the layer still holds it",
      severity: "high",
    },
  },
  remediation:
    "Rebuild so the secret never enters a layer: use a build secret (`RUN --mount=type=secret`) or a multi-stage build, or create and delete the file in the same RUN step. Then rotate the secret, since published layers keep it.",
  needs: { paths: GLOBS, content: true, maxBytes: MAX_SCAN_BYTES, capabilities: ["layers"] },
  run({ image, report }) {
    for (const layer of image.layers()) {
      for (const entry of layer.entries()) {
        if (!entry.hiddenInMerged || entry.type !== "file" || entry.whiteout || isSshHostKey(entry.path)) continue;
        if (!matchAny(GLOBS, entry.path)) continue;
        const bytes = layer.readBytes(entry.path);
        if (!bytes) continue;

        // A file that a later layer only copied up (chmod, touch) still shows the secret in the
        // merged view, where the file checks report it; only secrets the merged file lost count here.
        const merged = image.files.readBytes(entry.path);
        const visible = new Set((merged ? scanFile(entry.path, merged) : []).map(secretKey));
        for (const secret of scanFile(entry.path, bytes)) {
          if (visible.has(secretKey(secret))) continue;
          report({
            messageId: "deletedSecret",
            path: entry.path,
            layer: layer.index,
            evidence: `line ${secret.line}: ${secret.value === undefined ? secret.header : redact(secret.value)}`,
            data: { path: entry.path, layer: layer.index, kind: secret.encrypted ? `passphrase-protected ${secret.kind}` : secret.kind },
          });
        }
      }
    }
  },
});
