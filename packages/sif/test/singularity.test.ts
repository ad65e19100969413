import { describe, expect, it } from "vitest";
import { buildSingularityMetadata, deriveImageConfig, parseEnvironmentScript, parseLabels, parseOciRunscript } from "../src/index.js";
import { resolveInImage } from "../src/resolve.js";

describe("parseEnvironmentScript", () => {
  it.each([
    ["export A=1", { A: "1" }],
    ["A=1", { A: "1" }],
    ['export A="two words"', { A: "two words" }],
    ["export A='$HOME stays literal'", { A: "$HOME stays literal" }],
    ["  export A=1 # comment", { A: "1" }],
    ["export A=1; export B=2", { A: "1" }],
  ])("reads %s", (line, expected) => {
    expect(parseEnvironmentScript(line)).toEqual(expected);
  });

  it.each([
    ['export PATH="/opt/bin:$PATH"'],
    ["export HOME=${HOME:-/root}"],
    ["export NOW=`date`"],
    ["export NOW=$(date)"],
    ["# export A=1"],
    ["export A"],
    ['export A="unterminated'],
  ])("skips %s", (line) => {
    expect(parseEnvironmentScript(line)).toEqual({});
  });

  it("lets a later assignment win", () => {
    expect(parseEnvironmentScript("A=1\nA=2\n")).toEqual({ A: "2" });
  });
});

describe("parseLabels", () => {
  it("keeps strings and serializes other values", () => {
    expect(parseLabels('{"a":"b","n":7,"o":{"x":1}}')).toEqual({ a: "b", n: "7", o: '{"x":1}' });
  });

  it.each([["not json"], ["[1,2]"], ["null"], ['"text"']])("returns no labels for %s", (text) => {
    expect(parseLabels(text)).toEqual({});
  });
});

describe("parseOciRunscript", () => {
  it("reads quoted words with escapes", () => {
    expect(parseOciRunscript(`OCI_CMD='"echo" "a \\"quoted\\" word"'`)).toEqual({ cmd: ["echo", 'a "quoted" word'] });
  });

  it.each([["#!/bin/sh\nexec /bin/bash\n"], ["OCI_CMD=''"], ['OCI_CMD="not single quoted"']])("finds nothing in %j", (runscript) => {
    expect(parseOciRunscript(runscript)).toEqual({});
  });
});

describe("resolveInImage", () => {
  const entries = new Map<string, { type: string; linkTarget?: string }>([
    ["/", { type: "directory" }],
    ["/etc", { type: "directory" }],
    ["/etc/passwd", { type: "file" }],
    ["/a", { type: "symlink", linkTarget: "etc/passwd" }],
    ["/up", { type: "symlink", linkTarget: "../../../etc/passwd" }],
    ["/abs", { type: "symlink", linkTarget: "/etc/passwd" }],
    ["/loop1", { type: "symlink", linkTarget: "loop2" }],
    ["/loop2", { type: "symlink", linkTarget: "loop1" }],
    ["/etcdir", { type: "symlink", linkTarget: "/etc" }],
  ]);

  it.each([
    ["/a", "/etc/passwd"],
    ["/up", "/etc/passwd"],
    ["/abs", "/etc/passwd"],
    ["/etcdir/passwd", "/etc/passwd"],
    ["/etc/../etc/passwd", "/etc/passwd"],
  ])("resolves %s inside the root", (path, expected) => {
    expect(resolveInImage(entries, path)).toBe(expected);
  });

  it.each([["/loop1"], ["/missing"], ["/etc/passwd/x"]])("returns undefined for %s", (path) => {
    expect(resolveInImage(entries, path)).toBeUndefined();
  });
});

describe("deriveImageConfig", () => {
  const base = buildSingularityMetadata({ files: new Map(), signatures: [] });

  it("uses the runscript as the command", () => {
    const metadata = buildSingularityMetadata({ files: new Map([["/.singularity.d/runscript", "#!/bin/sh\n"]]), signatures: [] });
    expect(deriveImageConfig(metadata, {}).cmd).toEqual(["/.singularity.d/runscript"]);
  });

  it("uses OCI_ENTRYPOINT and OCI_CMD", () => {
    const runscript = `#!/bin/sh\nOCI_ENTRYPOINT='"/docker-entrypoint.sh"'\nOCI_CMD='"nginx" "-g" "daemon off;"'\nexec "$@"\n`;
    const config = deriveImageConfig(buildSingularityMetadata({ files: new Map([["/.singularity.d/runscript", runscript]]), signatures: [] }), {});
    expect(config.entrypoint).toEqual(["/docker-entrypoint.sh"]);
    expect(config.cmd).toEqual(["nginx", "-g", "daemon off;"]);
  });

  it("leaves cmd unset beside an OCI entrypoint", () => {
    const runscript = `#!/bin/sh\nOCI_ENTRYPOINT='"/init"'\nOCI_CMD=''\n`;
    const config = deriveImageConfig(buildSingularityMetadata({ files: new Map([["/.singularity.d/runscript", runscript]]), signatures: [] }), {});
    expect(config.entrypoint).toEqual(["/init"]);
    expect(config.cmd).toBeUndefined();
  });

  it("leaves the command unset without a runscript", () => {
    expect(deriveImageConfig(base, {}).cmd).toBeUndefined();
  });

  it.each([[-62135596800], [0], [1e15]])("leaves created unset for time %d", (createdAt) => {
    expect(deriveImageConfig(base, { createdAt }).created).toBeUndefined();
  });

  it("leaves an unknown architecture unset", () => {
    expect(deriveImageConfig(base, { architecture: "unknown" }).architecture).toBeUndefined();
  });
});
