import { runCheckOn } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { buildHistory } from "../src/build-history.js";
import { healthcheck } from "../src/healthcheck.js";
import { latestTag } from "../src/latest-tag.js";
import { runsAsRoot } from "../src/runs-as-root.js";
import { secretEnvNames } from "../src/secret-env-names.js";
import { sensitiveVolumes } from "../src/sensitive-volumes.js";
import { sshPort } from "../src/ssh-port.js";
import { assertRanCleanly, describeFindings, sharedTestImage } from "./real-image.js";

describe("image-config on the Debian test image", { timeout: 120_000 }, () => {
  const testImage = sharedTestImage(plugin.checks);

  it("every check runs cleanly", async () => {
    for (const check of plugin.checks) assertRanCleanly(await runCheckOn(check, await testImage()));
  });

  it("image runs as root", async () => {
    expect(describeFindings(await runCheckOn(runsAsRoot, await testImage()))).toEqual(["noUser"]);
  });

  it("secret ENV names are found", async () => {
    const result = await runCheckOn(secretEnvNames, await testImage());
    expect(result.findings.map((finding) => finding.data.name).sort()).toEqual(["APP_DB_PASSWORD", "AWS_SECRET_ACCESS_KEY"]);
    expect(JSON.stringify(result.findings)).not.toContain("hunter2-planted");
  });

  it("ssh port is exposed", async () => {
    const result = await runCheckOn(sshPort, await testImage());
    expect(result.findings.map((finding) => finding.data.port)).toEqual(["22/tcp"]);
  });

  it("piped installer in history", async () => {
    const result = await runCheckOn(buildHistory, await testImage());
    expect(describeFindings(result)).toEqual(["pipeToShell"]);
    expect(result.findings[0]?.evidence).toContain("install.sh | sh");
  });

  it("no healthcheck and latest tag", async () => {
    expect(describeFindings(await runCheckOn(healthcheck, await testImage()))).toEqual(["missingHealthcheck"]);
    expect(describeFindings(await runCheckOn(latestTag, await testImage()))).toEqual(["latestTag"]);
  });

  it("uploads volume is not sensitive", async () => {
    expect(describeFindings(await runCheckOn(sensitiveVolumes, await testImage()))).toEqual([]);
  });
});
