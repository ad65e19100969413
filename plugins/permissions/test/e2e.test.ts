import { runCheckOn } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { deviceNodes } from "../src/device-nodes.js";
import { fileCapabilities } from "../src/file-capabilities.js";
import { setuidFiles } from "../src/setuid-files.js";
import { unknownOwners } from "../src/unknown-owners.js";
import { worldWritable } from "../src/world-writable.js";
import { assertRanCleanly, describeFindings, sharedTestImage } from "./real-image.js";

describe("permissions on the Debian test image", { timeout: 120_000 }, () => {
  const testImage = sharedTestImage(plugin.checks);

  it("every check runs cleanly", async () => {
    for (const check of plugin.checks) assertRanCleanly(await runCheckOn(check, await testImage()));
  });

  it("planted setuid helper is unexpected", async () => {
    const result = await runCheckOn(setuidFiles, await testImage());
    const unexpected = result.findings.filter((finding) => finding.messageId === "unexpectedSetuid");
    expect(unexpected.map((finding) => finding.path)).toEqual(["/usr/local/bin/backup-helper"]);
  });

  it("debian setuid files are expected", async () => {
    const result = await runCheckOn(setuidFiles, await testImage());
    expect(describeFindings(result)).toContain("expectedSetuid /usr/bin/su");
    expect(result.findings.find((finding) => finding.path === "/usr/bin/passwd")?.data.distribution).toMatch(/^Debian/);
  });

  it("uploads folder is world-writable", async () => {
    expect(describeFindings(await runCheckOn(worldWritable, await testImage()))).toEqual(["worldWritableDirectory /srv/uploads"]);
  });

  it("net-helper capabilities are high", async () => {
    const result = await runCheckOn(fileCapabilities, await testImage());
    expect(describeFindings(result)).toEqual(["fileCapabilities /usr/local/bin/net-helper"]);
    expect(result.findings[0]?.severity).toBe("high");
    expect(result.findings[0]?.data.capabilities).toBe("cap_net_admin,cap_net_raw=ep");
  });

  it("no devices or unknown owners", async () => {
    expect(describeFindings(await runCheckOn(deviceNodes, await testImage()))).toEqual([]);
    expect(describeFindings(await runCheckOn(unknownOwners, await testImage()))).toEqual([]);
  });
});
