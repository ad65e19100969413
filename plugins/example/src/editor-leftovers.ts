import { defineCheck } from "@checks/sdk";

const LEFTOVER_GLOBS = ["/**/*~", "/**/*.swp", "/**/*.swo", "/**/*.orig", "/**/*.rej", "/**/*.bak"];

export const editorLeftovers = defineCheck({
  id: "editor-leftovers",
  title: "Editor backup and patch leftovers",
  description: "Editor swap and backup files and patch rejects, which can hold old copies of secrets or configuration.",
  level: "low",
  tags: ["clean"],
  messages: {
    leftover: { text: "{{path}} looks like an editor or patch leftover", severity: "low" },
  },
  remediation: "Remove the file, and keep such files out of the build context with a .dockerignore.",
  needs: { paths: LEFTOVER_GLOBS },
  run({ image, report }) {
    for (const file of image.files.walk(LEFTOVER_GLOBS, { types: ["file"] })) {
      report({ messageId: "leftover", path: file.path, data: { path: file.path } });
    }
  },
});
