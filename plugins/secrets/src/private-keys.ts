import { defineCheck } from "@checks/sdk";
import { MAX_SCAN_BYTES, PRIVATE_KEY_GLOBS, isSshHostKey } from "./globs.js";
import { findPrivateKeys } from "./private-key-text.js";
import { looksBinary } from "./tokens.js";

export const privateKeys = defineCheck({
  id: "private-keys",
  title: "Private keys",
  description:
    "PEM private keys (RSA, DSA, EC, PKCS#8), OpenSSH, PGP, PuTTY and GnuPG private keys in key files, SSH folders and TLS key folders. Anyone who pulls the image gets the key. Public keys and certificates are not reported; SSH host keys are left to hygiene's machine-specific-files check.",
  level: "high",
  tags: ["security", "secrets"],
  messages: {
    privateKey: { text: "{{path}} contains an unencrypted {{kind}}", severity: "high" },
    encryptedPrivateKey: { text: "{{path}} contains a passphrase-protected {{kind}}", severity: "medium" },
  },
  remediation:
    "Remove the key from the image and from every layer (rebuild without it; deleting it in a later layer leaves it extractable), revoke or rotate it, and mount keys at run time as a secret or volume.",
  needs: { paths: PRIVATE_KEY_GLOBS, content: true, maxBytes: MAX_SCAN_BYTES },
  run({ image, report }) {
    for (const file of image.files.walk(PRIVATE_KEY_GLOBS, { types: ["file"] })) {
      if (isSshHostKey(file.path)) continue;
      const bytes = image.files.readBytes(file.path);
      if (!bytes || looksBinary(bytes)) continue;

      const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
      for (const key of findPrivateKeys(text)) {
        report({
          messageId: key.encrypted ? "encryptedPrivateKey" : "privateKey",
          path: file.path,
          layer: file.layer,
          evidence: `line ${key.line}: ${key.header}`,
          data: { path: file.path, kind: key.kind },
        });
      }
    }
  },
});
