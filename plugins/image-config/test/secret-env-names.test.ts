import { testCheck } from "@checks/plugin-tester";
import { secretEnvNames } from "../src/secret-env-names.js";

testCheck(secretEnvNames, {
  valid: [
    { name: "ordinary variables", image: { config: { env: { PATH: "/usr/bin", PYTHONDONTWRITEBYTECODE: "1", GPG_KEY_ID: "ABCD" } } } },
    { name: "pointers to secrets", image: { config: { env: { POSTGRES_PASSWORD_FILE: "/run/secrets/db", TOKEN_URL: "https://auth.example.org/token" } } } },
    { name: "empty secret variable", image: { config: { env: { API_KEY: "" } } } },
  ],
  invalid: [
    {
      name: "password and aws secret",
      image: { config: { env: { APP_DB_PASSWORD: "hunter2-planted", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } } },
      findings: [
        { messageId: "secretEnvName", data: { name: "APP_DB_PASSWORD" }, evidence: "APP_DB_PASSWORD=hunt******** (15 chars)" },
        { messageId: "secretEnvName", data: { name: "AWS_SECRET_ACCESS_KEY" } },
      ],
    },
    { name: "lower-case token", image: { config: { env: { github_token: "abc" } } }, findings: [{ messageId: "secretEnvName", evidence: "github_token=******** (3 chars)" }] },
  ],
});
