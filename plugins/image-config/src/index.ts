import { definePlugin } from "@checks/sdk";
import { buildHistory } from "./build-history.js";
import { healthcheck } from "./healthcheck.js";
import { latestTag } from "./latest-tag.js";
import { runsAsRoot } from "./runs-as-root.js";
import { secretEnvNames } from "./secret-env-names.js";
import { sensitiveVolumes } from "./sensitive-volumes.js";
import { singularityScripts } from "./singularity-scripts.js";
import { sshPort } from "./ssh-port.js";

export default definePlugin({
  checks: [runsAsRoot, secretEnvNames, sensitiveVolumes, sshPort, buildHistory, singularityScripts, healthcheck, latestTag],
});
