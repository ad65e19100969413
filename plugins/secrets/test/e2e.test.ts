import { runCheckOn } from "@checks/plugin-tester";
import type { RawFinding } from "@checks/sdk";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { configSecrets } from "../src/config-secrets.js";
import { deletedSecrets } from "../src/deleted-secrets.js";
import { privateKeys } from "../src/private-keys.js";
import { tokensInFiles } from "../src/tokens-in-files.js";
import { assertRanCleanly, describeFindings, sharedTestImage } from "./real-image.js";

/** Secret values planted in the test image. None of them may appear in any finding. */
const PLANTED_SECRETS = ["hunter2-planted", "ghp_plantedDeletedSecret0123456789abcdefAB", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"];

describe("secrets on the Debian test image", { timeout: 120_000 }, () => {
  const testImage = sharedTestImage(plugin.checks);

  it("every check runs cleanly", async () => {
    for (const check of plugin.checks) assertRanCleanly(await runCheckOn(check, await testImage()));
  });

  it("planted ssh key is found", async () => {
    const result = await runCheckOn(privateKeys, await testImage());
    expect(describeFindings(result)).toEqual(["privateKey /opt/app/keys/id_rsa"]);
  });

  it("deleted deploy token is found", async () => {
    const result = await runCheckOn(deletedSecrets, await testImage());
    expect(describeFindings(result)).toEqual(["deletedSecret /opt/app/deploy.env"]);
    expect(result.findings[0]?.layer).toBe(0);
    expect(result.findings[0]?.data.kind).toBe("GitHub token");
  });

  it("db password in ENV is found", async () => {
    const result = await runCheckOn(configSecrets, await testImage());
    expect(result.findings.map((finding) => `${finding.messageId} ${finding.data.name}`)).toEqual(["secretInEnv APP_DB_PASSWORD"]);
  });

  it("documented AWS example keys are skipped", async () => {
    const result = await runCheckOn(tokensInFiles, await testImage());
    expect(describeFindings(result)).not.toContain("token /opt/app/config.ini");
  });

  it("no finding carries a planted secret", async () => {
    const findings: RawFinding[] = [];
    for (const check of plugin.checks) findings.push(...(await runCheckOn(check, await testImage())).findings);
    expect(findings.length).toBeGreaterThan(0);
    const text = JSON.stringify(findings);
    for (const secret of PLANTED_SECRETS) expect(text).not.toContain(secret);
  });
});
