import { defineCheck } from "@checks/sdk";
import { commandExcerpt, findShellProblems } from "./commands.js";

export const singularityScripts = defineCheck({
  id: "singularity-scripts",
  title: "Risky commands in Singularity definition and scripts",
  description:
    "Definition file sections, runscripts and startscripts of Singularity images that use sudo, run dist-upgrade or pipe a download into a shell. In a runscript or startscript the download runs at every start, so that is high.",
  level: "medium",
  tags: ["security", "singularity"],
  messages: {
    sudo: { text: "The {{source}} runs sudo on line {{line}}", severity: "medium" },
    distUpgrade: { text: "The {{source}} runs dist-upgrade on line {{line}}", severity: "low" },
    pipeToShell: { text: "The {{source}} pipes a download into a shell on line {{line}}", severity: "medium" },
  },
  remediation:
    "Drop sudo (the build's %post runs as root, and a runscript should not gain privileges). Pin and verify downloads instead of piping them into a shell, and do it once in %post, never in the runscript.",
  needs: { capabilities: ["singularity"] },
  run({ image, report }) {
    const metadata = image.singularity();
    if (!metadata) return;

    const sources: [string, string | undefined][] = [
      ["definition file", metadata.definition],
      ["runscript", metadata.runscript],
      ["startscript", metadata.startscript],
    ];
    for (const [source, text] of sources) {
      (text ?? "").split("\n").forEach((line, index) => {
        if (/^\s*#/.test(line)) return;
        for (const problem of findShellProblems(line, false)) {
          if (problem !== "sudo" && problem !== "distUpgrade" && problem !== "pipeToShell") continue;
          const runsAtStart = source !== "definition file" && problem === "pipeToShell";
          report({
            messageId: problem,
            evidence: commandExcerpt(line),
            data: { source, line: index + 1 },
            ...(runsAtStart ? { severity: "high" as const } : {}),
          });
        }
      });
    }
  },
});
