import { describe, expect, it } from "vitest";
import { defineCheck } from "@checks/sdk";
import { runCheckOn, virtualImage } from "../src/index.js";

const paths = (image: ReturnType<typeof virtualImage>) => image.files.map((file) => file.path);

describe("virtualImage", () => {
  it("creates parent folders", () => {
    const image = virtualImage({ files: { "/usr/local/bin/tool": "x" } });
    expect(paths(image)).toEqual(["/", "/usr", "/usr/local", "/usr/local/bin", "/usr/local/bin/tool"]);
    expect(image.files.find((file) => file.path === "/usr/local")?.type).toBe("directory");
  });

  it("keeps modes, owners and xattrs", () => {
    const image = virtualImage({ files: { "/bin/ping": { content: "elf", mode: 0o4755, uid: 0, gid: 0, xattrs: { "security.capability": "cap" } } } });
    const ping = image.files.find((file) => file.path === "/bin/ping")!;
    expect(ping.mode).toBe(0o4755);
    expect(new TextDecoder().decode(ping.xattrs!["security.capability"])).toBe("cap");
  });

  it("deletes a lower file with a whiteout but keeps it in its layer", () => {
    const image = virtualImage({
      layers: [{ files: { "/app/secret.env": "TOKEN=x" } }, { files: { "/app/secret.env": { whiteout: true } } }],
    });
    expect(paths(image)).not.toContain("/app/secret.env");
    const lower = image.layers![0]!.entries.find((entry) => entry.path === "/app/secret.env")!;
    expect(lower.hiddenInMerged).toBe(true);
    expect(image.layers![1]!.entries[0]!.whiteout).toBe(true);
  });

  it("hides lower content under an opaque folder", () => {
    const image = virtualImage({
      layers: [{ files: { "/etc/app/a.conf": "a", "/etc/app/b.conf": "b" } }, { files: { "/etc/app": { type: "directory", opaque: true }, "/etc/app/c.conf": "c" } }],
    });
    expect(paths(image).filter((path) => path.startsWith("/etc/app/"))).toEqual(["/etc/app/c.conf"]);
  });

  it("replaces a folder with a file", () => {
    const image = virtualImage({ layers: [{ files: { "/data/x/y": "1" } }, { files: { "/data/x": "now a file" } }] });
    expect(paths(image)).toContain("/data/x");
    expect(paths(image)).not.toContain("/data/x/y");
  });

  it("binds a hardlink to its target", () => {
    const image = virtualImage({ files: { "/bin/a": { content: "same", mode: 0o4755 }, "/bin/b": { hardlink: "/bin/a" } } });
    const b = image.files.find((file) => file.path === "/bin/b")!;
    expect(b.mode).toBe(0o4755);
    expect(b.hardlinks).toEqual(["/bin/a"]);
  });

  it("rejects a hardlink to a missing file", () => {
    expect(() => virtualImage({ files: { "/bin/b": { hardlink: "/bin/missing" } } })).toThrow(/hardlink/);
  });

  it("parses os-release text", () => {
    const image = virtualImage({ osRelease: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' });
    expect(image.osRelease).toMatchObject({ id: "debian", versionId: "12" });
  });
});

describe("runCheckOn", () => {
  const check = defineCheck({
    id: "reads-shadow",
    title: "Reads shadow",
    description: "",
    level: "low",
    tags: [],
    messages: { found: { text: "{{path}}", severity: "low" } },
    remediation: "",
    needs: { paths: ["/etc/passwd"], content: true },
    run({ image, report }) {
      image.files.readText("/etc/shadow");
      report({ messageId: "found", data: { path: "/etc/passwd" } });
    },
  });

  it("surfaces a read outside the declared paths", async () => {
    const result = await runCheckOn(check, { files: { "/etc/shadow": "root:*:::" } });
    expect(result.error?.code).toBe("CHECK_THREW");
    expect(result.deniedCount).toBe(1);
  });
});
