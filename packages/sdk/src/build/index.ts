/**
 * The plugin build: bundles a plugin into one self-contained file, reads the
 * checks it defines, writes their metadata into `package.json` under
 * `checks.checks`, and validates the whole manifest. Host-only: uses Node APIs.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import { build as esbuild } from "esbuild";
import { z } from "zod";
import type { AnyCheck, MessageTable, Plugin } from "../check.js";
import { API_VERSION, formatProblems, validatePluginPackage } from "../manifest.js";
import type { CheckManifest, ManifestProblem } from "../manifest.js";

/** Global name the bundle assigns; the sandbox reads `globalThis.__checksPlugin.default`. */
export const BUNDLE_GLOBAL = "__checksPlugin";
export const DEFAULT_ENTRY = "src/index.ts";
export const DEFAULT_BUNDLE = "dist/plugin.js";
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

export interface BuildOptions {
  /** Plugin package folder (holds package.json). */
  dir: string;
  /** Entry module relative to `dir`; defaults to `src/index.ts`. */
  entry?: string;
  /** Fail instead of writing when `checks.checks` in package.json is out of date (for CI). */
  check?: boolean;
}

export interface BuildResult {
  bundleFile: string;
  bundleBytes: number;
  checks: CheckManifest[];
  /** True when package.json was rewritten with new check metadata. */
  manifestUpdated: boolean;
}

export class PluginBuildError extends Error {
  constructor(
    readonly code: "BUNDLE_FAILED" | "INVALID_DEFINITION" | "LOAD_FAILED" | "NOT_A_PLUGIN" | "INVALID_MANIFEST" | "MANIFEST_OUT_OF_DATE" | "BUNDLE_TOO_LARGE" | "NO_PACKAGE_JSON",
    message: string,
    readonly problems: readonly ManifestProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "PluginBuildError";
  }
}

/** Builds the plugin in `options.dir`. Throws PluginBuildError listing every problem. */
export async function buildPlugin(options: BuildOptions): Promise<BuildResult> {
  const dir = resolve(options.dir);
  const packageFile = join(dir, "package.json");
  const packageText = await readFile(packageFile, "utf8").catch((error: unknown) => {
    throw new PluginBuildError("NO_PACKAGE_JSON", `No package.json in ${dir}; run the build from the plugin's folder.`, [], { cause: error });
  });
  const packageJson = JSON.parse(packageText) as Record<string, unknown> & { checks?: Record<string, unknown> };

  const bundleRelative = typeof packageJson.checks?.bundle === "string" ? packageJson.checks.bundle : DEFAULT_BUNDLE;
  const bundleFile = join(dir, bundleRelative);
  const code = await bundle(dir, options.entry ?? DEFAULT_ENTRY);
  if (code.length > MAX_BUNDLE_BYTES) {
    throw new PluginBuildError("BUNDLE_TOO_LARGE", `The bundle is ${code.length} bytes; the limit is ${MAX_BUNDLE_BYTES}. Remove large dependencies.`);
  }

  const plugin = loadBundle(code, bundleFile);
  const checks = plugin.checks.map(toManifest);

  const next = {
    ...packageJson,
    checks: {
      apiVersion: `^${API_VERSION}`,
      ...packageJson.checks,
      bundle: bundleRelative,
      checks,
    },
  };
  const validation = validatePluginPackage(next);
  if (!validation.ok) {
    throw new PluginBuildError("INVALID_MANIFEST", `${packageFile} is not a valid plugin manifest:\n${formatProblems(validation.problems)}`, validation.problems);
  }

  const nextText = JSON.stringify(next, null, 2) + "\n";
  const manifestUpdated = nextText !== packageText;
  if (manifestUpdated && options.check) {
    throw new PluginBuildError(
      "MANIFEST_OUT_OF_DATE",
      `${packageFile}: "checks" does not match the checks the bundle defines; run the build without --check to update it.`,
    );
  }

  await mkdir(dirname(bundleFile), { recursive: true });
  await writeFile(bundleFile, code);
  if (manifestUpdated) await writeFile(packageFile, nextText);
  return { bundleFile, bundleBytes: code.length, checks, manifestUpdated };
}

async function bundle(dir: string, entry: string): Promise<string> {
  try {
    const result = await esbuild({
      absWorkingDir: dir,
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "iife",
      globalName: BUNDLE_GLOBAL,
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2022",
      treeShaking: true,
      legalComments: "none",
      // Whitespace and syntax are minified but identifiers are kept, so a reviewer can still read the bundle.
      minifyWhitespace: true,
      minifySyntax: true,
      logLevel: "silent",
    });
    return result.outputFiles[0]!.text;
  } catch (error) {
    const messages = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail = messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text)).join("\n");
    throw new PluginBuildError(
      "BUNDLE_FAILED",
      `Bundling ${join(dir, entry)} failed. A plugin runs in a sandbox without Node APIs, so it cannot import node: modules.\n${detail}`,
      [],
      { cause: error },
    );
  }
}

/** Evaluates a bundle in a fresh context and returns its default export. */
export function loadBundle(code: string, file: string): Plugin {
  const context: Record<string, unknown> = {};
  try {
    runInNewContext(code, context, { filename: file, timeout: 5000 });
  } catch (error) {
    // The error comes from another realm, so it is recognised by name, not instanceof. Its stack would print the bundle.
    const { name, message } = error as { name?: string; message?: string };
    if (name === "DefinitionError") throw new PluginBuildError("INVALID_DEFINITION", `${file}: ${message}`);
    throw new PluginBuildError("LOAD_FAILED", `${file}: loading the bundle failed: ${name ?? "Error"}: ${message ?? String(error)}`);
  }
  const exported = (context[BUNDLE_GLOBAL] as { default?: Plugin } | undefined)?.default;
  if (exported?.kind !== "plugin") {
    throw new PluginBuildError("NOT_A_PLUGIN", `${file}: the entry module must "export default definePlugin({ checks: [...] })".`);
  }
  return exported;
}

function toManifest(check: AnyCheck): CheckManifest {
  const manifest: CheckManifest = {
    id: check.id,
    title: check.title,
    description: check.description,
    level: check.level,
    tags: [...check.tags],
    messages: Object.fromEntries(Object.entries(check.messages as MessageTable).map(([id, spec]) => [id, { text: spec.text, severity: spec.severity }])),
    remediation: check.remediation,
    needs: {
      paths: [...check.needs.paths],
      content: [...check.needs.content],
      maxBytes: check.needs.maxBytes,
      capabilities: [...check.needs.capabilities],
    },
  };
  if (check.docsUrl) manifest.docsUrl = check.docsUrl;
  if (check.options) {
    try {
      manifest.options = z.toJSONSchema(check.options as z.core.$ZodType, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    } catch {
      // Schemas that cannot be expressed in JSON Schema are still validated inside the sandbox.
    }
  }
  return manifest;
}
