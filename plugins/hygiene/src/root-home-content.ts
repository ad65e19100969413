import { defineCheck } from "@checks/sdk";

/** Shell start-up files every root home has, and history files that shell-files reports. */
const EXPECTED = new Set([
  ".profile",
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".cshrc",
  ".tcshrc",
  ".zshrc",
  ".zprofile",
  ".kshrc",
  ".mkshrc",
  ".bash_history",
  ".zsh_history",
  ".sh_history",
  ".ash_history",
  ".history",
  ".python_history",
  ".lesshst",
  ".viminfo",
]);

export const rootHomeContent = defineCheck({
  id: "root-home-content",
  title: "Content in root's home folder",
  description:
    "Files and folders in /root other than shell start-up and history files. Content there is usually a build leftover (downloads, caches, checkouts), and software installed there works only when the container runs as root.",
  level: "low",
  tags: ["clean", "docker"],
  messages: {
    contentInRootHome: { text: "{{path}} is in root's home folder", severity: "low" },
  },
  remediation: "Install software to /opt or /usr/local and delete build leftovers in the step that created them.",
  needs: { paths: ["/root/*"] },
  run({ image, report }) {
    for (const entry of image.files.walk("/root/*")) {
      const name = entry.path.slice("/root/".length);
      if (EXPECTED.has(name)) continue;
      report({ messageId: "contentInRootHome", path: entry.path, layer: entry.layer, data: { path: entry.path } });
    }
  },
});
