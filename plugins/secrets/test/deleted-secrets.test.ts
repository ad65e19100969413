import { testCheck } from "@checks/plugin-tester";
import { deletedSecrets } from "../src/deleted-secrets.js";
import { GITHUB_TOKEN, RSA_PRIVATE_KEY } from "./fixtures.js";

testCheck(deletedSecrets, {
  valid: [
    { name: "secret still visible is another check", image: { layers: [{ files: { "/opt/app/deploy.env": `DEPLOY_TOKEN=${GITHUB_TOKEN}\n` } }] } },
    {
      name: "deleted file without secrets",
      image: { layers: [{ files: { "/opt/app/build.env": "MODE=release\n" } }, { files: { "/opt/app/build.env": { whiteout: true } } }] },
    },
    {
      name: "deleted host key left to hygiene",
      image: { layers: [{ files: { "/etc/ssh/ssh_host_rsa_key": RSA_PRIVATE_KEY } }, { files: { "/etc/ssh/ssh_host_rsa_key": { whiteout: true } } }] },
    },
    {
      name: "secret still in the copied-up file",
      image: {
        layers: [
          { files: { "/srv/api/.env": `GITHUB_TOKEN=${GITHUB_TOKEN}\n` } },
          { files: { "/srv/api/.env": { content: `GITHUB_TOKEN=${GITHUB_TOKEN}\n`, mode: 0o600 } } },
        ],
      },
    },
  ],
  invalid: [
    {
      name: "rewritten file lost one of two secrets",
      image: {
        layers: [
          { files: { "/srv/api/.env": `GITHUB_TOKEN=${GITHUB_TOKEN}\nAPI_SECRET=Xk29dmQp7vB4\n` } },
          { files: { "/srv/api/.env": `GITHUB_TOKEN=${GITHUB_TOKEN}\n` } },
        ],
      },
      findings: [{ messageId: "deletedSecret", path: "/srv/api/.env", layer: 0, data: { kind: "value of API_SECRET" } }],
    },
    {
      name: "token file deleted by a whiteout",
      image: {
        layers: [
          { files: { "/opt/app/deploy.env": `DEPLOY_TOKEN=${GITHUB_TOKEN}\n` } },
          { files: { "/opt/app/deploy.env": { whiteout: true } } },
        ],
      },
      findings: [{ messageId: "deletedSecret", path: "/opt/app/deploy.env", layer: 0, data: { kind: "GitHub token", layer: 0 }, evidence: "line 1: ghp_******** (40 chars)" }],
    },
    {
      name: "key overwritten by a later layer",
      image: { layers: [{ files: { "/root/.ssh/id_rsa": RSA_PRIVATE_KEY } }, { files: { "/root/.ssh/id_rsa": "" } }] },
      findings: [{ messageId: "deletedSecret", path: "/root/.ssh/id_rsa", layer: 0, data: { kind: "RSA private key" }, evidence: "line 1: -----BEGIN RSA PRIVATE KEY-----" }],
    },
    {
      name: "folder removed by an opaque directory",
      image: {
        layers: [
          { files: { "/root/.aws/credentials": "[default]\naws_secret_access_key = Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo\n" } },
          { files: { "/root/.aws": { type: "directory", opaque: true } } },
        ],
      },
      findings: [{ messageId: "deletedSecret", path: "/root/.aws/credentials", layer: 0, data: { kind: "AWS secret access key" } }],
    },
  ],
});
