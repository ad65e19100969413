/** Account files of a clean Debian 12 minbase image, trimmed. */
export const DEBIAN_PASSWD = [
  "root:x:0:0:root:/root:/bin/bash",
  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
  "bin:x:2:2:bin:/bin:/usr/sbin/nologin",
  "sync:x:4:65534:sync:/bin:/bin/sync",
  "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "",
].join("\n");

export const DEBIAN_SHADOW = [
  "root:*:19700:0:99999:7:::",
  "daemon:*:19700:0:99999:7:::",
  "bin:*:19700:0:99999:7:::",
  "sync:*:19700:0:99999:7:::",
  "_apt:*:19700:0:99999:7:::",
  "nobody:*:19700:0:99999:7:::",
  "",
].join("\n");

export const DEBIAN_GROUP = ["root:x:0:", "daemon:x:1:", "bin:x:2:", "sudo:x:27:", "nogroup:x:65534:", ""].join("\n");

export const SHA512_HASH = "$6$rounds=5000$saltsalt$Tr6b8hV3q9t4m9X1QeYH0u6Kk0aHc0vXbX4nqz5x2eW7pJ7xw3m8QmFq3k1qf1Jx0l6aH7e9x2f1m0a3b5c7d.";
