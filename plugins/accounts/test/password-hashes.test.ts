import { testCheck } from "@checks/plugin-tester";
import { passwordHashes } from "../src/password-hashes.js";
import { DEBIAN_PASSWD, DEBIAN_SHADOW, SHA512_HASH } from "./fixtures.js";

testCheck(passwordHashes, {
  valid: [
    { name: "locked accounts without hashes", image: { files: { "/etc/passwd": DEBIAN_PASSWD, "/etc/shadow": DEBIAN_SHADOW } } },
    { name: "empty password is another check", image: { files: { "/etc/shadow": "app::19700:0:99999:7:::\n" } } },
  ],
  invalid: [
    {
      name: "sha512 root hash",
      image: { files: { "/etc/shadow": `root:${SHA512_HASH}:19700:0:99999:7:::\n` } },
      findings: [{ messageId: "passwordHash", path: "/etc/shadow", data: { user: "root", scheme: "SHA-512" } }],
    },
    {
      name: "md5 hash is high",
      image: { files: { "/etc/shadow": "app:$1$abcdefgh$Wq7cVvT0t8G1JvY1S4L4A/:19700:0:99999:7:::\n" } },
      findings: [{ messageId: "passwordHash", path: "/etc/shadow", severity: "high", data: { scheme: "MD5" } }],
    },
    {
      name: "locked account keeps its hash",
      image: { files: { "/etc/shadow": `old:!${SHA512_HASH}:19700:0:99999:7:::\n` } },
      findings: [{ messageId: "lockedPasswordHash", path: "/etc/shadow", data: { user: "old" } }],
    },
    {
      name: "des hash in passwd",
      image: { files: { "/etc/passwd": "legacy:abJnggxhB/yWI:1002:1002::/home/legacy:/bin/sh\n" } },
      findings: [{ messageId: "hashInPasswd", path: "/etc/passwd", data: { user: "legacy", scheme: "DES" } }],
    },
  ],
});
