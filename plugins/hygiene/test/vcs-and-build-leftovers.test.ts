import { testCheck } from "@checks/plugin-tester";
import { vcsAndBuildLeftovers } from "../src/vcs-and-build-leftovers.js";

testCheck(vcsAndBuildLeftovers, {
  valid: [
    { name: "application without metadata", image: { files: { "/app/main.py": "x", "/app/.gitignore": "*.pyc\n", "/app/.github/workflows/ci.yml": "x" } } },
    { name: "cvs folder without Entries", image: { files: { "/usr/share/doc/CVS": { type: "directory" } } } },
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
  ],
});
