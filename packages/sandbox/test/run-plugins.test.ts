import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { networkNamespaceCommand, permissionFlag, runPlugins, SandboxError } from "../src/index.js";
import type { SandboxEvent } from "../src/index.js";
import { PASSWD, bundlePlugin, checkSource, pluginJob, testImage } from "./helpers.js";

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

  it("starts the runner restricted, without network and environment", async () => {
    const bundle = await bundlePlugin(checkSource("noop", ""));
    let commandLine: string[] = [];
    let environment = "unread";
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [pluginJob("checks-plugin-noop", bundle, [{ id: "noop" }])],
      onEvent: (event) => {
        if (event.type !== "runner-started") return;
        commandLine = readFileSync(`/proc/${event.pid}/cmdline`, "utf8").split("\0");
        environment = readFileSync(`/proc/${event.pid}/environ`, "utf8");
      },
    });

    expect(run.permissionModel).toBe(true);
    expect(run.networkIsolated).toBe(networkNamespaceCommand() !== null);
    expect(commandLine).toContain(permissionFlag());
    expect(commandLine.filter((arg) => /^--allow-(fs-write|child-process|worker)/.test(arg))).toEqual([]);
    expect(commandLine.filter((arg) => arg.startsWith("--allow-fs-read=")).map((arg) => arg.slice("--allow-fs-read=".length))).toContain(bundle);
    // Node itself sets the IPC channel's variables; nothing of the host's environment is passed on.
    const names = environment.split("\0").filter(Boolean).map((entry) => entry.split("=")[0]);
    expect(names.filter((name) => !name?.startsWith("NODE_CHANNEL_"))).toEqual([]);
  });

  it("reports no network isolation when it is turned off", async () => {
    const bundle = await bundlePlugin(checkSource("noop", ""));
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [pluginJob("checks-plugin-noop", bundle, [{ id: "noop" }])],
      isolateNetwork: false,
    });
    expect(run.networkIsolated).toBe(false);
    expect(run.plugins[0]?.checks[0]?.status).toBe("passed");
  });

  it("restarts a killed runner for the remaining plugins", async () => {
    const slow = await bundlePlugin(checkSource("slow", "for (;;) {}"));
    const fine = await bundlePlugin(checkSource("fine", "report({ messageId: 'found', data: { what: 'ok' } });"));
    const pids: number[] = [];
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [pluginJob("checks-plugin-slow", slow, [{ id: "slow" }, { id: "after" }]), pluginJob("checks-plugin-fine", fine, [{ id: "fine" }])],
      runners: 1,
      onEvent: (event) => {
        if (event.type === "runner-started") pids.push(event.pid);
        // Kills the runner while the endless check runs, as an out-of-memory kill would.
        if (event.type === "check-started" && event.check === "slow") process.kill(pids.at(-1)!, "SIGKILL");
      },
    });

    expect(pids).toHaveLength(2);
    const [slowResult, fineResult] = run.plugins;
    expect(slowResult?.error).toMatchObject({ code: "RUNNER_CRASHED", plugin: "checks-plugin-slow", check: "slow", phase: "run" });
    expect(slowResult?.checks.map((check) => [check.status, check.error?.code])).toEqual([
      ["error", "RUNNER_CRASHED"],
      ["skipped", "PLUGIN_ABORTED"],
    ]);
    expect(fineResult?.checks[0]?.findings[0]?.data).toEqual({ what: "ok" });
  });

  it("runs plugins queued behind a crash on a new runner", async () => {
    const crash = await bundlePlugin(checkSource("crash", "new Array(1e9).fill(0);"));
    const fine = await bundlePlugin(checkSource("fine", "report({ messageId: 'found', data: { what: 'ok' } });"));
    const names = ["first", "crash", "second", "third", "fourth"];
    let runnersStarted = 0;
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: names.map((name) => (name === "crash" ? pluginJob("checks-plugin-crash", crash, [{ id: "crash" }]) : pluginJob(`checks-plugin-${name}`, fine, [{ id: "fine" }]))),
      runners: 1,
      onEvent: (event) => {
        if (event.type === "runner-started") runnersStarted++;
      },
    });

    expect(runnersStarted).toBe(2);
    expect(run.plugins.map((plugin) => plugin.name)).toEqual(names.map((name) => `checks-plugin-${name}`));
    expect(run.plugins[1]?.error).toMatchObject({ code: "RUNNER_CRASHED", check: "crash", phase: "run" });
    for (const index of [0, 2, 3, 4]) {
      expect(run.plugins[index]?.checks[0]?.findings[0]?.data, names[index]).toEqual({ what: "ok" });
    }
  });

  it("reports checks missing from the manifest or the bundle", async () => {
    const bundle = await bundlePlugin(checkSource("present", ""));
    const job = pluginJob("checks-plugin-partial", bundle, [{ id: "present" }, { id: "absent" }]);
    job.checkIds.push("unknown");
    const run = await runPlugins({ image: { kind: "data", data: testImage() }, plugins: [job] });
    expect(run.plugins[0]?.checks.map((check) => [check.checkId, check.status, check.error?.code, check.error?.phase])).toEqual([
      ["present", "passed", undefined, undefined],
      ["absent", "error", "CHECK_NOT_IN_BUNDLE", "load"],
      ["unknown", "error", "CHECK_NOT_IN_MANIFEST", "load"],
    ]);
  });

  it("reports an unreadable bundle as a load error", async () => {
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [pluginJob("checks-plugin-gone", "/nonexistent/bundle.js", [{ id: "gone" }])],
    });
    expect(run.plugins[0]?.error).toMatchObject({ code: "BUNDLE_UNREADABLE", plugin: "checks-plugin-gone", phase: "load" });
    expect(run.plugins[0]?.checks[0]?.error).toMatchObject({ code: "BUNDLE_UNREADABLE", check: "gone" });
  });

  it("stops a plugin at its wall-time limit", async () => {
    const bundle = await bundlePlugin(checkSource("spin", "const end = Date.now() + 5000; while (Date.now() < end) {}"));
    const run = await runPlugins({
      image: { kind: "data", data: testImage() },
      plugins: [pluginJob("checks-plugin-spin", bundle, [{ id: "spin" }, { id: "spin-again" }])],
      limits: { pluginWallMs: 1500, checkCpuMs: 10_000 },
    });
    const checks = run.plugins[0]?.checks ?? [];
    expect(checks[0]?.error).toMatchObject({ code: "PLUGIN_TIMEOUT", check: "spin", phase: "run" });
    expect(checks[1]).toMatchObject({ status: "skipped", error: { code: "PLUGIN_TIMEOUT", check: "spin-again" } });
  });

  it("rejects limits that are not positive whole numbers", async () => {
    const job = { image: { kind: "data" as const, data: testImage() }, plugins: [], limits: { memoryMb: 0.5 } };
    await expect(runPlugins(job)).rejects.toMatchObject({ code: "INVALID_JOB" });
  });
});

