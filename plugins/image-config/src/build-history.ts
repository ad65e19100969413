import { defineCheck } from "@checks/sdk";
import { commandExcerpt, findHistoryProblems } from "./commands.js";
import { NO_CONFIG_NOTE } from "./no-config.js";

export const buildHistory = defineCheck({
  id: "build-history",
  title: "Risky commands in the build history",
  description:
    "Build steps recorded in the image history that use sudo, run `apt-get update` alone (its cached layer later serves stale indexes), run `dist-upgrade`, pipe a download into a shell, ADD a remote URL, or `apk add` without `--no-cache`.",
  level: "medium",
  tags: ["security", "docker", "config"],
  messages: {
    sudo: { text: "History step {{step}} runs sudo", severity: "medium" },
    loneUpdate: { text: "History step {{step}} runs a package index update without installing in the same step", severity: "low" },
    distUpgrade: { text: "History step {{step}} runs dist-upgrade", severity: "low" },
    pipeToShell: { text: "History step {{step}} pipes a download into a shell", severity: "medium" },
    remoteAdd: { text: "History step {{step}} ADDs a remote URL", severity: "medium" },
    apkWithoutNoCache: { text: "History step {{step}} runs apk add without --no-cache", severity: "low" },
  },
  remediation:
    "Build steps run as root already, so drop sudo. Combine `apt-get update && apt-get install ...` in one RUN. Use the base image's updates instead of dist-upgrade. Download with a pinned checksum and verify it before running, and fetch remote files with RUN curl plus verification instead of ADD. Use `apk add --no-cache`.",
  needs: { capabilities: ["config"] },
  run({ image, report, note }) {
    const config = image.config();
    if (!config) {
      note(NO_CONFIG_NOTE);
      return;
    }
    config.history.forEach((entry, index) => {
      if (!entry.createdBy) return;
      for (const problem of findHistoryProblems(entry.createdBy)) {
        report({ messageId: problem, evidence: commandExcerpt(entry.createdBy), data: { step: index + 1 } });
      }
    });
  },
});
