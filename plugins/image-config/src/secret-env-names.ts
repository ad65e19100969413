import { defineCheck, redact } from "@checks/sdk";
import { NO_CONFIG_NOTE } from "./no-config.js";

/** Names that end in a secret word; `DB_PASSWORD_FILE` and `TOKEN_URL` point at a secret and do not match. */
const SECRET_NAME =
  /(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_?KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH)$/i;

export const secretEnvNames = defineCheck({
  id: "secret-env-names",
  title: "Secret-looking ENV variables",
  description:
    "ENV variables whose name says they hold a secret (PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY and similar) and whose value is not empty. The image configuration is readable by anyone with the image, and the value is passed to every process.",
  level: "medium",
  tags: ["security", "docker", "config"],
  messages: {
    secretEnvName: { text: "ENV {{name}} is set in the image configuration and its name suggests a secret", severity: "medium" },
  },
  remediation:
    "Remove the ENV instruction and pass the secret when the container starts (an orchestrator secret, `--env-file` kept outside the image, or a `*_FILE` variable that names a mounted file).",
  needs: { capabilities: ["config"] },
  run({ image, report, note }) {
    const config = image.config();
    if (!config) {
      note(NO_CONFIG_NOTE);
      return;
    }
    for (const [name, value] of Object.entries(config.env)) {
      if (!SECRET_NAME.test(name) || value.trim() === "") continue;
      report({ messageId: "secretEnvName", evidence: `${name}=${redact(value)}`, data: { name } });
    }
  },
});
