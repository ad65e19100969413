import { testCheck } from "@checks/plugin-tester";
import { vcsAndBuildLeftovers } from "../src/vcs-and-build-leftovers.js";

testCheck(vcsAndBuildLeftovers, {
  valid: [
    { name: "application without metadata", image: { files: { "/app/main.py": "x", "/app/.gitignore": "*.pyc\n", "/app/.github/workflows/ci.yml": "x" } } },
    { name: "cvs folder without Entries", image: { files: { "/usr/share/doc/CVS": { type: "directory" } } } },
    { name: "empty temporary folders", image: { files: { "/tmp": { type: "directory", mode: 0o1777 }, "/var/tmp/.X11-unix": { type: "directory" } } } },
  ],
  invalid: [
    {
      name: "git folder reported once",
      image: { files: { "/app/.git/config": "[remote]\n", "/app/.git/HEAD": "ref: refs/heads/main\n", "/app/.git/.idea/x": "x" } },
      findings: [{ messageId: "vcsFolder", path: "/app/.git", data: { kind: "Git" } }],
    },
    {
      name: "svn and cvs checkouts",
      image: { files: { "/srv/site/.svn/wc.db": "x", "/opt/legacy/CVS/Entries": "/main.c/1.1///\n" } },
      findings: [
        { messageId: "vcsFolder", path: "/opt/legacy/CVS", data: { kind: "CVS" } },
        { messageId: "vcsFolder", path: "/srv/site/.svn", data: { kind: "Subversion" } },
      ],
    },
    {
      name: "editor and build leftovers",
      image: { files: { "/app/.DS_Store": "x", "/app/.vscode/settings.json": "{}", "/app/infra/terraform.tfstate": "{}", "/app/npm-debug.log": "x" } },
      findings: [
        { messageId: "buildLeftover", path: "/app/.DS_Store" },
        { messageId: "buildLeftover", path: "/app/.vscode" },
        { messageId: "buildLeftover", path: "/app/infra/terraform.tfstate" },
        { messageId: "buildLeftover", path: "/app/npm-debug.log" },
      ],
    },
    {
      name: "files left in temporary folders",
      image: { files: { "/tmp/build/app.tar.gz": new Uint8Array(2048), "/tmp/npm-1234/log": "x", "/var/tmp/core.123": "x" } },
      findings: [
        { messageId: "tempFiles", path: "/tmp", data: { count: 2, size: 3 } },
        { messageId: "tempFiles", path: "/var/tmp", data: { count: 1 } },
      ],
    },
  ],
});
