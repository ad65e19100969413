import { testCheck } from "@checks/plugin-tester";
import { singularitySecrets } from "../src/singularity-secrets.js";
import { GITLAB_TOKEN } from "./fixtures.js";

const DEFINITION = `Bootstrap: docker
From: debian:bookworm

%post
    apt-get update && apt-get install -y curl

%environment
    export LC_ALL=C
`;

testCheck(singularitySecrets, {
  valid: [
    { name: "docker image without metadata", image: { files: {} } },
    {
      name: "clean definition and environment",
      image: { singularity: { definition: DEFINITION, environment: { LC_ALL: "C" }, environmentScripts: { "/.singularity.d/env/90-environment.sh": "export LC_ALL=C\n" } } },
    },
  ],
  invalid: [
    {
      name: "token in the environment and its script",
      image: {
        singularity: {
          environment: { GITLAB_TOKEN },
          environmentScripts: { "/.singularity.d/env/90-environment.sh": `export GITLAB_TOKEN=${GITLAB_TOKEN}\n` },
        },
      },
      findings: [{ messageId: "secretInEnvironment", data: { name: "GITLAB_TOKEN", kind: "GitLab token" } }],
    },
    {
      name: "secret only in a script",
      image: { singularity: { environmentScripts: { "/.singularity.d/env/91-app.sh": "export APP_SECRET=Xk29dmQp7vB4\n" } } },
      findings: [{ messageId: "secretInEnvironmentScript", path: "/.singularity.d/env/91-app.sh", data: { line: 1, kind: "value of APP_SECRET" } }],
    },
    {
      name: "password in %post",
      image: { singularity: { definition: DEFINITION.replace("apt-get update", "export DB_PASSWORD=Xk29dmQp7vB4; apt-get update") } },
      findings: [{ messageId: "secretInDefinition", data: { line: 5, kind: "value of DB_PASSWORD" } }],
    },
    {
      name: "token in a label",
      image: { singularity: { labels: { "deploy.token": GITLAB_TOKEN } } },
      findings: [{ messageId: "secretInSingularityLabel", data: { name: "deploy.token", kind: "GitLab token" } }],
    },
  ],
});
