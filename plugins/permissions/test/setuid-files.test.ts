import { runCheckOn, testCheck } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { setuidFiles } from "../src/setuid-files.js";

const DEBIAN = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
const ALPINE = 'ID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20"\n';
const ROCKY = 'ID="rocky"\nID_LIKE="rhel centos fedora"\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\n';
const setuid = (mode = 0o4755) => ({ content: "\x7fELF", mode });

testCheck(setuidFiles, {
  valid: [
    { name: "no special bits", image: { osRelease: DEBIAN, files: { "/usr/bin/ls": { content: "x", mode: 0o755 } } } },
    { name: "setuid directory is not a file", image: { osRelease: DEBIAN, files: { "/srv/shared": { type: "directory", mode: 0o4755 } } } },
  ],
  invalid: [
    {
      name: "allow option makes a helper expected",
      image: { osRelease: DEBIAN, files: { "/opt/site/bin/helper": setuid() } },
      options: { allow: ["/opt/site/bin/*"] },
      findings: [{ messageId: "expectedSetuid", path: "/opt/site/bin/helper" }],
    },
    {
      name: "debian su and chage are expected",
      image: { osRelease: DEBIAN, files: { "/usr/bin/su": setuid(), "/usr/bin/chage": setuid(0o2755) } },
      findings: [
        { messageId: "expectedSetuid", path: "/usr/bin/chage", data: { bits: "setgid", distribution: "Debian GNU/Linux 12 (bookworm)" } },
        { messageId: "expectedSetuid", path: "/usr/bin/su", data: { bits: "setuid", uid: 0 } },
      ],
    },
    {
      name: "unmerged /bin path matches the table",
      image: { osRelease: DEBIAN, files: { "/bin/mount": setuid() } },
      findings: [{ messageId: "expectedSetuid", path: "/bin/mount" }],
    },
    {
      name: "setuid under /usr/local is high",
      image: { osRelease: DEBIAN, files: { "/usr/local/bin/backup-helper": setuid() } },
      findings: [{ messageId: "unexpectedSetuid", path: "/usr/local/bin/backup-helper" }],
    },
    {
      name: "setuid in opt, home and tmp",
      image: {
        osRelease: DEBIAN,
        files: { "/opt/tool/run": setuid(), "/home/dev/sh": setuid(0o6755), "/tmp/x": { content: "x", mode: 0o4777, uid: 1000 } },
      },
      findings: [
        { messageId: "unexpectedSetuid", path: "/home/dev/sh", data: { bits: "setuid and setgid" } },
        { messageId: "unexpectedSetuid", path: "/opt/tool/run" },
        { messageId: "unexpectedSetuid", path: "/tmp/x", data: { uid: 1000 } },
      ],
    },
    {
      name: "alpine bbsuid expected, debian helper not",
      image: { osRelease: ALPINE, files: { "/bin/bbsuid": setuid(), "/usr/lib/openssh/ssh-keysign": setuid() } },
      findings: [
        { messageId: "expectedSetuid", path: "/bin/bbsuid" },
        { messageId: "unexpectedSetuid", path: "/usr/lib/openssh/ssh-keysign" },
      ],
    },
    {
      name: "rhel family through ID_LIKE",
      image: { osRelease: ROCKY, files: { "/usr/bin/crontab": setuid(), "/usr/sbin/unix_chkpwd": setuid() } },
      findings: [
        { messageId: "expectedSetuid", path: "/usr/bin/crontab" },
        { messageId: "expectedSetuid", path: "/usr/sbin/unix_chkpwd" },
      ],
    },
    {
      name: "setuid in a later layer",
      image: { layers: [{ files: { "/usr/bin/true": "x" } }, { files: { "/usr/bin/true": setuid() } }] },
      findings: [{ messageId: "unexpectedSetuid", path: "/usr/bin/true", layer: 1, data: { distribution: "an unknown distribution" } }],
    },
  ],
});

testCheck(setuidFiles, {
  invalid: [
    {
      name: "os-release read from the image",
      image: {
        files: {
          "/usr/lib/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n',
          "/etc/os-release": { symlink: "../usr/lib/os-release" },
          "/usr/bin/su": setuid(),
        },
      },
      findings: [{ messageId: "expectedSetuid", path: "/usr/bin/su", data: { distribution: "Debian GNU/Linux 12 (bookworm)" } }],
    },
  ],
});

it("rejects an invalid allow glob", async () => {
  const result = await runCheckOn(setuidFiles, { files: {} }, { allow: ["opt/site/*"] });
  expect(result.error?.code).toBe("INVALID_OPTIONS");
  expect(result.error?.message).toContain("allow.0");
});
