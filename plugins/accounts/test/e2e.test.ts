import { runCheckOn } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { duplicateIds } from "../src/duplicate-ids.js";
import { emptyPasswords } from "../src/empty-passwords.js";
import { extraRootAccounts } from "../src/extra-root-accounts.js";
import { passwordHashes } from "../src/password-hashes.js";
import { sudoersNopasswd } from "../src/sudoers-nopasswd.js";
import { systemAccountShells } from "../src/system-account-shells.js";
import { assertRanCleanly, describeFindings, sharedTestImage } from "./real-image.js";

describe("accounts on the Debian test image", { timeout: 120_000 }, () => {
  const testImage = sharedTestImage(plugin.checks);

  it("every check runs cleanly", async () => {
    for (const check of plugin.checks) assertRanCleanly(await runCheckOn(check, await testImage()));
  });

  it("toor is an extra root account", async () => {
    const result = await runCheckOn(extraRootAccounts, await testImage());
    expect(result.findings.map((finding) => finding.data.user)).toEqual(["toor"]);
  });

  it("app has an empty password", async () => {
    const result = await runCheckOn(emptyPasswords, await testImage());
    expect(result.findings.map((finding) => `${finding.data.user} ${finding.path}`)).toEqual(["app /etc/shadow"]);
  });

  it("app has passwordless sudo", async () => {
    expect(describeFindings(await runCheckOn(sudoersNopasswd, await testImage()))).toEqual(["nopasswdAll /etc/sudoers.d/app"]);
  });

  it("debian accounts raise nothing else", async () => {
    expect(describeFindings(await runCheckOn(duplicateIds, await testImage()))).toEqual([]);
    expect(describeFindings(await runCheckOn(passwordHashes, await testImage()))).toEqual([]);
    expect(describeFindings(await runCheckOn(systemAccountShells, await testImage()))).toEqual([]);
  });
});
