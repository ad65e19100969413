import { testCheck } from "@checks/plugin-tester";
import { rootHomeContent } from "../src/root-home-content.js";

testCheck(rootHomeContent, {
  valid: [
    { name: "shell files only", image: { files: { "/root/.bashrc": "x", "/root/.profile": "x", "/root/.bash_history": "ls\n" } } },
    { name: "empty root home", image: { files: { "/root": { type: "directory", mode: 0o700 } } } },
  ],
  invalid: [
    {
      name: "downloads and a checkout",
      image: { files: { "/root/get-pip.py": "x", "/root/src/app/main.c": "x", "/root/.cache/pip/x": "x" } },
      findings: [
        { messageId: "contentInRootHome", path: "/root/.cache" },
        { messageId: "contentInRootHome", path: "/root/get-pip.py" },
        { messageId: "contentInRootHome", path: "/root/src" },
      ],
    },
  ],
});
