import { runCheckOn, testCheck } from "@checks/plugin-tester";
import { virtualImage } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { configSecrets } from "../src/config-secrets.js";
import { GITHUB_TOKEN, NPM_TOKEN } from "./fixtures.js";

testCheck(configSecrets, {
  valid: [
    { name: "ordinary environment", image: { config: { env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", NODE_VERSION: "20.20.0" } } } },
    {
      name: "secret names without secrets",
      image: {
        config: {
          env: {
            POSTGRES_PASSWORD_FILE: "/run/secrets/db",
            DB_PASSWORD: "${DB_PASSWORD}",
            AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            API_TOKEN: "",
          },
        },
      },
    },
    { name: "integrity hash in a label", image: { config: { labels: { "org.example.bundle.token": "sha512-JInaHOamG8pt5+Ey8kGmdcAcg3OL9reK8ltczgHTAwNhMys/6ThXHityHxVV2p3fkw==" } } } },
    { name: "singularity image left to singularity-secrets", image: { format: "sif", config: { env: { APP_DB_PASSWORD: "hunter2-planted" } } } },
    { name: "elided values in history", image: { config: { history: [{ createdBy: "/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY=... APP_DB_PASSWORD=..." }] } } },
  ],
  invalid: [
    {
      name: "password in ENV",
      image: { config: { env: { APP_DB_PASSWORD: "hunter2-planted" } } },
      findings: [{ messageId: "secretInEnv", data: { name: "APP_DB_PASSWORD", kind: "literal secret value" }, evidence: "APP_DB_PASSWORD=hunt******** (15 chars)" }],
    },
    {
      name: "token under an innocent name",
      image: { config: { env: { GIT_REMOTE: `https://x:${GITHUB_TOKEN}@github.com/org/repo` } } },
      findings: [{ messageId: "secretInEnv", data: { name: "GIT_REMOTE", kind: "GitHub token" } }],
    },
    {
      name: "token in a label",
      image: { config: { labels: { "ci.npm": NPM_TOKEN } } },
      findings: [{ messageId: "secretInLabel", data: { name: "ci.npm", kind: "npm token" } }],
    },
    {
      name: "build argument in history",
      image: { config: { history: [{ createdBy: "/bin/sh -c apt-get update" }, { createdBy: "|1 NPM_TOKEN=Xk29dmQp7vB4zz /bin/sh -c npm ci" }] } },
      findings: [{ messageId: "secretInHistory", data: { step: 2, kind: "value of NPM_TOKEN" } }],
    },
  ],
});

it("notes an image without configuration", async () => {
  const image = virtualImage({ files: {} });
  delete image.config;
  const result = await runCheckOn(configSecrets, image);
  expect(result.findings).toEqual([]);
  expect(result.notes).toContain("The image has no configuration; nothing to check.");
});
