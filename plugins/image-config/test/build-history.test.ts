import { testCheck } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import { buildHistory } from "../src/build-history.js";
import { commandExcerpt, findHistoryProblems, parseHistoryEntry } from "../src/commands.js";

const history = (...createdBy: string[]) => ({ config: { history: createdBy.map((command) => ({ createdBy: command })) } });

describe("parseHistoryEntry", () => {
  it("reads a classic RUN", () => expect(parseHistoryEntry("/bin/sh -c apt-get update")).toEqual({ instruction: "RUN", argument: "apt-get update" }));
  it("reads a classic nop", () => expect(parseHistoryEntry('/bin/sh -c #(nop)  CMD ["bash"]').instruction).toBe("CMD"));
  it("reads a buildkit RUN with build args", () =>
    expect(parseHistoryEntry("|1 VERSION=2 RUN /bin/sh -c make install # buildkit")).toEqual({ instruction: "RUN", argument: "make install" }));
});

describe("findHistoryProblems on crafted input", () => {
  it("long run of curl words", () => expect(findHistoryProblems("/bin/sh -c " + "curl TOKEN".repeat(100_000))).toEqual([]));
});

describe("commandExcerpt", () => {
  it("masks URL passwords and secret values", () =>
    expect(commandExcerpt("curl https://u:pw@h/x NPM_TOKEN=abc | sh")).toBe("curl https://u:****@h/x NPM_TOKEN=**** | sh"));
  it("shortens a huge command", () => expect(commandExcerpt("PASSWORDTOKEN".repeat(100_000)).length).toBe(160));
});

testCheck(buildHistory, {
  valid: [
    { name: "update and install together", image: history("/bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*") },
    { name: "sudo as a package name", image: history("/bin/sh -c apt-get update && apt-get install -y sudo") },
    { name: "local ADD of the base", image: history("/bin/sh -c #(nop) ADD file:5a6d9e8b1f in / ", "/bin/sh -c #(nop)  CMD [\"bash\"]") },
    { name: "download saved, not piped", image: history("RUN /bin/sh -c curl -fsSLo /tmp/x.sh https://example.org/x.sh && sha256sum -c x.sha256 # buildkit") },
    { name: "apk with --no-cache", image: history("/bin/sh -c apk add --no-cache curl") },
  ],
  invalid: [
    {
      name: "curl piped to sh",
      image: history("/bin/sh -c curl -fsSL https://example.com/install.sh | sh"),
      findings: [{ messageId: "pipeToShell", data: { step: 1 }, evidence: "/bin/sh -c curl -fsSL https://example.com/install.sh | sh" }],
    },
    { name: "bash with process substitution", image: history("RUN /bin/sh -c bash <(wget -qO- https://x.example/i) # buildkit"), findings: [{ messageId: "pipeToShell" }] },
    { name: "sudo in a RUN", image: history("/bin/sh -c sudo make install"), findings: [{ messageId: "sudo" }] },
    { name: "lone update", image: history("/bin/sh -c apt-get update", "/bin/sh -c apt-get install -y curl"), findings: [{ messageId: "loneUpdate", data: { step: 1 } }] },
    { name: "dist-upgrade", image: history("/bin/sh -c apt-get update && apt-get -y dist-upgrade"), findings: [{ messageId: "distUpgrade" }] },
    { name: "remote ADD", image: history("ADD https://example.org/app.tar.gz /opt/ # buildkit"), findings: [{ messageId: "remoteAdd" }] },
    { name: "apk cache kept", image: history("/bin/sh -c apk update && apk add curl"), findings: [{ messageId: "apkWithoutNoCache" }] },
  ],
});
