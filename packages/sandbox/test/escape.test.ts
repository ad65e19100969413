/**
 * Plugins that try to leave the sandbox or to harm the host, each asserting
 * the denied outcome. All plugins run in one runPlugins call, so the suite
 * also shows that each failure costs only that plugin's own result.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runPlugins } from "../src/index.js";
import type { PluginJob, PluginResult, SandboxRun } from "../src/index.js";
import { PASSWD, bundlePlugin, checkSource, pluginJob, testImage, writeBundle } from "./helpers.js";
import type { TestCheck } from "./helpers.js";

interface EscapeCase {
  name: string;
  body?: string;
  /** Raw bundle code, for bundles the SDK's build would never produce. */
  rawBundle?: string;
  /** Needs the bundle claims at run time; the manifest's needs are `manifest`. */
  bundleNeeds?: string;
  manifest?: TestCheck["needs"];
}

const ETC: TestCheck["needs"] = { paths: ["/etc/**"], content: true };

const cases: EscapeCase[] = [
  { name: "require", body: "report({ messageId: 'found', data: { what: [typeof globalThis.require, typeof globalThis.module, typeof globalThis.exports].join(',') } });" },
  { name: "process", body: "report({ messageId: 'found', data: { what: [typeof globalThis.process, typeof globalThis.Buffer, typeof globalThis.global].join(',') } });" },
  {
    name: "dynamic-import",
    body: `
      const specifier = "node:fs";
      try { await import(specifier); report({ messageId: 'found', data: { what: 'imported' } }); }
      catch (error) { report({ messageId: 'found', data: { what: 'rejected' } }); }
    `,
  },
  { name: "globals", body: "report({ messageId: 'found', data: { what: Object.getOwnPropertyNames(globalThis).sort().join(',') } });" },
  {
    name: "function-constructor",
    body: `
      const global = (function () {}).constructor("return this")();
      const viaView = image.files.walk.constructor.constructor("return typeof process + ',' + typeof require")();
      report({ messageId: 'found', data: { what: [typeof global.process, typeof global.require, viaView].join(',') } });
    `,
  },
  {
    name: "prepare-stack-trace",
    body: `
      const seen = [];
      Error.prepareStackTrace = (error, frames) => {
        for (const frame of frames) {
          const self = frame.getThis();
          const fn = frame.getFunction();
          // An object of another realm is not an instance of this isolate's Object.
          if (self && typeof self === "object" && !(self instanceof Object)) seen.push('foreign this');
          if (fn && !(fn instanceof Function)) seen.push('foreign function');
          if (self && (self.process || self.require)) seen.push('host global');
        }
        return 'captured';
      };
      try { image.files.readText("/root/secret"); } catch (error) { void error.stack; }
      try { null.x; } catch (error) { void error.stack; }
      report({ messageId: 'found', data: { what: seen.join(',') || 'none' } });
    `,
  },
  {
    name: "prototype-pollution-finding",
    body: `report({ messageId: 'found', data: JSON.parse('{"what":"x","__proto__":{"polluted":"yes"}}') });`,
  },
  {
    name: "prototype-changes-inside",
    body: `
      Object.prototype.polluted = "yes";
      Object.prototype.toJSON = function () { return { hijacked: true }; };
      report({ messageId: 'found', data: { what: 'x' } });
    `,
  },
  { name: "isolate-state", body: "report({ messageId: 'found', data: { what: typeof globalThis.polluted + ',' + typeof ({}).toJSON } });" },
  { name: "proxy-throws", body: "report(new Proxy({}, { get() { throw new Error('trap'); } }));" },
  { name: "proxy-loops", body: "report(new Proxy({}, { get() { for (;;) {} } }));" },
  { name: "getter-throws", body: "report({ messageId: 'found', data: { get what() { throw 42; } } });" },
  { name: "symbol-keys", body: "report({ messageId: 'found', data: { what: 'x', [Symbol('hidden')]: 'secret' }, [Symbol('extra')]: 1 });" },
  {
    name: "shared-memory",
    body: `
      const atomics = new Int32Array(new ArrayBuffer(16));
      let waited = 'no-error';
      try { Atomics.wait(atomics, 0, 0, 10); } catch (error) { waited = error.name; }
      report({ messageId: 'found', data: { what: typeof SharedArrayBuffer + ',' + waited } });
    `,
  },
  { name: "webassembly", body: "new WebAssembly.Memory({ initial: 1, maximum: 65536 }).grow(65535);" },
  { name: "huge-string", body: "let text = 'x'.repeat(1 << 22); const copies = []; for (;;) { text = text + text; copies.push(text.toUpperCase()); }" },
  { name: "huge-array-at-once", body: "new Array(1e9).fill(0);" },
  { name: "huge-array-growth", body: "const list = []; for (;;) list.push(new Array(100000).fill(1));" },
  { name: "huge-array-buffer", body: "const list = []; for (;;) list.push(new Uint8Array(16 << 20));" },
  { name: "deep-recursion", body: "const down = (depth) => down(depth + 1) + 1; down(0);" },
  { name: "never-settles", body: "await new Promise(() => {});" },
  { name: "microtask-flood", body: "const again = () => { Promise.resolve().then(again); }; again(); await new Promise(() => {});" },
  { name: "infinite-loop", body: "for (;;) {}" },
  { name: "non-error-throw", body: "throw { toString() { throw new Error('no string'); } };" },
  {
    name: "dot-dot-path",
    manifest: { paths: ["/etc/passwd"], content: true },
    body: `
      let relative = 'read';
      try { image.files.readText("../../etc/passwd"); } catch (error) { relative = error.name; }
      report({ messageId: 'found', data: { what: relative }, evidence: image.files.readText("/etc/../../../../../etc/passwd") });
    `,
  },
  {
    name: "absolute-host-path",
    manifest: ETC,
    body: `
      let code = 'read';
      try { image.files.readText("/proc/self/environ"); } catch (error) { code = error.code; }
      report({ messageId: 'found', data: { what: code } });
    `,
  },
  {
    name: "host-path-declared",
    manifest: { paths: ["/**"], content: true },
    bundleNeeds: "{ paths: ['/**'], content: true }",
    body: `report({ messageId: 'found', data: { what: String(image.files.readText("/proc/self/environ")) + ',' + String(image.files.readText("/root/.ssh/id_rsa")) } });`,
  },
  {
    name: "symlink-out-of-root",
    manifest: { paths: ["/etc/escape", "/etc/host-root/**"], content: true },
    bundleNeeds: "{ paths: ['/etc/escape', '/etc/host-root/**'], content: true }",
    body: `
      report({ messageId: 'found', data: { what: 'escape' }, evidence: String(image.files.readText("/etc/escape")) });
      report({ messageId: 'found', data: { what: 'root' }, evidence: String(image.files.readText("/etc/host-root/proc/version")) });
    `,
  },
  {
    name: "undeclared-path",
    manifest: { paths: ["/etc/passwd"], content: true },
    body: `
      let code = 'read';
      try { image.files.readText("/etc/shadow"); } catch (error) { code = error.code; }
      report({ messageId: 'found', data: { what: code } });
    `,
  },
  {
    name: "undeclared-capability",
    manifest: {},
    body: `
      let code = 'read';
      try { image.config(); } catch (error) { code = error.code; }
      report({ messageId: 'found', data: { what: code } });
    `,
  },
  {
    name: "bundle-claims-more",
    manifest: { paths: ["/etc/passwd"], content: true },
    bundleNeeds: "{ paths: ['/**'], content: true, capabilities: ['config'] }",
    body: `
      const codes = [];
      try { image.files.readText("/etc/shadow"); } catch (error) { codes.push(error.code); }
      try { image.config(); } catch (error) { codes.push(error.code); }
      report({ messageId: 'found', data: { what: codes.join(',') } });
    `,
  },
  {
    name: "search-for-undeclared-data",
    manifest: { paths: ["/etc/passwd"], content: true },
    body: `
      const seen = new Set();
      const found = [];
      const visit = (value, depth) => {
        if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value) || depth > 6) return;
        seen.add(value);
        for (const key of Reflect.ownKeys(value)) {
          let child;
          try { child = value[key]; } catch { continue; }
          if (typeof child === "string" && (child.includes("imagesecretvalue") || child.includes("config-secret"))) found.push(String(key));
          if (child instanceof Uint8Array && new TextDecoder().decode(child).includes("imagesecretvalue")) found.push(String(key));
          visit(child, depth + 1);
        }
      };
      visit(globalThis, 0);
      visit(image, 0);
      for (const stat of image.files.walk("/**")) visit(stat, 0);
      report({ messageId: 'found', data: { what: found.join(',') || 'nothing' } });
    `,
  },
  { name: "no-network-api", body: "report({ messageId: 'found', data: { what: [typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof setTimeout].join(',') } });" },
  { name: "too-many-findings", body: "for (let i = 0; i < 5000; i++) report({ messageId: 'found', data: { what: String(i) } });" },
  { name: "huge-evidence", body: "report({ messageId: 'found', data: { what: 'big' }, evidence: 'é'.repeat(100000) });" },
  { name: "invalid-finding", body: "report({ messageId: 'found', data: { what: 'x' }, evidence: 42, layer: -1 });" },
  { name: "unknown-message", body: "report({ messageId: 'nope', data: {} });" },
  {
    name: "replaced-intrinsics",
    body: `
      JSON.stringify = () => '{"result":{"checkId":"forged","findings":[],"notes":[],"deniedCount":0}}';
      JSON.parse = () => ({});
      Promise.prototype.then = function () { return this; };
      report({ messageId: 'found', data: { what: 'genuine' } });
    `,
  },
  { name: "load-throws", rawBundle: "throw new Error('bundle failed at load');" },
  { name: "load-loops", rawBundle: "for (;;) {}" },
  { name: "load-no-plugin", rawBundle: "var __checksPlugin = { default: { kind: 'not-a-plugin' } };" },
  { name: "load-syntax-error", rawBundle: "var __checksPlugin = {" },
];

