import { testCheck } from "@checks/plugin-tester";
import { extraRootAccounts } from "../src/extra-root-accounts.js";
import { DEBIAN_PASSWD } from "./fixtures.js";

testCheck(extraRootAccounts, {
  valid: [
    { name: "only root has uid 0", image: { files: { "/etc/passwd": DEBIAN_PASSWD } } },
    { name: "gid 0 alone is fine", image: { files: { "/etc/passwd": DEBIAN_PASSWD + "operator:x:11:0::/root:/sbin/nologin\n" } } },
  ],
  invalid: [
    {
      name: "toor account",
      image: { files: { "/etc/passwd": DEBIAN_PASSWD + "toor:x:0:0:second root:/root:/bin/bash\n" } },
      findings: [{ messageId: "extraRootAccount", path: "/etc/passwd", data: { user: "toor" } }],
    },
  ],
});
