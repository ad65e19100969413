import { runCheckOn, testCheck } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { duplicateIds } from "../src/duplicate-ids.js";
import { DEBIAN_GROUP, DEBIAN_PASSWD } from "./fixtures.js";

testCheck(duplicateIds, {
  valid: [
    { name: "unique debian ids", image: { files: { "/etc/passwd": DEBIAN_PASSWD, "/etc/group": DEBIAN_GROUP } } },
    { name: "uid 0 duplicates left to extra-root-accounts", image: { files: { "/etc/passwd": DEBIAN_PASSWD + "toor:x:0:0::/root:/bin/sh\n" } } },
  ],
  invalid: [
    {
      name: "two accounts share uid 1000",
      image: { files: { "/etc/passwd": DEBIAN_PASSWD + "app:x:1000:1000::/app:/bin/sh\ndev:x:1000:1000::/home/dev:/bin/sh\n" } },
      findings: [{ messageId: "duplicateUid", path: "/etc/passwd", data: { uid: 1000, users: "app, dev" } }],
    },
    {
      name: "two groups share gid 27",
      image: { files: { "/etc/group": DEBIAN_GROUP + "admins:x:27:app\n" } },
      findings: [{ messageId: "duplicateGid", path: "/etc/group", data: { gid: 27, groups: "sudo, admins" } }],
    },
  ],
});

it("skips malformed group lines and goes on", async () => {
  const result = await runCheckOn(duplicateIds, { files: { "/etc/group": "staff:x:50:\nbroken\nops:x:50:\n" } });
  expect(result.notes).toEqual(["Skipped /etc/group line 2: expected 4 fields, found 1."]);
  expect(result.findings.map((finding) => finding.data.groups)).toEqual(["staff, ops"]);
});
