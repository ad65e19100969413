import { join } from "node:path";
import type { AdvisoryRecord } from "@checks/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOsv, matchPackages, openAdvisoryDb, type AdvisoryDb } from "../src/index.js";
import { FIXTURES, osRelease, pkg, tempFolder } from "./helpers.js";

let db: AdvisoryDb;

beforeAll(async () => {
  db = openAdvisoryDb(join(tempFolder(), "advisories.sqlite"));
  await importOsv(db, FIXTURES);
});
afterAll(() => db.close());

const ids = (advisories: AdvisoryRecord[]): string[] => advisories.map((advisory) => advisory.id).sort();

describe("matchPackages on PyPI", () => {
  it("matches requests inside the introduced-fixed range", () => {
    const [advisory, ...rest] = matchPackages(db, [pkg("pypi", "requests", "2.28.1")]);
    expect(rest).toHaveLength(0);
    expect(advisory?.id).toBe("GHSA-j8r2-6x86-q33q");
    expect(advisory?.aliases).toContain("CVE-2023-32681");
    expect(advisory?.fixedVersion).toBe("2.31.0");
    expect(advisory?.installedVersion).toBe("2.28.1");
    expect(advisory?.severity).toBe("medium");
    expect(advisory?.cvss).toBe("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N");
  });

  it("does not match requests at the fixed version", () => {
    expect(matchPackages(db, [pkg("pypi", "requests", "2.31.0")])).toEqual([]);
  });

  it("does not match requests below introduced", () => {
    expect(matchPackages(db, [pkg("pypi", "requests", "2.2.1")])).toEqual([]);
  });

  it("reports the fix of the range that matched", () => {
    expect(matchPackages(db, [pkg("pypi", "urllib3", "1.26.5")])[0]?.fixedVersion).toBe("1.26.17");
    expect(matchPackages(db, [pkg("pypi", "urllib3", "2.0.4")])[0]?.fixedVersion).toBe("2.0.6");
    expect(matchPackages(db, [pkg("pypi", "urllib3", "2.0.6")])).toEqual([]);
  });

  it("matches an explicit version list with name normalization", () => {
    const matched = matchPackages(db, [pkg("pypi", "synthetic-pkg", "1.0.0")]);
    expect(ids(matched)).toEqual(["SYNTH-VERSIONS"]);
    expect(matched[0]?.severity).toBe("high");
    expect(matched[0]?.fixedVersion).toBeUndefined();
    expect(matchPackages(db, [pkg("pypi", "synthetic.pkg", "1.0.1")])).toEqual([]);
  });
});

describe("matchPackages on npm", () => {
  it("matches lodash below the fix and ignores the withdrawn record", () => {
    const matched = matchPackages(db, [pkg("npm", "lodash", "4.17.20")]);
    expect(ids(matched)).toEqual(["GHSA-35jh-r3h4-6jhm"]);
    expect(matched[0]?.severity).toBe("high");
  });

  it("does not match lodash at the fix", () => {
    expect(matchPackages(db, [pkg("npm", "lodash", "4.17.21")])).toEqual([]);
  });

  it("matches minimist on both affected lines", () => {
    expect(matchPackages(db, [pkg("npm", "minimist", "0.0.8")])[0]?.fixedVersion).toBe("0.2.4");
    const modern = matchPackages(db, [pkg("npm", "minimist", "1.2.5")]);
    expect(modern[0]?.fixedVersion).toBe("1.2.6");
    expect(modern[0]?.severity).toBe("critical");
    expect(matchPackages(db, [pkg("npm", "minimist", "0.2.4")])).toEqual([]);
  });

  it("treats last_affected as inclusive", () => {
    expect(ids(matchPackages(db, [pkg("npm", "synthetic-last", "1.4.2")]))).toEqual(["SYNTH-LAST-AFFECTED"]);
    expect(matchPackages(db, [pkg("npm", "synthetic-last", "1.4.3")])).toEqual([]);
    expect(matchPackages(db, [pkg("npm", "synthetic-last", "0.9.0")])).toEqual([]);
  });
});

