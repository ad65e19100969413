import { describe, expect, it } from "vitest";
import { AccessDeniedError, createImageView } from "../src/index.js";
import type { AccessPolicy, FileRecord, ImageData } from "../src/index.js";

const text = (value: string) => new TextEncoder().encode(value);
const file = (path: string, content: string, extra: Partial<FileRecord> = {}): FileRecord => ({
  path, type: "file", mode: 0o644, uid: 0, gid: 0, size: content.length, layer: 0, content: text(content), ...extra,
});
const dir = (path: string): FileRecord => ({ path, type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 });
const link = (path: string, target: string): FileRecord => ({ path, type: "symlink", mode: 0o777, uid: 0, gid: 0, size: 0, layer: 0, linkTarget: target });

const image: ImageData = {
  info: { name: "test", format: "virtual" },
  files: [
    dir("/"), dir("/etc"), dir("/usr"), dir("/usr/lib"), dir("/loop"),
    file("/usr/lib/os-release", "ID=debian\n"),
    link("/etc/os-release", "../usr/lib/os-release"),
    file("/etc/shadow", "root:*:::"),
    link("/etc/escape", "../../../../host/etc/passwd"),
    link("/etc/abs-escape", "/../../etc/shadow"),
    link("/loop/a", "b"),
    link("/loop/b", "a"),
    file("/etc/big", "0123456789"),
  ],
  config: { env: {}, labels: {}, exposedPorts: [], volumes: [], history: [] },
};

const policy = (overrides: Partial<AccessPolicy>): AccessPolicy => ({
  checkId: "test-check", paths: ["/**"], content: ["/**"], maxBytes: 1024, capabilities: [], ...overrides,
});

describe("createImageView", () => {
  it("follows a relative symlink inside the image", () => {
    const { view } = createImageView(image, policy({}));
    expect(view.files.readText("/etc/os-release")).toBe("ID=debian\n");
    expect(view.files.lstat("/etc/os-release")?.type).toBe("symlink");
    expect(view.files.stat("/etc/os-release")?.path).toBe("/usr/lib/os-release");
  });

  it("keeps a symlink that climbs out at the image root", () => {
    const { view } = createImageView(image, policy({}));
    expect(view.files.stat("/etc/escape")).toBeUndefined();
    expect(view.files.readText("/etc/abs-escape")).toBe("root:*:::");
  });

  it("treats a symlink loop as missing and notes it", () => {
    const handle = createImageView(image, policy({}));
    expect(handle.view.files.stat("/loop/a")).toBeUndefined();
    expect(handle.notes().join("\n")).toMatch(/loop/);
  });

  it("rejects an undeclared path and counts it", () => {
    const handle = createImageView(image, policy({ paths: ["/etc/os-release"] }));
    expect(() => handle.view.files.readText("/etc/shadow")).toThrow(AccessDeniedError);
    expect(() => handle.view.files.stat("/etc/../etc/shadow")).toThrow(AccessDeniedError);
    expect(handle.deniedCount()).toBe(2);
  });

  it("rejects content reads outside the content globs", () => {
    const handle = createImageView(image, policy({ content: [] }));
    expect(handle.view.files.stat("/etc/shadow")?.size).toBe(9);
    expect(() => handle.view.files.readBytes("/etc/shadow")).toThrow(/needs.content/);
  });

  it("rejects undeclared capabilities", () => {
    const handle = createImageView(image, policy({}));
    expect(() => handle.view.config()).toThrow(/"config" capability/);
    expect(() => handle.view.packages()).toThrow(AccessDeniedError);
    expect(createImageView(image, policy({ capabilities: ["config"] })).view.config()?.env).toEqual({});
  });

  it("caps reads at the declared maximum", () => {
    const { view } = createImageView(image, policy({ maxBytes: 4 }));
    expect(view.files.readText("/etc/big", { maxBytes: 100 })).toBe("0123");
    expect(view.files.isTruncated("/etc/big")).toBe(true);
  });

  it("walks only declared paths in order", () => {
    const { view } = createImageView(image, policy({ paths: ["/etc/*"] }));
    expect(view.files.walk(undefined, { types: ["file"] }).map((s) => s.path)).toEqual(["/etc/big", "/etc/shadow"]);
    expect(view.files.walk("/usr/**")).toEqual([]);
  });

  it("never exposes content through stat", () => {
    const { view } = createImageView(image, policy({}));
    expect(view.files.stat("/etc/shadow")).not.toHaveProperty("content");
  });
});
