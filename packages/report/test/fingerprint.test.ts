import { describe, expect, it } from "vitest";
import { fingerprint } from "../src/index.js";

describe("fingerprint", () => {
  const input = { check: "@checks/plugin-files/setuid-files", messageId: "unexpectedSetuid", path: "/usr/bin/passwd", imageDigest: "sha256:abc" };

  it("is a sha256 hex digest", () => {
    expect(fingerprint(input)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is stable across calls and machines", () => {
    expect(fingerprint({ ...input })).toBe(fingerprint(input));
    // Pinned value, also computed with sha256sum over the JSON array; a change breaks every ignore rule users have written.
    expect(fingerprint(input)).toBe("aa134ec881446d294fe3f3627e168959f9b6dfffbd0a82bc5c19dcfd7952cb45");
  });

  it.each([
    ["check", { check: "@checks/plugin-other/setuid-files" }],
    ["message id", { messageId: "otherMessage" }],
    ["path", { path: "/usr/bin/su" }],
    ["package", { package: "openssl" }],
    ["image digest", { imageDigest: "sha256:def" }],
    ["missing digest", { imageDigest: undefined }],
  ])("changes with the %s", (_name, change) => {
    expect(fingerprint({ ...input, ...change })).not.toBe(fingerprint(input));
  });

  it("does not collide when a separator moves between fields", () => {
    const a = fingerprint({ check: "a", messageId: "b", path: "/c|d" });
    const b = fingerprint({ check: "a", messageId: "b", path: "/c", package: "d" });
    expect(a).not.toBe(b);
  });

  it("treats a missing field like an empty one", () => {
    expect(fingerprint({ check: "a", messageId: "b" })).toBe(fingerprint({ check: "a", messageId: "b", path: "", package: "", imageDigest: "" }));
  });

  it("tells findings apart by detail", () => {
    const base = { check: "image-config/secret-env-names", messageId: "secretName" };
    expect(fingerprint({ ...base, detail: '[["name","A"]]' })).not.toBe(fingerprint({ ...base, detail: '[["name","B"]]' }));
    expect(fingerprint({ ...base, detail: "" })).toBe(fingerprint(base));
  });
});
