import { describe, expect, it } from "vitest";
import { collectInventory, parseDpkgStatus } from "../src/index.js";
import { layeredImage, virtualImage } from "./support/virtual.js";

const STATUS = `Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: bash
Status: install ok installed
Architecture: amd64
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2

Package: removed-but-configured
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: broken-install
Status: install reinstreq half-installed
Architecture: amd64
Version: 1.0-1

Package: held
Status: hold ok installed
Architecture: all
Version: 1:2.0-1

Package: no-version
Status: install ok installed
Architecture: amd64
`;

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\n';

describe("parseDpkgStatus", () => {
  const { packages, notes } = parseDpkgStatus(STATUS, "/var/lib/dpkg/status", { statusRequired: true });
  const names = packages.map((parsed) => parsed.name);

  it("lists installed and held packages", () => {
    expect(names).toEqual(["libc6", "bash", "held"]);
  });

  it("leaves out config-files and half-installed packages", () => {
    expect(names).not.toContain("removed-but-configured");
    expect(names).not.toContain("broken-install");
  });

  it("reads the source package and a binNMU source version", () => {
    expect(packages[0]).toMatchObject({ sourceName: "glibc", sourceVersion: "2.36-9+deb12u1" });
    expect(packages[1]).toMatchObject({ sourceName: "bash", sourceVersion: "5.2.15-2", version: "5.2.15-2+b2" });
  });

  it("notes an installed entry without a version", () => {
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`line ${STATUS.split("\n").indexOf("Package: no-version") + 1}`);
    expect(notes[0]).toContain("no Version field");
  });

  it("requires Status in the status file", () => {
    expect(parseDpkgStatus("Package: a\nVersion: 1\n", "/var/lib/dpkg/status", { statusRequired: true }).packages).toEqual([]);
  });
});

describe("collectInventory with dpkg", () => {
  it("builds purls with arch, distro and epoch qualifiers", () => {
    const { packages } = collectInventory(virtualImage({ "/etc/os-release": OS_RELEASE, "/var/lib/dpkg/status": STATUS }));
    expect(packages.map((record) => record.purl)).toEqual([
      "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12",
      "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12",
      "pkg:deb/debian/held@2.0-1?arch=all&distro=debian-12&epoch=1",
    ]);
    expect(packages[2]?.version).toBe("1:2.0-1");
    expect(packages[0]?.source).toBe("/var/lib/dpkg/status");
  });

  it("reads distroless status.d files and skips md5sums", () => {
    const { packages } = collectInventory(
      virtualImage({
        "/var/lib/dpkg/status.d/base": "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
        "/var/lib/dpkg/status.d/libssl3": "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n",
        "/var/lib/dpkg/status.d/libssl3.md5sums": "0123456789abcdef  usr/lib/x86_64-linux-gnu/libssl.so.3\n",
        "/var/lib/dpkg/status.d/removed": "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n",
      }),
    );
    expect(packages.map((record) => `${record.name}@${record.version}`)).toEqual(["base-files@12.4+deb12u5", "libssl3@3.0.11-1~deb12u2"]);
    expect(packages[1]?.source).toBe("/var/lib/dpkg/status.d/libssl3");
  });

  it("notes a status file whose content was not collected", () => {
    const { packages, notes } = collectInventory(virtualImage({ "/var/lib/dpkg/status": { size: 1000 } }));
    expect(packages).toEqual([]);
    expect(notes[0]).toContain("/var/lib/dpkg/status: content was not collected");
  });

  it("attributes each package to the first layer that lists it", () => {
    const base = "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\n";
    const upgraded = "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9+deb12u1\nArchitecture: amd64\n";
    const curl = "\nPackage: curl\nStatus: install ok installed\nVersion: 7.88.1-10\nArchitecture: amd64\n";
    const image = layeredImage([
      { "/var/lib/dpkg/status": base },
      { "/var/lib/dpkg/status": base + curl },
      { "/var/lib/dpkg/status": upgraded + curl },
    ]);
    const { packages } = collectInventory(image);
    expect(packages.map((record) => [record.name, record.version, record.layer])).toEqual([
      ["libc6", "2.36-9+deb12u1", 2],
      ["curl", "7.88.1-10", 1],
    ]);
  });
});
