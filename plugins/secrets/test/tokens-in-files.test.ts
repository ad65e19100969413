import { testCheck } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import { findTokens } from "../src/tokens.js";
import { tokensInFiles } from "../src/tokens-in-files.js";
import { AWS_KEY_ID, GITHUB_TOKEN, GITLAB_TOKEN, NPM_TOKEN, PYPI_TOKEN, SLACK_TOKEN } from "./fixtures.js";

const LOCKFILE = JSON.stringify({
  packages: { "node_modules/zod": { version: "4.1.12", integrity: "sha512-JInaHOamG8pt5+Ey8kGmdcAcg3OL9reK8ltczgHTAwNhMys/6ThXHityHxVV2p3fkw/c+MAvBHFVYHFZDmjMCQ==" } },
});

testCheck(tokensInFiles, {
  valid: [
    { name: "integrity hashes in a lockfile", image: { files: { "/app/package-lock.json": LOCKFILE } } },
    { name: "aws documented example key id", image: { files: { "/opt/app/config.ini": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" } } },
    { name: "placeholder in .env", image: { files: { "/app/.env": "API_TOKEN=your-token-here\nDB_PASSWORD=${DB_PASSWORD}\nSECRET_KEY=changeme\n" } } },
    { name: "token in an undeclared folder", image: { files: { "/usr/share/doc/x/README.txt": GITHUB_TOKEN } } },
    { name: "credential file left to its parser", image: { files: { "/root/.npmrc": `//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n` } } },
    {
      name: "token shape inside a certificate body",
      image: { files: { "/etc/ssl/certs/ca-bundle.crt": "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\nMIIB/AIzaSyB1c2VyQHNvbWVjb3JwIGNvbnRlbnQgYWJ+ZGVmZ2hpams0QQ==\n-----END CERTIFICATE-----\n" } },
    },
    { name: "assignment outside .env files", image: { files: { "/etc/app/app.conf": "db_password = Xk29dmQp7\n" } } },
  ],
  invalid: [
    {
      name: "github token in a start script",
      image: { files: { "/usr/local/bin/start": `#!/bin/sh\ngit clone https://${GITHUB_TOKEN}@github.com/org/repo\n` } },
      findings: [{ messageId: "token", path: "/usr/local/bin/start", data: { kind: "GitHub token", line: 2 }, evidence: "line 2: ghp_******** (40 chars)" }],
    },
    {
      name: "several issuers in one yaml",
      image: { files: { "/opt/app/config.yaml": `gitlab: ${GITLAB_TOKEN}\nslack: ${SLACK_TOKEN}\npypi: ${PYPI_TOKEN}\naws: ${AWS_KEY_ID}\n` } },
      findings: [
        { messageId: "token", path: "/opt/app/config.yaml", data: { kind: "GitLab token", line: 1 } },
        { messageId: "token", path: "/opt/app/config.yaml", data: { kind: "Slack token", line: 2 } },
        { messageId: "token", path: "/opt/app/config.yaml", data: { kind: "PyPI token", line: 3 } },
        { messageId: "token", path: "/opt/app/config.yaml", data: { kind: "AWS access key id", line: 4 } },
      ],
    },
    {
      name: "secret assignment in .env",
      image: { files: { "/srv/api/.env": "PORT=8080\nSTRIPE_SECRET=Xk29dmQp7vB4\n" } },
      findings: [{ messageId: "token", path: "/srv/api/.env", data: { kind: "value of STRIPE_SECRET", line: 2 } }],
    },
    {
      name: "password in a database URL",
      image: { files: { "/etc/app/database.yml": "url: postgres://app:Xk29dmQp7@db.internal:5432/app\n" } },
      findings: [{ messageId: "token", path: "/etc/app/database.yml", data: { kind: "password in URL" } }],
    },
  ],
});

describe("findTokens on crafted input", () => {
  it("long dotted line without a URL", () => {
    expect(findTokens("a.".repeat(100_000))).toEqual([]);
  });
});
