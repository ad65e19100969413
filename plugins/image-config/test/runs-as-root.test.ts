import { runCheckOn, testCheck, virtualImage } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { runsAsRoot } from "../src/runs-as-root.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/bash\napp:x:10001:10001::/app:/usr/sbin/nologin\n";

testCheck(runsAsRoot, {
  valid: [
    { name: "numeric unprivileged user", image: { config: { user: "10001:10001" } } },
    { name: "named unprivileged user", image: { files: { "/etc/passwd": PASSWD }, config: { user: "app" } } },
    { name: "unknown name is not root", image: { config: { user: "nobody-here" } } },
    { name: "singularity runs as the caller", image: { format: "sif", config: {} } },
  ],
  invalid: [
    { name: "no USER", image: { config: {} }, findings: [{ messageId: "noUser" }] },
    { name: "USER root", image: { config: { user: "root" } }, findings: [{ messageId: "rootUser", data: { user: "root" } }] },
    { name: "USER 0 with a group", image: { config: { user: "0:1000" } }, findings: [{ messageId: "rootUser", data: { user: "0:1000" } }] },
    { name: "name with uid 0", image: { files: { "/etc/passwd": PASSWD }, config: { user: "toor" } }, findings: [{ messageId: "rootUser", data: { user: "toor" } }] },
  ],
});

it("notes a root filesystem without config", async () => {
  const image = virtualImage({ files: {} });
  delete image.config;
  const result = await runCheckOn(runsAsRoot, image);
  expect(result.findings).toEqual([]);
  expect(result.notes[0]).toMatch(/no configuration/);
});
