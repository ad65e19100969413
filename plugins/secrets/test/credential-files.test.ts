import { testCheck } from "@checks/plugin-tester";
import { credentialFiles } from "../src/credential-files.js";
import { AWS_KEY_ID, AWS_SECRET, GITHUB_TOKEN, NPM_TOKEN } from "./fixtures.js";

const dockerAuth = Buffer.from("ci-user:s3cr3t-registry-pass").toString("base64");

testCheck(credentialFiles, {
  valid: [
    { name: "npmrc with an env reference", image: { files: { "/root/.npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n" } } },
    {
      name: "aws documented example keys",
      image: { files: { "/root/.aws/credentials": "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" } },
    },
    { name: "docker config with a helper", image: { files: { "/root/.docker/config.json": '{"credsStore":"desktop","auths":{"ghcr.io":{}}}' } } },
    { name: "pgpass placeholder", image: { files: { "/home/app/.pgpass": "db:5432:app:app:changeme\n" } } },
    { name: "kubeconfig with exec plugin", image: { files: { "/root/.kube/config": "users:\n- name: u\n  user:\n    exec:\n      command: aws\n" } } },
  ],
  invalid: [
    {
      name: "aws credentials file",
      image: { files: { "/root/.aws/credentials": `[default]\naws_access_key_id = ${AWS_KEY_ID}\naws_secret_access_key = ${AWS_SECRET}\n` } },
      findings: [{ messageId: "credential", path: "/root/.aws/credentials", data: { kind: "AWS secret access key" }, evidence: "line 3: Zm9v******** (40 chars)" }],
    },
    {
      name: "npm auth token",
      image: { files: { "/home/node/.npmrc": `//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n` } },
      findings: [{ messageId: "credential", path: "/home/node/.npmrc", data: { kind: "npm _authToken" } }],
    },
    {
      name: "pypirc password",
      image: { files: { "/root/.pypirc": "[pypi]\nusername = __token__\npassword = pypi-realLookingValue123456\n" } },
      findings: [{ messageId: "credential", path: "/root/.pypirc", data: { kind: "PyPI password" } }],
    },
    {
      name: "docker registry auth",
      image: { files: { "/root/.docker/config.json": JSON.stringify({ auths: { "registry.example.org": { auth: dockerAuth } } }) } },
      findings: [{ messageId: "credential", path: "/root/.docker/config.json", data: { kind: "Docker registry auth for registry.example.org" } }],
    },
    {
      name: "netrc, pgpass and git-credentials",
      image: {
        files: {
          "/root/.netrc": "machine api.example.org login ci password Xk29dmQp7\n",
          "/root/.pgpass": "db.internal:5432:*:app:Pq9\\:xZ7mw\n",
          "/root/.git-credentials": `https://ci:${GITHUB_TOKEN}@github.com\n`,
        },
      },
      findings: [
        { messageId: "credential", path: "/root/.git-credentials", data: { kind: "git credential" } },
        { messageId: "credential", path: "/root/.netrc", data: { kind: "netrc password" } },
        { messageId: "credential", path: "/root/.pgpass", data: { kind: "PostgreSQL password" } },
      ],
    },
    {
      name: "kubeconfig bearer token",
      image: { files: { "/root/.kube/config": "users:\n- name: admin\n  user:\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.payload.signature\n" } },
      findings: [{ messageId: "credential", path: "/root/.kube/config", data: { kind: "kubeconfig token" } }],
    },
  ],
});
