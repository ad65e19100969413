import { defineCheck, matchAny, parentPath } from "@checks/sdk";

const VCS_GLOBS = ["**/.git", "**/.svn", "**/.hg", "**/.bzr", "**/CVS/Entries"];
const LEFTOVER_GLOBS = [
  "**/.DS_Store",
  "**/Thumbs.db",
  "**/.idea",
  "**/.vscode",
  "**/npm-debug.log",
  "**/yarn-error.log",
  "**/CMakeCache.txt",
  "**/CMakeFiles",
  "**/config.log",
  "**/.terraform",
  "**/*.tfstate",
  "**/.pytest_cache",
  "**/.mypy_cache",
  "**/.tox",
  "**/.gradle",
];
const TEMP_FOLDERS = ["/tmp", "/var/tmp"];
const TEMP_GLOBS = TEMP_FOLDERS.map((folder) => `${folder}/**`);

export const vcsAndBuildLeftovers = defineCheck({
  id: "vcs-and-build-leftovers",
  title: "Version control folders and build leftovers",
  description:
    "Version control metadata (.git, .svn, .hg, .bzr, CVS), which can carry the whole history including removed secrets and remote URLs with tokens, and leftovers of builds and editors (IDE folders, test caches, CMake and autoconf output, Terraform state, macOS .DS_Store), and files left in /tmp and /var/tmp.",
  level: "low",
  tags: ["clean"],
  messages: {
    vcsFolder: { text: "{{path}} is {{kind}} metadata", severity: "medium" },
    buildLeftover: { text: "{{path}} is a build or editor leftover", severity: "low" },
    tempFiles: { text: "{{path}} contains {{count}} files ({{size}} KiB) left from the build", severity: "low" },
  },
  remediation:
    "List these paths in .dockerignore so `COPY . .` skips them, or copy only the build output into the final stage of a multi-stage build.",
  needs: { paths: [...VCS_GLOBS, ...LEFTOVER_GLOBS, ...TEMP_GLOBS] },
  run({ image, report }) {
    const reported = new Set<string>();
    const insideReported = (path: string): boolean => {
      for (let parent = parentPath(path); parent !== "/"; parent = parentPath(parent)) if (reported.has(parent)) return true;
      return false;
    };

    for (const entry of image.files.walk([...VCS_GLOBS, ...LEFTOVER_GLOBS])) {
      if (insideReported(entry.path)) continue;
      if (matchAny(VCS_GLOBS, entry.path)) {
        const path = entry.path.endsWith("/CVS/Entries") ? entry.path.slice(0, -"/Entries".length) : entry.path;
        const kind = { ".git": "Git", ".svn": "Subversion", ".hg": "Mercurial", ".bzr": "Bazaar" }[path.slice(path.lastIndexOf("/") + 1)] ?? "CVS";
        reported.add(path);
        report({ messageId: "vcsFolder", path, layer: entry.layer, data: { path, kind } });
        continue;
      }
      reported.add(entry.path);
      report({ messageId: "buildLeftover", path: entry.path, layer: entry.layer, data: { path: entry.path } });
    }

    for (const folder of TEMP_FOLDERS) {
      const files = image.files.walk(`${folder}/**`, { types: ["file"] });
      if (files.length === 0) continue;
      const bytes = files.reduce((sum, file) => sum + file.size, 0);
      const layer = files.reduce((latest, file) => Math.max(latest, file.layer), 0);
      report({ messageId: "tempFiles", path: folder, layer, data: { path: folder, count: files.length, size: Math.ceil(bytes / 1024) } });
    }
  },
});
