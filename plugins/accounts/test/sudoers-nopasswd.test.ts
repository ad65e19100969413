import { runCheckOn, testCheck } from "@checks/plugin-tester";
import { expect, it } from "vitest";
import { sudoersNopasswd } from "../src/sudoers-nopasswd.js";

const DEBIAN_SUDOERS = [
  "# This file MUST be edited with the 'visudo' command as root.",
  'Defaults\tenv_reset',
  'Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
  "root\tALL=(ALL:ALL) ALL",
  "%sudo\tALL=(ALL:ALL) ALL",
  "@includedir /etc/sudoers.d",
  "",
].join("\n");

testCheck(sudoersNopasswd, {
  valid: [
    { name: "debian default sudoers", image: { files: { "/etc/sudoers": DEBIAN_SUDOERS } } },
    { name: "nopasswd for one command", image: { files: { "/etc/sudoers.d/backup": "backup ALL=(root) NOPASSWD: /usr/bin/rsync\n" } } },
    { name: "PASSWD tag overrides", image: { files: { "/etc/sudoers.d/ops": "ops ALL = NOPASSWD: /bin/ls, PASSWD: ALL\n" } } },
    { name: "commented-out rule", image: { files: { "/etc/sudoers": "# app ALL=(ALL) NOPASSWD: ALL\n" } } },
    { name: "file sudo ignores", image: { files: { "/etc/sudoers.d/app.bak": "app ALL=(ALL) NOPASSWD: ALL\n" } } },
  ],
  invalid: [
    {
      name: "app user in sudoers.d",
      image: { files: { "/etc/sudoers.d/app": "app ALL=(ALL) NOPASSWD: ALL\n" } },
      findings: [{ messageId: "nopasswdAll", path: "/etc/sudoers.d/app", data: { who: "app", line: 1 } }],
    },
    {
      name: "group rule after a command",
      image: { files: { "/etc/sudoers": DEBIAN_SUDOERS + "%wheel ALL=(ALL) NOPASSWD: /bin/ls, ALL\n" } },
      findings: [{ messageId: "nopasswdAll", path: "/etc/sudoers", data: { who: "%wheel", line: 7 } }],
    },
    {
      name: "continued line without spaces",
      image: { files: { "/etc/sudoers.d/ci": "ci ALL=(ALL:ALL) \\\n  NOPASSWD:ALL\n" } },
      findings: [{ messageId: "nopasswdAll", path: "/etc/sudoers.d/ci", data: { line: 1 } }],
    },
    {
      name: "authentication turned off",
      image: { files: { "/etc/sudoers": "Defaults !authenticate\n" } },
      findings: [{ messageId: "authenticateDisabled", path: "/etc/sudoers" }],
    },
  ],
});

it("notes files sudo ignores", async () => {
  const result = await runCheckOn(sudoersNopasswd, { files: { "/etc/sudoers.d/README~": "x ALL=NOPASSWD: ALL\n" } });
  expect(result.notes[0]).toMatch(/README~ is ignored by sudo/);
});
