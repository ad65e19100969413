import { testCheck } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import { latestTag, referenceTag } from "../src/latest-tag.js";

describe("referenceTag", () => {
  it("reads a registry tag", () => expect(referenceTag("docker://registry:5000/team/app:1.2")).toBe("1.2"));
  it("ignores a registry port", () => expect(referenceTag("registry:5000/team/app")).toBeUndefined());
  it("reads an oci layout tag", () => expect(referenceTag("oci:.cache/images/oci:latest")).toBe("latest"));
});

testCheck(latestTag, {
  valid: [
    { name: "version tag", image: { name: "docker://ghcr.io/org/app:1.4.2" } },
    { name: "pinned digest", image: { name: "ghcr.io/org/app:latest@sha256:" + "a".repeat(64) } },
    { name: "local folder", image: { name: "./rootfs" } },
  ],
  invalid: [
    { name: "registry latest", image: { name: "docker://debian:latest" }, findings: [{ messageId: "latestTag", data: { image: "docker://debian:latest" } }] },
    { name: "oci layout latest", image: { name: "oci:/tmp/images/oci:latest" }, findings: [{ messageId: "latestTag" }] },
  ],
});
