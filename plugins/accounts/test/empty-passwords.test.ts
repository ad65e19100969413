import { runCheckOn, testCheck } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { emptyPasswords } from "../src/empty-passwords.js";
import { DEBIAN_PASSWD, DEBIAN_SHADOW } from "./fixtures.js";

testCheck(emptyPasswords, {
  valid: [
    { name: "locked debian accounts", image: { files: { "/etc/passwd": DEBIAN_PASSWD, "/etc/shadow": DEBIAN_SHADOW } } },
    { name: "no account files", image: { files: { "/etc/hostname": "box\n" } } },
    { name: "locked with bang", image: { files: { "/etc/shadow": "app:!:19700:0:99999:7:::\nsvc:!!:19700::::::\n" } } },
  ],
  invalid: [
    {
      name: "empty shadow field",
      image: { files: { "/etc/passwd": DEBIAN_PASSWD + "app:x:1000:1000::/opt/app:/bin/bash\n", "/etc/shadow": DEBIAN_SHADOW + "app::19700:0:99999:7:::\n" } },
      findings: [{ messageId: "emptyPassword", path: "/etc/shadow", data: { user: "app", file: "/etc/shadow" } }],
    },
    {
      name: "empty passwd field reported once",
      image: { files: { "/etc/passwd": "guest::1001:1001::/home/guest:/bin/sh\n", "/etc/shadow": "guest::19700:0:99999:7:::\n" } },
      findings: [{ messageId: "emptyPassword", path: "/etc/passwd", data: { user: "guest", file: "/etc/passwd" } }],
    },
    {
      name: "parsing goes on after a malformed line",
      image: { files: { "/etc/shadow": "broken line without colons\nlate::19700:0:99999:7:::\n" } },
      findings: [{ messageId: "emptyPassword", path: "/etc/shadow", data: { user: "late" } }],
    },
  ],
});

it("notes malformed lines", async () => {
  const result = await runCheckOn(emptyPasswords, { files: { "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\nbad:x:abc:0:::\n" } });
  expect(result.notes).toContain('Skipped /etc/passwd line 2: uid "abc" is not a number.');
});
