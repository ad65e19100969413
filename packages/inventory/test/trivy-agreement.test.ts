import { describe, expect, it } from "vitest";
import { collectInventory } from "../src/index.js";
import { debianRootfs, imageFromFolders } from "./support/read-rootfs.js";
import { runTrivy } from "./support/trivy.js";

// Needs the Debian root filesystem from `pnpm images`; fails with that hint when it is missing.
describe("dpkg inventory against trivy-cdxgen rootfs", () => {
  it("lists the same name, version and architecture for every package", { timeout: 120_000 }, () => {
    const rootfs = debianRootfs();
    const ours = collectInventory(imageFromFolders("debian", [rootfs]))
      .packages.filter((record) => record.ecosystem === "deb")
      .map((record) => `${record.name} ${record.version} ${record.architecture}`)
      .sort();
    const theirs = runTrivy(rootfs)
      .filter((component) => component.purl?.startsWith("pkg:deb/"))
      .map((component) => `${component.name} ${component.version} ${new URL(`http://x/?${component.purl!.split("?")[1]}`).searchParams.get("arch")}`)
      .sort();

    expect(theirs.length).toBeGreaterThan(50);
    expect(ours).toEqual(theirs);
  });

  it("names the same source package and version", { timeout: 120_000 }, () => {
    const rootfs = debianRootfs();
    const ours = collectInventory(imageFromFolders("debian", [rootfs]))
      .packages.filter((record) => record.ecosystem === "deb")
      .map((record) => `${record.name} ${record.sourceName ?? record.name} ${record.sourceVersion ?? record.version}`)
      .sort();
    const theirs = runTrivy(rootfs)
      .filter((component) => component.purl?.startsWith("pkg:deb/"))
      .map((component) => {
        const property = (name: string) => component.properties?.find((entry) => entry.name === `aquasecurity:trivy:${name}`)?.value;
        const epoch = property("SrcEpoch");
        const release = property("SrcRelease");
        const version = `${epoch ? `${epoch}:` : ""}${property("SrcVersion")}${release ? `-${release}` : ""}`;
        return `${component.name} ${property("SrcName")} ${version}`;
      })
      .sort();

    expect(ours).toEqual(theirs);
  });
});
