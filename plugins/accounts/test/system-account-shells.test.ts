import { testCheck } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import { systemAccountShells, uidMin } from "../src/system-account-shells.js";
import { DEBIAN_PASSWD } from "./fixtures.js";

describe("uidMin", () => {
  it("reads UID_MIN", () => expect(uidMin("UID_MIN\t\t\t 500\nUID_MAX 60000\n")).toBe(500));
  it("defaults to 1000", () => expect(uidMin(undefined)).toBe(1000));
  it("reads past many blank lines", () => expect(uidMin("\n".repeat(200_000) + "UID_MIN 500\n")).toBe(500));
});

testCheck(systemAccountShells, {
  valid: [
    { name: "debian nologin and sync", image: { files: { "/etc/passwd": DEBIAN_PASSWD } } },
    { name: "regular user with bash", image: { files: { "/etc/passwd": "app:x:1000:1000::/app:/bin/bash\n" } } },
    { name: "rhel shutdown and halt", image: { files: { "/etc/passwd": "shutdown:x:6:0::/sbin:/sbin/shutdown\nhalt:x:7:0::/sbin:/sbin/halt\n" } } },
  ],
  invalid: [
    {
      name: "daemon with bash",
      image: { files: { "/etc/passwd": "daemon:x:1:1:daemon:/usr/sbin:/bin/bash\n" } },
      findings: [{ messageId: "loginShell", path: "/etc/passwd", data: { user: "daemon", uid: 1, shell: "/bin/bash" } }],
    },
    {
      name: "empty shell means sh",
      image: { files: { "/etc/passwd": "nobody:x:65534:65534::/nonexistent:\n" } },
      findings: [{ messageId: "loginShell", path: "/etc/passwd", data: { shell: "/bin/sh" } }],
    },
    {
      name: "UID_MIN from login.defs",
      image: { files: { "/etc/passwd": "svc:x:600:600::/srv:/bin/sh\n", "/etc/login.defs": "UID_MIN 700\n" } },
      findings: [{ messageId: "loginShell", path: "/etc/passwd", data: { user: "svc" } }],
    },
  ],
});
