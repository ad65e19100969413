import { testCheck } from "@checks/plugin-tester";
import { editorLeftovers } from "../src/editor-leftovers.js";

testCheck(editorLeftovers, {
  valid: [
    { name: "ordinary config files", image: { files: { "/etc/nginx/nginx.conf": "user www;\n", "/etc/vim/vimrc": "" } } },
    { name: "folder named like a backup", image: { files: { "/srv/old.bak": { type: "directory" } } } },
  ],
  invalid: [
    {
      name: "swap file and backup in etc",
      image: { files: { "/etc/.passwd.swp": "x", "/etc/shadow~": "root:x:::" } },
      findings: [
        { messageId: "leftover", path: "/etc/.passwd.swp" },
        { messageId: "leftover", path: "/etc/shadow~" },
      ],
    },
    {
      name: "patch reject in a later layer",
      image: { layers: [{ files: { "/app/main.c": "int main;" } }, { files: { "/app/main.c.rej": "@@ -1 +1 @@" } }] },
      findings: [{ messageId: "leftover", path: "/app/main.c.rej" }],
    },
  ],
});