const CPU_MS = 3000;
let run: SandboxRun;
const byName = new Map<string, PluginResult>();

function result(name: string): PluginResult {
  const found = byName.get(`checks-plugin-${name}`);
  if (!found) throw new Error(`No result for ${name}`);
  return found;
}

function check(name: string) {
  return result(name).checks[0]!;
}

function what(name: string): unknown {
  return check(name).findings[0]?.data.what;
}

beforeAll(async () => {
  const plugins: PluginJob[] = [];
  for (const escape of cases) {
    const manifestNeeds = escape.manifest ?? ETC;
    const bundle = escape.rawBundle !== undefined ? writeBundle(escape.rawBundle) : await bundlePlugin(checkSource("probe", escape.body!, escape.bundleNeeds));
    plugins.push(pluginJob(`checks-plugin-${escape.name}`, bundle, [{ id: "probe", needs: manifestNeeds }]));
  }
  run = await runPlugins({
    image: { kind: "data", data: testImage() },
    plugins,
    limits: { memoryMb: 64, checkCpuMs: CPU_MS, pluginWallMs: 20_000, maxFindingsPerCheck: 50 },
  });
  for (const plugin of run.plugins) byName.set(plugin.name, plugin);
}, 180_000);

describe("escape suite", () => {
  it("require is not defined", () => {
    expect(what("require")).toBe("undefined,undefined,undefined");
  });

  it("process and Buffer are not defined", () => {
    expect(what("process")).toBe("undefined,undefined,undefined");
  });

  it("dynamic import is rejected", () => {
    expect(what("dynamic-import")).toBe("rejected");
  });

  it("global scope holds only language globals", () => {
    const names = String(what("globals")).split(",");
    const language = new Set([
      "AggregateError", "Array", "ArrayBuffer", "Atomics", "BigInt", "BigInt64Array", "BigUint64Array", "Boolean", "DataView", "Date",
      "Error", "EvalError", "FinalizationRegistry", "Float16Array", "Float32Array", "Float64Array", "Function", "Infinity", "Int16Array",
      "Int32Array", "Int8Array", "Intl", "Iterator", "JSON", "Map", "Math", "NaN", "Number", "Object", "Promise", "Proxy", "RangeError",
      "ReferenceError", "Reflect", "RegExp", "Set", "String", "Symbol", "SyntaxError", "TypeError", "URIError", "Uint16Array",
      "Uint32Array", "Uint8Array", "Uint8ClampedArray", "WeakMap", "WeakRef", "WeakSet", "decodeURI", "decodeURIComponent",
      "encodeURI", "encodeURIComponent", "escape", "eval", "globalThis", "isFinite", "isNaN", "parseFloat", "parseInt", "undefined",
      "unescape", "DisposableStack", "AsyncDisposableStack", "SuppressedError",
      // Added by the sandbox, and the bundle's own `var`.
      "TextDecoder", "TextEncoder", "console", "__checksPlugin",
      // Set by the copy of zod that the SDK pulls into the bundle.
      "__zod_globalConfig",
    ]);
    expect(names.filter((name) => !language.has(name))).toEqual([]);
    expect(names).not.toContain("__checksBootstrap");
  });

  it("Function constructor reaches only the isolate", () => {
    expect(what("function-constructor")).toBe("undefined,undefined,undefined,undefined");
  });

  it("prepareStackTrace frames expose no host objects", () => {
    expect(what("prepare-stack-trace")).toBe("none");
  });

  it("__proto__ in finding data does not reach the host", () => {
    const data = check("prototype-pollution-finding").findings[0]?.data as Record<string, unknown>;
    expect(data).toEqual({ what: "x" });
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("prototype changes stay inside one isolate", () => {
    expect(check("prototype-changes-inside").error).toMatchObject({ code: "INVALID_REPORT", phase: "report" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(what("isolate-state")).toBe("undefined,undefined");
  });

  it("throwing Proxy finding is a check error", () => {
    expect(check("proxy-throws").error).toMatchObject({ code: "CHECK_THREW", plugin: "checks-plugin-proxy-throws", check: "probe", phase: "run" });
  });

  it("looping Proxy finding times out", () => {
    expect(check("proxy-loops").error).toMatchObject({ code: "CPU_TIMEOUT", check: "probe", phase: "run" });
  });

  it("throwing getter in finding data is a check error", () => {
    expect(check("getter-throws").error).toMatchObject({ code: "CHECK_THREW", phase: "run" });
    expect(check("getter-throws").error?.message).toContain("non-Error value thrown: 42");
  });

  it("symbol-keyed data is dropped", () => {
    expect(check("symbol-keys").status).toBe("failed");
    expect(check("symbol-keys").findings).toEqual([{ checkId: "probe", messageId: "found", data: { what: "x" } }]);
  });

  it("SharedArrayBuffer is absent and Atomics.wait is harmless", () => {
    expect(what("shared-memory")).toBe("undefined,TypeError");
  });

  it("WebAssembly is absent", () => {
    expect(check("webassembly").error).toMatchObject({ code: "CHECK_THREW", phase: "run" });
    expect(check("webassembly").error?.message).toContain("WebAssembly is not defined");
  });

  it("huge strings hit the memory limit", () => {
    expect(check("huge-string").error).toMatchObject({ code: "MEMORY_LIMIT", check: "probe", phase: "run" });
  });

  it("runner killed by a huge allocation is restarted", () => {
    expect(check("huge-array-at-once").error).toMatchObject({ code: "RUNNER_CRASHED", plugin: "checks-plugin-huge-array-at-once", check: "probe", phase: "run" });
    expect(check("huge-array-growth").error?.code).toBe("MEMORY_LIMIT");
  });

  it("growing array hits the memory limit", () => {
    expect(check("huge-array-growth").error).toMatchObject({ code: "MEMORY_LIMIT", check: "probe", phase: "run" });
  });

  it("array buffers count against the memory limit", () => {
    expect(check("huge-array-buffer").error).toMatchObject({ code: "CHECK_THREW", phase: "run" });
    expect(check("huge-array-buffer").error?.message).toContain("Array buffer allocation failed");
  });

  it("deep recursion is a check error", () => {
    expect(check("deep-recursion").error).toMatchObject({ code: "CHECK_THREW", phase: "run" });
    expect(check("deep-recursion").error?.message).toContain("Maximum call stack size exceeded");
  });

  it("never-settling promise is detected", () => {
    expect(check("never-settles").error).toMatchObject({ code: "PROMISE_UNSETTLED", check: "probe", phase: "run" });
  });

  it("microtask flood times out", () => {
    expect(check("microtask-flood").error).toMatchObject({ code: "CPU_TIMEOUT", phase: "run" });
  });

  it("infinite loop times out", () => {
    expect(check("infinite-loop").error).toMatchObject({ code: "CPU_TIMEOUT", plugin: "checks-plugin-infinite-loop", check: "probe", phase: "run" });
  });

  it("non-Error throw is a check error", () => {
    expect(check("non-error-throw").error).toMatchObject({ code: "CHECK_THREW", phase: "run" });
  });

  it("dot-dot path stays inside the image", () => {
    expect(what("dot-dot-path")).toBe("TypeError");
    expect(check("dot-dot-path").findings[0]?.evidence).toBe(PASSWD);
  });

  it("absolute host path is denied and counted", () => {
    expect(what("absolute-host-path")).toBe("ACCESS_DENIED");
    expect(check("absolute-host-path").deniedCount).toBe(1);
  });

  it("declared host path finds nothing", () => {
    expect(what("host-path-declared")).toBe("undefined,undefined");
  });

  it("symlinks out of the root resolve inside the image", () => {
    const findings = check("symlink-out-of-root").findings;
    expect(findings[0]?.evidence).toBe(PASSWD);
    expect(findings[1]?.evidence).toBe("undefined");
  });

  it("undeclared path is denied and counted", () => {
    expect(what("undeclared-path")).toBe("ACCESS_DENIED");
    expect(check("undeclared-path").deniedCount).toBe(1);
  });

  it("undeclared capability is denied and counted", () => {
    expect(what("undeclared-capability")).toBe("ACCESS_DENIED");
    expect(check("undeclared-capability").deniedCount).toBe(1);
  });

  it("manifest needs override the bundle's claims", () => {
    expect(what("bundle-claims-more")).toBe("ACCESS_DENIED,ACCESS_DENIED");
    expect(check("bundle-claims-more").deniedCount).toBe(2);
  });

  it("undeclared data is not in the isolate", () => {
    expect(what("search-for-undeclared-data")).toBe("nothing");
  });

  it("no network API exists", () => {
    expect(what("no-network-api")).toBe("undefined,undefined,undefined,undefined");
  });

  it("finding count is capped", () => {
    expect(check("too-many-findings").findings).toHaveLength(50);
    expect(check("too-many-findings").notes.join("\n")).toContain("4950 more findings were dropped");
  });

  it("huge evidence is cut to the byte limit", () => {
    const evidence = check("huge-evidence").findings[0]?.evidence ?? "";
    expect(Buffer.byteLength(evidence)).toBe(4096);
    expect(check("huge-evidence").notes.join("\n")).toContain("cut to the size limits");
  });

  it("invalid finding fields are rejected", () => {
    expect(check("invalid-finding").error).toMatchObject({ code: "INVALID_FINDING", phase: "report" });
    expect(check("invalid-finding").findings).toEqual([]);
  });

  it("unknown message id is a report error", () => {
    expect(check("unknown-message").error).toMatchObject({ code: "INVALID_REPORT", phase: "report" });
  });

  it("replaced intrinsics cannot forge results", () => {
    expect(check("replaced-intrinsics").error).toBeUndefined();
    expect(check("replaced-intrinsics").findings).toEqual([{ checkId: "probe", messageId: "found", data: { what: "genuine" } }]);
  });

  it("bundle that throws at load is a load error", () => {
    expect(result("load-throws").error).toMatchObject({ code: "PLUGIN_LOAD_FAILED", phase: "load", plugin: "checks-plugin-load-throws" });
    expect(check("load-throws").status).toBe("error");
  });

  it("bundle that loops at load times out", () => {
    expect(result("load-loops").error).toMatchObject({ code: "CPU_TIMEOUT", phase: "load" });
  });

  it("bundle without a plugin is a load error", () => {
    expect(result("load-no-plugin").error).toMatchObject({ code: "PLUGIN_LOAD_FAILED", phase: "load" });
    expect(result("load-syntax-error").error).toMatchObject({ code: "PLUGIN_LOAD_FAILED", phase: "load" });
  });

  it("every plugin gets a result in order", () => {
    expect(run.plugins.map((plugin) => plugin.name)).toEqual(cases.map((escape) => `checks-plugin-${escape.name}`));
  });
});
