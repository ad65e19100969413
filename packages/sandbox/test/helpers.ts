import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { PluginManifestSchema } from "@checks/sdk/host";
import type { FileRecord, ImageData } from "@checks/sdk";
import type { PluginJob } from "../src/index.js";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const bundleDir = mkdtempSync(join(tmpdir(), "checks-sandbox-test-"));
let bundleCount = 0;

/** Bundles inline plugin source the way the SDK's plugin build does: an IIFE with globalName "__checksPlugin". */
export async function bundlePlugin(source: string): Promise<string> {
  const outfile = join(bundleDir, `plugin-${++bundleCount}.js`);
  await build({
    stdin: { contents: source, resolveDir: packageRoot, loader: "ts", sourcefile: "plugin.ts" },
    bundle: true,
    format: "iife",
    globalName: "__checksPlugin",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}

/** Writes raw JavaScript as a bundle file, for bundles the SDK's build would never produce. */
export function writeBundle(code: string): string {
  const file = join(bundleDir, `raw-${++bundleCount}.js`);
  writeFileSync(file, code);
  return file;
}

export interface TestCheck {
  id: string;
  messages?: Record<string, { text: string; severity: "info" | "low" | "medium" | "high" | "critical" }>;
  needs?: { paths?: string[]; content?: boolean | string[]; maxBytes?: number; capabilities?: ("config" | "layers" | "packages" | "advisories" | "singularity")[] };
}

export const DEFAULT_MESSAGES = { found: { text: "Found {{what}}", severity: "medium" as const } };

/** Creates a plugin job whose manifest declares the given checks, all of them selected. */
export function pluginJob(name: string, bundleFile: string, checks: TestCheck[], options: Record<string, unknown> = {}): PluginJob {
  const manifest = PluginManifestSchema.parse({
    apiVersion: "^1.0.0",
    bundle: "dist/index.js",
    checks: checks.map((check) => ({
      id: check.id,
      title: check.id,
      level: "medium",
      messages: check.messages ?? DEFAULT_MESSAGES,
      needs: check.needs ?? {},
    })),
  });
  return { name, version: "1.0.0", bundleFile, manifest, checkIds: checks.map((check) => check.id), options };
}

/**
 * Source of a plugin with one check whose run body is `body`. The bundle's own
 * needs are `needs` (default: the manifest's), to test that the manifest wins.
 */
export function checkSource(id: string, body: string, needs = "{ paths: ['/etc/**'], content: true }", messages = "{ found: { text: 'Found {{what}}', severity: 'medium' } }"): string {
  return `
    import { defineCheck, definePlugin } from "@checks/sdk";
    export default definePlugin({
      checks: [
        defineCheck({
          id: ${JSON.stringify(id)},
          title: "test",
          description: "",
          level: "medium",
          tags: [],
          messages: ${messages},
          remediation: "",
          needs: ${needs},
          async run(context) {
            const { image, report, note, options } = context;
            ${body}
          },
        }),
      ],
    });
  `;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

function file(path: string, content: string, extra: Partial<FileRecord> = {}): FileRecord {
  const bytes = text(content);
  return { path, type: "file", mode: 0o644, uid: 0, gid: 0, size: bytes.length, layer: 0, content: bytes, ...extra };
}

function dir(path: string): FileRecord {
  return { path, type: "directory", mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0 };
}

function link(path: string, target: string): FileRecord {
  return { path, type: "symlink", mode: 0o777, uid: 0, gid: 0, size: 0, layer: 0, linkTarget: target };
}

export const PASSWD = "root:x:0:0:root:/root:/bin/bash\n";
export const SHADOW_SECRET = "root:$6$imagesecretvalue$:19000:0:99999:7:::\n";

/** Creates a small image with a secret file, a folder symlink and symlinks that point at the host. */
export function testImage(): ImageData {
  return {
    info: { name: "test-image", format: "rootfs" },
    files: [
      dir("/"),
      dir("/etc"),
      file("/etc/passwd", PASSWD),
      file("/etc/shadow", SHADOW_SECRET, { mode: 0o640 }),
      file("/etc/hostname", "image-host\n"),
      link("/etc/ssl", "../usr/lib/ssl"),
      link("/etc/escape", "../../../../../../etc/passwd"),
      link("/etc/host-root", "/"),
      link("/etc/shadow-link", "/etc/shadow"),
      dir("/usr"),
      dir("/usr/lib"),
      dir("/usr/lib/ssl"),
      file("/usr/lib/ssl/openssl.cnf", "[openssl_init]\n"),
      dir("/bin"),
      file("/bin/su", "ELF", { mode: 0o4755 }),
    ],
    config: { env: { SECRET_TOKEN: "config-secret" }, labels: {}, exposedPorts: [], volumes: [], history: [] },
    osRelease: { id: "debian", versionId: "12", fields: { ID: "debian", VERSION_ID: "12" } },
  };
}
