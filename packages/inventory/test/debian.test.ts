import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { collectInventory } from "../src/index.js";
import { debianRootfs, imageFromFolders } from "./support/read-rootfs.js";

const APP_LAYER = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "app-layer");

// The Debian image from `pnpm images` with an application layer on top that
// installs npm and Python packages at versions known advisories affect.
describe("collectInventory on the Debian test image", () => {
  const image = imageFromFolders("debian-with-app", [debianRootfs(), APP_LAYER]);
  const { packages, osRelease, notes } = collectInventory(image);
  const byName = (name: string) => packages.find((record) => record.name === name);

  it("reads os-release through its symlink", () => {
    expect(osRelease?.id).toBe("debian");
    expect(osRelease?.versionId).toBe("12");
  });

  it("lists dpkg packages from the base layer", () => {
    expect(packages.filter((record) => record.ecosystem === "deb").length).toBeGreaterThan(50);
    expect(byName("libc6")).toMatchObject({ sourceName: "glibc", layer: 0, architecture: "amd64" });
  });

  it("lists the app layer's Python and npm packages in layer 1", () => {
    expect(byName("requests")).toMatchObject({ ecosystem: "pypi", version: "2.28.1", layer: 1, purl: "pkg:pypi/requests@2.28.1" });
    expect(byName("urllib3")).toMatchObject({ version: "1.26.5", licenses: ["MIT"] });
    expect(byName("six")).toMatchObject({ ecosystem: "pypi", version: "1.16.0" });
    expect(byName("lodash")).toMatchObject({ ecosystem: "npm", version: "4.17.20", layer: 1, source: "/srv/app/node_modules/lodash/package.json" });
    expect(byName("minimist")?.version).toBe("1.2.5");
    expect(byName("@types/node")?.purl).toBe("pkg:npm/%40types/node@20.19.0");
  });

  it("ignores package.json files that are not installed packages", () => {
    expect(byName("not-a-package")).toBeUndefined();
    expect(byName("app")).toBeUndefined();
  });

  it("reads without notes", () => {
    expect(notes).toEqual([]);
  });
});
