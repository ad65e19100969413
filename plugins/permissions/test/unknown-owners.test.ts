import { runCheckOn, testCheck } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { unknownOwners } from "../src/unknown-owners.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nwww:x:33:33::/var/www:/usr/sbin/nologin\n";
const GROUP = "root:x:0:\ndaemon:x:1:\nwww:x:33:\n";
const accounts = { "/etc/passwd": PASSWD, "/etc/group": GROUP };

testCheck(unknownOwners, {
  valid: [
    { name: "owners all known", image: { files: { ...accounts, "/var/www/index.html": { content: "x", uid: 33, gid: 33 } } } },
    { name: "comment lines ignored", image: { files: { "/etc/passwd": "# local\n" + PASSWD, "/etc/group": GROUP } } },
  ],
  invalid: [
    {
      name: "copied tree reported once",
      image: {
        files: {
          ...accounts,
          "/app": { type: "directory", uid: 1000, gid: 33 },
          "/app/main.js": { content: "x", uid: 1000, gid: 33 },
          "/app/lib/util.js": { content: "x", uid: 1000, gid: 33 },
        },
      },
      findings: [{ messageId: "unknownUser", path: "/app", data: { uid: 1000, count: 3 } }],
    },
    {
      name: "unknown group only",
      image: { files: { ...accounts, "/srv/data": { content: "x", uid: 33, gid: 2000 } } },
      findings: [{ messageId: "unknownGroup", path: "/srv/data", data: { gid: 2000, count: 1 } }],
    },
    {
      name: "sibling with a similar name is separate",
      image: { files: { ...accounts, "/a": { type: "directory", uid: 7 }, "/a-b": { content: "x", uid: 7 }, "/a/c": { content: "x", uid: 7 } } },
      findings: [
        { messageId: "unknownUser", path: "/a", data: { count: 2 } },
        { messageId: "unknownUser", path: "/a-b", data: { count: 1 } },
      ],
    },
  ],
});

it("notes a missing /etc/passwd", async () => {
  const result = await runCheckOn(unknownOwners, { files: { "/srv/x": { content: "x", uid: 5 } } });
  expect(result.findings).toEqual([]);
  expect(result.notes).toContain("/etc/passwd is missing; file owners were not checked.");
});
