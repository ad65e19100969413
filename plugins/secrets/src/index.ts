import { definePlugin } from "@checks/sdk";
import { configSecrets } from "./config-secrets.js";
import { credentialFiles } from "./credential-files.js";
import { deletedSecrets } from "./deleted-secrets.js";
import { privateKeys } from "./private-keys.js";
import { singularitySecrets } from "./singularity-secrets.js";
import { tokensInFiles } from "./tokens-in-files.js";

export default definePlugin({
  checks: [privateKeys, credentialFiles, tokensInFiles, configSecrets, singularitySecrets, deletedSecrets],
});
