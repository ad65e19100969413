import { defineCheck } from "@checks/sdk";
import { NO_CONFIG_NOTE, SINGULARITY_NOTE, isSingularityImage } from "./no-config.js";

/** Returns the uid that a user name has in /etc/passwd text, or undefined when no line names it. */
function uidOf(passwd: string | undefined, name: string): number | undefined {
  for (const line of (passwd ?? "").split("\n")) {
    const fields = line.split(":");
    if (fields[0] === name && fields.length >= 3 && /^\d+$/.test(fields[2]!)) return Number(fields[2]);
  }
  return undefined;
}

export const runsAsRoot = defineCheck({
  id: "runs-as-root",
  title: "Container runs as root",
  description:
    "Images whose configuration sets no USER, or a USER that is root (`root`, `0`, or a name with uid 0 in /etc/passwd). Processes then run as root inside the container, so a container escape or a writable host mount gives root on the host unless user namespaces remap it.",
  level: "medium",
  tags: ["security", "docker", "config"],
  messages: {
    noUser: { text: "The image sets no USER, so containers run as root", severity: "medium" },
    rootUser: { text: "The image runs as USER {{user}}, which is root", severity: "medium" },
  },
  remediation:
    "Create an unprivileged user in the image (`RUN useradd --uid 10001 --no-create-home app`) and switch to it with `USER 10001` before the entrypoint.",
  needs: { paths: ["/etc/passwd"], content: true, maxBytes: 4 * 1024 * 1024, capabilities: ["config"] },
  run({ image, report, note }) {
    if (isSingularityImage(image.info.format)) {
      note(SINGULARITY_NOTE);
      return;
    }
    const config = image.config();
    if (!config) {
      note(NO_CONFIG_NOTE);
      return;
    }

    const user = (config.user ?? "").trim();
    if (user === "") {
      report({ messageId: "noUser" });
      return;
    }
    const name = user.split(":")[0]!;
    const uid = /^\d+$/.test(name) ? Number(name) : uidOf(image.files.readText("/etc/passwd"), name);
    if (name === "root" || uid === 0) report({ messageId: "rootUser", data: { user } });
  },
});
