import { defineCheck, redact } from "@checks/sdk";
import { findCredentialLines } from "./command-patterns.js";

const HOMES = ["/root", "/home/*"];
const HISTORY_NAMES = [
  ".bash_history",
  ".zsh_history",
  ".sh_history",
  ".ash_history",
  ".history",
  ".python_history",
  ".mysql_history",
  ".psql_history",
  ".node_repl_history",
  ".sqlite_history",
  ".rediscli_history",
  ".lesshst",
  ".viminfo",
];
const RC_NAMES = [".bashrc", ".profile", ".bash_profile", ".bash_login", ".bash_logout", ".zshrc", ".zprofile", ".cshrc", ".tcshrc", ".kshrc", ".mkshrc"];

const HISTORY_GLOBS = HOMES.map((home) => `${home}/{${HISTORY_NAMES.join(",")}}`);
const RC_GLOBS = HOMES.map((home) => `${home}/{${RC_NAMES.join(",")}}`);
/**
 * Stock copies an rc file is compared with: the skeleton for new users, and the
 * sources of root's dot files on Debian (base-files) and RHEL (rootfiles).
 */
const REFERENCE_GLOBS = [`/etc/skel/{${RC_NAMES.join(",")}}`, "/usr/share/base-files/dot.*", `/usr/share/rootfiles/{${RC_NAMES.join(",")}}`];

const nameOf = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

export const shellFiles = defineCheck({
  id: "shell-files",
  title: "Shell history and rc files in home folders",
  description:
    "Shell and client history files in /root and home folders, which record the commands of the build or of whoever used the container, and rc files changed from the stock copies. A history or rc file with a credential-like command (a password on a command line, an exported token) is high.",
  level: "medium",
  tags: ["clean", "security"],
  messages: {
    historyFile: { text: "{{path}} is a history file with {{lines}} lines", severity: "low" },
    modifiedRcFile: { text: "{{path}} differs from the stock {{reference}}; check it for sensitive content", severity: "info" },
    credentialInShellFile: { text: "{{path}} line {{line}} shows {{what}}", severity: "high" },
  },
  remediation:
    "Delete history files in the build step that created them and build without an interactive shell; set `HISTFILE=/dev/null` where one is needed. Move credentials out of rc files and rotate any that were recorded.",
  needs: { paths: [...HISTORY_GLOBS, ...RC_GLOBS, ...REFERENCE_GLOBS], content: true, maxBytes: 1024 * 1024 },
  run({ image, report }) {
    for (const file of image.files.walk(HISTORY_GLOBS, { types: ["file"] })) {
      const text = image.files.readText(file.path) ?? "";
      if (text.trim() === "") continue;
      report({ messageId: "historyFile", path: file.path, layer: file.layer, data: { path: file.path, lines: text.trimEnd().split("\n").length } });
      reportCredentials(file.path, file.layer, text);
    }

    const references = image.files.walk(REFERENCE_GLOBS, { types: ["file"] });
    for (const file of image.files.walk(RC_GLOBS, { types: ["file"] })) {
      const text = image.files.readText(file.path) ?? "";
      reportCredentials(file.path, file.layer, text);

      const name = nameOf(file.path);
      const candidates = references.filter((reference) => nameOf(reference.path) === name || nameOf(reference.path) === `dot${name}`);
      if (candidates.length === 0) continue;
      if (candidates.some((reference) => image.files.readText(reference.path) === text)) continue;
      report({ messageId: "modifiedRcFile", path: file.path, layer: file.layer, data: { path: file.path, reference: candidates[0]!.path } });
    }

    function reportCredentials(path: string, layer: number, text: string): void {
      for (const hit of findCredentialLines(text)) {
        report({
          messageId: "credentialInShellFile",
          path,
          layer,
          evidence: `line ${hit.line}: ${redact(hit.text.trim())}`,
          data: { path, line: hit.line, what: hit.what },
        });
      }
    }
  },
});
