import { testCheck } from "@checks/plugin-tester";
import { worldWritable } from "../src/world-writable.js";

testCheck(worldWritable, {
  valid: [
    { name: "sticky tmp directories", image: { files: { "/tmp": { type: "directory", mode: 0o1777 }, "/var/tmp": { type: "directory", mode: 0o1777 } } } },
    { name: "group-writable file", image: { files: { "/srv/data.db": { content: "x", mode: 0o664 } } } },
    { name: "symlinks have mode 0777", image: { files: { "/usr/bin/vi": { symlink: "vim.basic" } } } },
  ],
  invalid: [
    {
      name: "directory without sticky bit",
      image: { files: { "/srv/uploads": { type: "directory", mode: 0o777 } } },
      findings: [{ messageId: "worldWritableDirectory", path: "/srv/uploads", data: { mode: "0777" } }],
    },
    {
      name: "world-writable script",
      image: { files: { "/usr/local/bin/start.sh": { content: "#!/bin/sh", mode: 0o777 } } },
      findings: [{ messageId: "worldWritableFile", path: "/usr/local/bin/start.sh", data: { mode: "0777" } }],
    },
    {
      name: "sticky bit does not excuse a file",
      image: { files: { "/etc/app.conf": { content: "x", mode: 0o1666 } } },
      findings: [{ messageId: "worldWritableFile", path: "/etc/app.conf", data: { mode: "1666" } }],
    },
  ],
});
