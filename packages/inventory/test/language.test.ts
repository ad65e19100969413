import { describe, expect, it } from "vitest";
import { collectInventory, installedPackageFolder, parsePackageJson, parsePythonMetadata } from "../src/index.js";
import { virtualImage } from "./support/virtual.js";

describe("parsePythonMetadata", () => {
  it("reads name, version and a one-line license", () => {
    expect(parsePythonMetadata("Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.5\nLicense: MIT\n\nLicense: body text\n")).toEqual({
      name: "urllib3",
      version: "1.26.5",
      licenses: ["MIT"],
    });
  });

  it("prefers License-Expression", () => {
    expect(parsePythonMetadata("Name: a\nVersion: 1\nLicense: long text\nLicense-Expression: MIT OR Apache-2.0\n")?.licenses).toEqual(["MIT OR Apache-2.0"]);
  });

  it("falls back to license classifiers for a multi-line License", () => {
    const text = "Name: a\nVersion: 1\nLicense: Copyright (c) someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: BSD License\n";
    expect(parsePythonMetadata(text)?.licenses).toEqual(["BSD License"]);
  });

  it("rejects metadata without a version", () => {
    expect(parsePythonMetadata("Name: a\n")).toBeUndefined();
  });
});

describe("parsePackageJson", () => {
  it("reads the SPDX license string", () => {
    expect(parsePackageJson('{"name":"lodash","version":"4.17.20","license":"MIT"}', "lodash")).toEqual({ name: "lodash", version: "4.17.20", licenses: ["MIT"] });
  });

  it("reads the older license object and licenses array", () => {
    expect(parsePackageJson('{"name":"a","version":"1.0.0","license":{"type":"ISC"}}', "a")?.licenses).toEqual(["ISC"]);
    expect(parsePackageJson('{"name":"a","version":"1.0.0","licenses":[{"type":"MIT"},{"type":"GPL-2.0"}]}', "a")?.licenses).toEqual(["MIT", "GPL-2.0"]);
  });

  it("falls back to the folder name", () => {
    expect(parsePackageJson('{"version":"1.0.0"}', "@scope/pkg")?.name).toBe("@scope/pkg");
  });

  it.each([["not json"], ["[]"], ['{"name":"a"}'], ['{"name":"a","version":5}']])("rejects %s", (text) => {
    expect(parsePackageJson(text, "a")).toBeUndefined();
  });
});

describe("installedPackageFolder", () => {
  it.each([
    ["/app/node_modules/lodash/package.json", "lodash"],
    ["/app/node_modules/@types/node/package.json", "@types/node"],
    ["/app/node_modules/a/node_modules/b/package.json", "b"],
  ])("%s is %s", (path, folder) => {
    expect(installedPackageFolder(path)).toBe(folder);
  });

  it.each([["/app/package.json"], ["/app/node_modules/minimist/test/package.json"], ["/app/node_modules/@types/package.json"]])("%s is no package", (path) => {
    expect(installedPackageFolder(path)).toBeUndefined();
  });
});

describe("collectInventory with Python and npm", () => {
  const image = virtualImage({
    "/usr/lib/python3/dist-packages/Requests_Toolbelt-1.0.0.dist-info/METADATA": "Name: requests_toolbelt\nVersion: 1.0.0\n",
    "/usr/lib/python3/dist-packages/six.egg-info": "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n",
    "/opt/venv/lib/python3.11/site-packages/attrs-23.1.0.egg-info/PKG-INFO": "Name: attrs\nVersion: 23.1.0\n",
    "/opt/venv/lib/python3.11/site-packages/broken-1.0.dist-info/METADATA": "Summary: no name here\n",
    "/srv/node_modules/@babel/core/package.json": '{"name":"@babel/core","version":"7.23.0"}',
    "/srv/node_modules/lodash/package.json": '{"name":"lodash","version":"4.17.20"}',
    "/srv/node_modules/lodash/fp/package.json": '{"main":"../fp.js"}',
    "/srv/package.json": '{"name":"app","version":"1.0.0"}',
  });
  const { packages, notes } = collectInventory(image);

  it("finds each installed package once", () => {
    expect(packages.map((record) => record.purl).sort()).toEqual([
      "pkg:npm/%40babel/core@7.23.0",
      "pkg:npm/lodash@4.17.20",
      "pkg:pypi/attrs@23.1.0",
      "pkg:pypi/requests-toolbelt@1.0.0",
      "pkg:pypi/six@1.16.0",
    ]);
  });

  it("records the manifest path as source", () => {
    expect(packages.find((record) => record.name === "lodash")?.source).toBe("/srv/node_modules/lodash/package.json");
  });

  it("notes an invalid manifest", () => {
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("broken-1.0.dist-info/METADATA");
  });
});
