import { describe, expect, it } from "vitest";
import { runPlugins, SandboxError } from "../src/index.js";
import type { SandboxEvent } from "../src/index.js";
import { PASSWD, bundlePlugin, checkSource, pluginJob, testImage, writeBundle } from "./helpers.js";

describe("runPlugins", () => {
  it("returns findings of a passing and a failing check", async () => {
    const bundle = await bundlePlugin(`
      import { defineCheck, definePlugin } from "@checks/sdk";
      const messages = { rootUser: { text: "{{user}} has uid 0", severity: "high" } } as const;
      export default definePlugin({
        checks: [
          defineCheck({
            id: "root-users", title: "Root users", description: "", level: "high", tags: [], remediation: "",
            messages, needs: { paths: ["/etc/passwd"], content: true },
            run({ image, report }) {
              for (const line of (image.files.readText("/etc/passwd") ?? "").split("\\n")) {
                const [user, , uid] = line.split(":");
                if (uid === "0") report({ messageId: "rootUser", data: { user: user! }, path: "/etc/passwd", evidence: line });
              }
            },
          }),
          defineCheck({
            id: "nothing", title: "Nothing", description: "", level: "low", tags: [], remediation: "",
            messages, needs: {}, run() {},
          }),
        ],
      });
    `);
    const messages = { rootUser: { text: "{{user}} has uid 0", severity: "high" as const } };
    const events: SandboxEvent[] = [];
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [pluginJob("checks-plugin-users", bundle, [{ id: "root-users", messages, needs: { paths: ["/etc/passwd"], content: true } }, { id: "nothing", messages }])],
      onEvent: (event) => events.push(event),
    });

    expect(run.permissionModel).toBe(true);
    const [plugin] = run.plugins;
    expect(plugin?.error).toBeUndefined();
    expect(plugin?.checks.map((check) => check.status)).toEqual(["failed", "passed"]);
    expect(plugin?.checks[0]?.findings).toEqual([
      { checkId: "root-users", messageId: "rootUser", data: { user: "root" }, path: "/etc/passwd", evidence: PASSWD.trim() },
    ]);
    expect(events.map((event) => event.type)).toContain("runner-started");
    expect(events.filter((event) => event.type === "check-started")).toHaveLength(2);
  });

  it("rejects image sources of kind path as not implemented", async () => {
    const bundle = writeBundle("var __checksPlugin = {};");
    const job = {
      image: { kind: "path" as const, ref: "/tmp/image.tar", needs: { content: [], rawLayers: false } },
      plugins: [pluginJob("checks-plugin-a", bundle, [{ id: "a" }])],
    };
    await expect(runPlugins(job)).rejects.toMatchObject({ code: "NOT_IMPLEMENTED" });
  });

  it("rejects a job with a relative bundle path", async () => {
    const job = { image: { kind: "data" as const, data: testImage() }, plugins: [pluginJob("checks-plugin-a", "bundle.js", [{ id: "a" }])] };
    const error = await runPlugins(job).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: "INVALID_JOB" });
  });

  it("validates options with the check's schema", async () => {
    const bundle = await bundlePlugin(`
      import { z } from "zod";
      import { defineCheck, definePlugin } from "@checks/sdk";
      export default definePlugin({
        checks: [
          defineCheck({
            id: "opts", title: "Options", description: "", level: "low", tags: [], remediation: "",
            messages: { found: { text: "Found {{what}}", severity: "low" } },
            needs: {},
            options: z.object({ level: z.number().default(1) }),
            run({ options, report }) { report({ messageId: "found", data: { what: String(options.level) } }); },
          }),
        ],
      });
    `);
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [
        pluginJob("checks-plugin-opts", bundle, [{ id: "opts" }], { opts: { level: 3 } }),
        pluginJob("checks-plugin-defaults", bundle, [{ id: "opts" }]),
        pluginJob("checks-plugin-bad-opts", bundle, [{ id: "opts" }], { opts: { level: "high" } }),
      ],
    });
    expect(run.plugins[0]?.checks[0]?.findings[0]?.data).toEqual({ what: "3" });
    expect(run.plugins[1]?.checks[0]?.findings[0]?.data).toEqual({ what: "1" });
    expect(run.plugins[2]?.checks[0]?.error).toMatchObject({ code: "INVALID_OPTIONS", plugin: "checks-plugin-bad-opts", check: "opts", phase: "load" });
  });
});