describe("permissionFlag", () => {
  it.each([
    ["20.20.2", "--experimental-permission"],
    ["22.12.0", "--experimental-permission"],
    ["23.4.0", "--experimental-permission"],
    ["23.5.0", "--permission"],
    ["24.1.0", "--permission"],
  ])("Node %s uses %s", (version, flag) => {
    expect(permissionFlag(version)).toBe(flag);
  });
});

describe("runPlugins on an image path", () => {
  const root = mkdtempSync(join(tmpdir(), "checks-sandbox-rootfs-"));
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc/passwd"), PASSWD);
  writeFileSync(join(root, "etc/shadow"), "root:$6$pathsecret$:19000:0:99999:7:::\n");
  symlinkSync("/etc/passwd", join(root, "etc/passwd-link"));
  const tarFile = join(mkdtempSync(join(tmpdir(), "checks-sandbox-tar-")), "rootfs.tar");
  execFileSync("tar", ["-C", root, "-cf", tarFile, "."]);
  const needs = { content: [{ glob: "/etc/passwd", maxBytes: 1024 * 1024 }], rawLayers: false };
  const body = `
    let denied = "read";
    try { image.files.readText("/etc/shadow"); } catch (error) { denied = error.code; }
    report({ messageId: "found", data: { what: denied }, evidence: image.files.readText("/etc/passwd-link") });
  `;
  const manifestNeeds = { paths: ["/etc/passwd", "/etc/passwd-link"], content: true };

  it.each([
    ["folder", root],
    ["tar", tarFile],
  ])("reads a root filesystem %s in the runner", async (_kind, ref) => {
    const bundle = await bundlePlugin(checkSource("path-read", body));
    let commandLine: string[] = [];
    const run = await runPlugins({
      image: { kind: "path", ref, needs },
      plugins: [pluginJob("checks-plugin-path", bundle, [{ id: "path-read", needs: manifestNeeds }])],
      onEvent: (event) => {
        if (event.type === "runner-started") commandLine = readFileSync(`/proc/${event.pid}/cmdline`, "utf8").split("\0");
      },
    });
    expect(run.permissionModel).toBe(true);
    expect(commandLine).toContain(`--allow-fs-read=${ref}`);
    const check = run.plugins[0]?.checks[0];
    expect(check?.error).toBeUndefined();
    expect(check?.findings[0]?.data).toEqual({ what: "ACCESS_DENIED" });
    expect(check?.findings[0]?.evidence).toBe(PASSWD);
  });

  it("rejects a missing image", async () => {
    const bundle = await bundlePlugin(checkSource("path-read", body));
    const job = {
      image: { kind: "path" as const, ref: join(root, "missing.tar"), needs },
      plugins: [pluginJob("checks-plugin-path", bundle, [{ id: "path-read", needs: manifestNeeds }])],
    };
    await expect(runPlugins(job)).rejects.toMatchObject({ code: "IMAGE_UNREADABLE" });
  });

  it("rejects an image read that times out", async () => {
    const bundle = await bundlePlugin(checkSource("path-read", body));
    const job = {
      image: { kind: "path" as const, ref: tarFile, needs },
      plugins: [pluginJob("checks-plugin-path", bundle, [{ id: "path-read", needs: manifestNeeds }])],
      limits: { imageReadMs: 1 },
    };
    const error = await runPlugins(job).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "IMAGE_UNREADABLE", cause: { imageCode: "TIMED_OUT" } });
  });

  it("rejects an image the reader cannot parse", async () => {
    const garbage = join(mkdtempSync(join(tmpdir(), "checks-sandbox-bad-")), "image.tar");
    writeFileSync(garbage, "this is not an image");
    const bundle = await bundlePlugin(checkSource("path-read", body));
    const job = {
      image: { kind: "path" as const, ref: garbage, needs },
      plugins: [pluginJob("checks-plugin-path", bundle, [{ id: "path-read", needs: manifestNeeds }])],
    };
    const error = await runPlugins(job).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: "IMAGE_UNREADABLE" });
  });
});
