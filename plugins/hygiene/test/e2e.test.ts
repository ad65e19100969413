import { runCheckOn } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { packageCaches } from "../src/package-caches.js";
import { rootHomeContent } from "../src/root-home-content.js";
import { shellFiles } from "../src/shell-files.js";
import { assertRanCleanly, describeFindings, sharedTestImage } from "./real-image.js";

describe("hygiene on the Debian test image", { timeout: 120_000 }, () => {
  const testImage = sharedTestImage(plugin.checks);

  it("every check runs cleanly", async () => {
    for (const check of plugin.checks) assertRanCleanly(await runCheckOn(check, await testImage()));
  });

  it("planted apt caches are found", async () => {
    const found = describeFindings(await runCheckOn(packageCaches, await testImage()));
    expect(found).toContain("packageCache /var/cache/apt");
    expect(found).toContain("packageCache /var/lib/apt/lists");
  });

  it("credentials in root history are found", async () => {
    const result = await runCheckOn(shellFiles, await testImage());
    const lines = result.findings.filter((finding) => finding.messageId === "credentialInShellFile").map((finding) => finding.data.line);
    expect(lines).toEqual([2, 3]);
    expect(describeFindings(result)).toContain("historyFile /root/.bash_history");
    expect(JSON.stringify(result.findings)).not.toContain("S3cr3tPlanted");
  });

  it("root home holds only shell files", async () => {
    expect(describeFindings(await runCheckOn(rootHomeContent, await testImage()))).toEqual([]);
  });
});
