import { defineCheck } from "@checks/sdk";

/** Returns the tag of an image reference such as `docker://repo:tag` or `oci:./layout:tag`, or undefined when it has none. */
export function referenceTag(reference: string): string | undefined {
  const withoutDigest = reference.split("@")[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

export const latestTag = defineCheck({
  id: "latest-tag",
  title: "Image referenced by the latest tag",
  description:
    "Scans of an image named by the `latest` tag. The tag moves with every push, so what was scanned and what later runs can differ, and a rollback has nothing to roll back to.",
  level: "low",
  tags: ["docker", "config"],
  messages: {
    latestTag: { text: "{{image}} is referenced by the latest tag", severity: "low" },
  },
  remediation: "Tag images with a version or commit (`app:1.4.2`, `app:git-3f2a9c1`) and deploy by that tag or by digest.",
  needs: {},
  run({ image, report }) {
    const name = image.info.name;
    if (name.includes("@sha256:")) return;
    if (referenceTag(name) === "latest") report({ messageId: "latestTag", data: { image: name } });
  },
});
