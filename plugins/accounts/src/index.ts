import { definePlugin } from "@checks/sdk";
import { duplicateIds } from "./duplicate-ids.js";
import { emptyPasswords } from "./empty-passwords.js";
import { extraRootAccounts } from "./extra-root-accounts.js";
import { passwordHashes } from "./password-hashes.js";
import { sudoersNopasswd } from "./sudoers-nopasswd.js";
import { systemAccountShells } from "./system-account-shells.js";

export default definePlugin({
  checks: [emptyPasswords, passwordHashes, duplicateIds, extraRootAccounts, sudoersNopasswd, systemAccountShells],
});
