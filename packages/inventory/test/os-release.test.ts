import { describe, expect, it } from "vitest";
import { collectInventory, parseOsRelease } from "../src/index.js";
import { virtualImage } from "./support/virtual.js";

describe("parseOsRelease", () => {
  it("unquotes values and splits ID_LIKE", () => {
    const release = parseOsRelease('# comment\nID=ubuntu\nID_LIKE="debian"\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu \\"Jammy\\""\nNAME=\'Ubuntu\'\n\nbroken line\n');
    expect(release).toEqual({
      id: "ubuntu",
      idLike: ["debian"],
      versionId: "22.04",
      prettyName: 'Ubuntu "Jammy"',
      fields: { ID: "ubuntu", ID_LIKE: "debian", VERSION_ID: "22.04", PRETTY_NAME: 'Ubuntu "Jammy"', NAME: "Ubuntu" },
    });
  });
});

describe("collectInventory os-release lookup", () => {
  it("follows /etc/os-release through a relative symlink", () => {
    const { osRelease } = collectInventory(virtualImage({ "/etc/os-release": { link: "../usr/lib/os-release" }, "/usr/lib/os-release": "ID=debian\nVERSION_ID=12\n" }));
    expect(osRelease?.versionId).toBe("12");
  });

  it("follows a symlinked parent folder", () => {
    const { osRelease } = collectInventory(virtualImage({ "/etc": { link: "private/etc" }, "/private/etc/os-release": "ID=alpine\n" }));
    expect(osRelease?.id).toBe("alpine");
  });

  it("falls back to /usr/lib/os-release", () => {
    expect(collectInventory(virtualImage({ "/usr/lib/os-release": "ID=fedora\n" })).osRelease?.id).toBe("fedora");
  });

  it("keeps a symlink that leaves the root inside the image", () => {
    const { osRelease } = collectInventory(virtualImage({ "/etc/os-release": { link: "../../../../usr/lib/os-release" }, "/usr/lib/os-release": "ID=debian\n" }));
    expect(osRelease?.id).toBe("debian");
  });

  it("notes a symlink loop", () => {
    const { osRelease, notes } = collectInventory(virtualImage({ "/etc/os-release": { link: "/etc/os-release" } }));
    expect(osRelease).toBeUndefined();
    expect(notes[0]).toContain("symlinks");
  });

  it("is undefined without os-release", () => {
    expect(collectInventory(virtualImage({ "/bin/sh": "" })).osRelease).toBeUndefined();
  });
});
