import { testCheck } from "@checks/plugin-tester";
import { shellFiles } from "../src/shell-files.js";

const DEBIAN_BASHRC = "# ~/.bashrc: executed by bash(1) for non-login shells.\nexport PS1='\\h:\\w\\$ '\numask 022\n";
const SKEL_PROFILE = "# ~/.profile: executed by the command interpreter for login shells.\n";

testCheck(shellFiles, {
  valid: [
    {
      name: "stock debian root files",
      image: {
        files: {
          "/root/.bashrc": DEBIAN_BASHRC,
          "/usr/share/base-files/dot.bashrc": DEBIAN_BASHRC,
          "/root/.profile": SKEL_PROFILE,
          "/etc/skel/.profile": SKEL_PROFILE,
        },
      },
    },
    { name: "empty history file", image: { files: { "/root/.bash_history": "" } } },
    {
      name: "stock rhel root files",
      image: { files: { "/root/.cshrc": "alias rm 'rm -i'\n", "/usr/share/rootfiles/.cshrc": "alias rm 'rm -i'\n", "/etc/skel/.bashrc": "x" } },
    },
    { name: "rc file without a stock copy", image: { files: { "/home/app/.zshrc": "setopt autocd\n" } } },
  ],
  invalid: [
    {
      name: "very long history line",
      image: { files: { "/root/.ash_history": "mysql curl -u ".repeat(100_000) } },
      findings: [{ messageId: "historyFile", path: "/root/.ash_history", data: { lines: 1 } }],
    },
    {
      name: "history of a build",
      image: { files: { "/root/.bash_history": "apt-get update\napt-get install -y curl\n" } },
      findings: [{ messageId: "historyFile", path: "/root/.bash_history", data: { lines: 2 } }],
    },
    {
      name: "history with credentials",
      image: {
        files: {
          "/root/.bash_history":
            "apt-get update\nmysql -h db.internal -u root -pS3cr3tPlanted! app\ncurl -u admin:planted-password https://example.com/api/deploy\necho changemenow | sudo passwd --stdin root\n",
        },
      },
      findings: [
        { messageId: "credentialInShellFile", path: "/root/.bash_history", data: { line: 2, what: "a password on a mysql command line" }, evidence: "line 2: mysq******** (49 chars)" },
        { messageId: "credentialInShellFile", path: "/root/.bash_history", data: { line: 3, what: "user:password for curl or wget" } },
        { messageId: "credentialInShellFile", path: "/root/.bash_history", data: { line: 4, what: "a password piped to passwd or chpasswd" } },
        { messageId: "historyFile", path: "/root/.bash_history", data: { lines: 4 } },
      ],
    },
    {
      name: "modified rc file",
      image: { files: { "/home/dev/.bashrc": DEBIAN_BASHRC + "alias ll='ls -l'\n", "/etc/skel/.bashrc": DEBIAN_BASHRC } },
      findings: [{ messageId: "modifiedRcFile", path: "/home/dev/.bashrc", data: { reference: "/etc/skel/.bashrc" } }],
    },
    {
      name: "token exported in profile",
      image: { files: { "/root/.profile": SKEL_PROFILE + "export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345\n", "/etc/skel/.profile": SKEL_PROFILE } },
      findings: [
        { messageId: "credentialInShellFile", path: "/root/.profile", data: { line: 2, what: "a secret exported in the shell" } },
        { messageId: "modifiedRcFile", path: "/root/.profile" },
      ],
    },
  ],
});