describe("matchPackages on Debian", () => {
  const bookworm = osRelease("debian", "12");
  const libc = (version: string) =>
    pkg("deb", "libc6", version, { sourceName: "glibc", architecture: "amd64", purl: `pkg:deb/debian/libc6@${version}?arch=amd64` });

  it("matches a binary package by its source package", () => {
    const matched = matchPackages(db, [libc("2.36-9+deb12u1")], bookworm);
    expect(ids(matched)).toEqual(["DSA-5514-1"]);
    expect(matched[0]?.purl).toBe("pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64");
    expect(matched[0]?.fixedVersion).toBe("2.36-9+deb12u3");
  });

  it("does not match the fixed glibc", () => {
    expect(matchPackages(db, [libc("2.36-9+deb12u3")], bookworm)).toEqual([]);
  });

  it("does not match another Debian release", () => {
    expect(matchPackages(db, [libc("2.31-13")], osRelease("debian", "11"))).toEqual([]);
  });

  it("matches an unfixed advisory without a fixed version", () => {
    const matched = matchPackages(db, [pkg("deb", "apt", "2.6.1")], bookworm);
    expect(ids(matched)).toEqual(["DEBIAN-CVE-2011-3374"]);
    expect(matched[0]?.fixedVersion).toBeUndefined();
    expect(matched[0]?.aliases).toEqual(["CVE-2011-3374"]);
  });

  it("compares the source version of a binNMU", () => {
    const synthetic = (version: string, sourceVersion: string) =>
      pkg("deb", "libsynthetic1", version, { sourceName: "synthetic-src", sourceVersion });
    expect(ids(matchPackages(db, [synthetic("2.0-2+b1", "2.0-2")], bookworm))).toEqual(["SYNTH-DEBIAN-RELEASES"]);
    expect(matchPackages(db, [synthetic("2.0-3+b1", "2.0-3")], bookworm)).toEqual([]);
    expect(matchPackages(db, [synthetic("1.5-1", "1.5-1")], bookworm)).toEqual([]);
    expect(matchPackages(db, [synthetic("1.5-1", "1.5-1")], osRelease("debian", "11"))[0]?.fixedVersion).toBe("9.0-1");
  });

  it("matches nothing without os-release", () => {
    expect(matchPackages(db, [libc("2.36-9+deb12u1")])).toEqual([]);
  });
});

describe("matchPackages on other distributions", () => {
  it("matches Ubuntu LTS releases with the distribution's rating", () => {
    const jammy = osRelease("ubuntu", "22.04");
    const matched = matchPackages(db, [pkg("deb", "libc6", "2.35-0ubuntu3.1", { sourceName: "glibc" })], jammy);
    expect(ids(matched)).toEqual(["UBUNTU-CVE-2023-4911"]);
    expect(matched[0]?.severity).toBe("high");
    expect(matchPackages(db, [pkg("deb", "libc6", "2.35-0ubuntu3.4", { sourceName: "glibc" })], jammy)).toEqual([]);
  });

  it("matches Alpine by origin package and branch", () => {
    const alpine = osRelease("alpine", "3.18.4");
    const libcrypto = (version: string) => pkg("apk", "libcrypto3", version, { sourceName: "openssl" });
    expect(ids(matchPackages(db, [libcrypto("3.1.3-r0")], alpine))).toEqual(["ALPINE-CVE-2023-5363"]);
    expect(matchPackages(db, [libcrypto("3.1.4-r0")], alpine)).toEqual([]);
    expect(matchPackages(db, [libcrypto("3.1.3-r0")], osRelease("alpine", "3.19.0"))).toEqual([]);
  });

  it("matches RHEL by major release across repositories", () => {
    const openssl = (version: string) => pkg("rpm", "openssl", version);
    const rhel9 = osRelease("rhel", "9.2");
    const matched = matchPackages(db, [openssl("1:3.0.7-24.el9")], rhel9);
    expect(ids(matched)).toEqual(["SYNTH-RHEL"]);
    expect(matched[0]?.fixedVersion).toBe("1:3.0.7-27.el9");
    expect(matchPackages(db, [openssl("1:3.0.7-27.el9")], rhel9)).toEqual([]);
    expect(matchPackages(db, [openssl("1:1.1.1k-9.el8")], osRelease("rhel", "8.8"))[0]?.fixedVersion).toBe("1:1.1.1k-12.el8_9");
    expect(matchPackages(db, [openssl("1:3.0.7-24.el9")], osRelease("rhel", "10.0"))).toEqual([]);
  });

  it("matches rpm versions with epochs", () => {
    const rocky = osRelease("rocky", "9.3");
    const matched = matchPackages(db, [pkg("rpm", "openssl", "1:3.0.7-20.el9")], rocky);
    expect(ids(matched)).toEqual(["SYNTH-ROCKY"]);
    expect(matched[0]?.severity).toBe("high");
    expect(matchPackages(db, [pkg("rpm", "openssl", "1:3.0.7-24.el9")], rocky)).toEqual([]);
    expect(matchPackages(db, [pkg("rpm", "openssl", "3.0.7-20.el9")], rocky)).toEqual([]);
  });
});

describe("matchPackages de-duplication", () => {
  it("keeps the DSA over the DEBIAN-CVE record of one of its CVEs", () => {
    const matched = matchPackages(db, [pkg("deb", "libc6", "2.36-9", { sourceName: "glibc" })], osRelease("debian", "12"));
    expect(ids(matched)).toEqual(["DSA-5514-1"]);
    expect(matched[0]?.aliases).toEqual(["CVE-2023-4911", "CVE-2023-4806"]);
  });

  it("reports an advisory filed under two ids once", () => {
    const matched = matchPackages(db, [pkg("pypi", "requests", "2.30.0")]);
    expect(ids(matched)).toEqual(["GHSA-j8r2-6x86-q33q"]);
  });

  it("reports each package separately", () => {
    const matched = matchPackages(db, [pkg("npm", "lodash", "4.17.20"), pkg("npm", "lodash", "4.17.19", { purl: "pkg:npm/lodash@4.17.19" })]);
    expect(matched.map((advisory) => advisory.purl).sort()).toEqual(["pkg:npm/lodash@4.17.19", "pkg:npm/lodash@4.17.20"]);
  });
});
