import { testCheck } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import { decodeCapabilities } from "../src/capability-xattr.js";
import { fileCapabilities } from "../src/file-capabilities.js";

/** Encodes a revision-2 `security.capability` value, as `setcap` writes it. */
function capabilityValue(bits: number[], effective = true): Uint8Array {
  const bytes = new Uint8Array(20);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x02000000 | (effective ? 1 : 0), true);
  for (const bit of bits) {
    const offset = 4 + Math.floor(bit / 32) * 8;
    view.setUint32(offset, view.getUint32(offset, true) | (1 << bit % 32), true);
  }
  return bytes;
}

const NET_RAW = 13;
const NET_ADMIN = 12;
const SYS_ADMIN = 21;
const NET_BIND = 10;
const DEBIAN = 'ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
const withCaps = (bits: number[]) => ({ content: "\x7fELF", mode: 0o755, xattrs: { "security.capability": capabilityValue(bits) } });

describe("decodeCapabilities", () => {
  it("renders like getcap", () => {
    expect(decodeCapabilities(capabilityValue([NET_RAW, NET_ADMIN]))?.text).toBe("cap_net_admin,cap_net_raw=ep");
  });
  it("reads the second word of revision 2", () => {
    expect(decodeCapabilities(capabilityValue([39]))?.names).toEqual(["cap_bpf"]);
  });
  it("rejects an unknown revision", () => {
    expect(decodeCapabilities(new Uint8Array([0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });
});

testCheck(fileCapabilities, {
  valid: [
    { name: "no capability attributes", image: { osRelease: DEBIAN, files: { "/usr/bin/ping": { content: "x", mode: 0o755 } } } },
    { name: "other extended attributes", image: { files: { "/app/run": { content: "x", xattrs: { "user.origin": "build" } } } } },
  ],
  invalid: [
    {
      name: "debian ping with cap_net_raw",
      image: { osRelease: DEBIAN, files: { "/usr/bin/ping": withCaps([NET_RAW]) } },
      findings: [{ messageId: "expectedCapabilities", path: "/usr/bin/ping", data: { capabilities: "cap_net_raw=ep" } }],
    },
    {
      name: "ping with more than the package grants",
      image: { osRelease: DEBIAN, files: { "/bin/ping": withCaps([NET_RAW, SYS_ADMIN]) } },
      findings: [{ messageId: "fileCapabilities", path: "/bin/ping", severity: "high" }],
    },
    {
      name: "net_admin helper under /usr/local is high",
      image: { osRelease: DEBIAN, files: { "/usr/local/bin/net-helper": withCaps([NET_RAW, NET_ADMIN]) } },
      findings: [{ messageId: "fileCapabilities", path: "/usr/local/bin/net-helper", severity: "high", data: { capabilities: "cap_net_admin,cap_net_raw=ep" } }],
    },
    {
      name: "bind-only capability is medium",
      image: { files: { "/app/server": withCaps([NET_BIND]) } },
      findings: [{ messageId: "fileCapabilities", path: "/app/server", severity: "medium" }],
    },
    {
      name: "truncated attribute value",
      image: { files: { "/app/odd": { content: "x", xattrs: { "security.capability": new Uint8Array([1, 0]) } } } },
      findings: [{ messageId: "unreadableCapabilities", path: "/app/odd", data: { bytes: 2 } }],
    },
  ],
});
