import { readFile } from "node:fs/promises";
import { MarketplaceError } from "./errors.js";

/**
 * Registry settings: the registry of each package and the credentials for
 * each registry. The shape mirrors `.npmrc`: a default registry, per-scope registries and auth
 * tokens keyed by the registry URL without its protocol.
 */
export interface RegistryConfig {
  /** Default registry URL, such as `http://127.0.0.1:4873`. */
  url: string;
  /** Registry per scope: `{ "@site": "https://registry.example.org" }`. */
  scopes?: Record<string, string>;
  /** Auth tokens keyed by registry URL without protocol: `{ "//127.0.0.1:4873/": "TOKEN" }`. */
  tokens?: Record<string, string>;
  /** Timeout of one HTTP request, in milliseconds. */
  timeoutMs?: number;
}

/** The registry and credentials that apply to one package. */
export interface ResolvedRegistry {
  url: string;
  token?: string;
}

function normalizeUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new MarketplaceError("INVALID_CONFIG", `Invalid registry URL ${JSON.stringify(url)} in ${source}; expected an http or https URL such as "http://127.0.0.1:4873".`, { cause: error });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MarketplaceError("INVALID_CONFIG", `Invalid registry URL ${JSON.stringify(url)} in ${source}: only http and https are supported.`);
  }
  if (parsed.username || parsed.password) {
    throw new MarketplaceError("INVALID_CONFIG", `The registry URL in ${source} contains credentials; put the token in an "_authToken" line instead, so it is never shown with the URL.`);
  }
  return parsed.href.replace(/\/+$/, "");
}

/** Returns the `.npmrc` key of a registry URL: `//host:port/path/`. */
export function nerfDart(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.endsWith("/") ? parsed.pathname : `${parsed.pathname}/`;
  return `//${parsed.host}${path}`;
}

/** Returns the scope of a package name (`@site`), or undefined for an unscoped name. */
export function scopeOf(packageName: string): string | undefined {
  return packageName.startsWith("@") ? packageName.slice(0, packageName.indexOf("/")) : undefined;
}

/** Picks the registry for `packageName` and the token whose key is the longest prefix of its URL. */
export function registryFor(config: RegistryConfig, packageName: string): ResolvedRegistry {
  const scope = scopeOf(packageName);
  const url = (scope !== undefined && config.scopes?.[scope]) || config.url;
  const token = tokenFor(config, url);
  return token === undefined ? { url } : { url, token };
}

/** Returns the token for a URL on a registry, matching `//host/path/` keys by longest prefix as npm does. */
export function tokenFor(config: RegistryConfig, url: string): string | undefined {
  const key = nerfDart(url);
  let best: string | undefined;
  for (const candidate of Object.keys(config.tokens ?? {})) {
    if (key.startsWith(candidate) && (best === undefined || candidate.length > best.length)) best = candidate;
  }
  return best === undefined ? undefined : config.tokens?.[best];
}

/**
 * Parses `.npmrc` text: `registry=URL`, `@scope:registry=URL` and
 * `//host/path/:_authToken=TOKEN` lines; `${VAR}` is replaced from `env`.
 * Other keys are ignored, as npm ignores keys it does not know.
 */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv = process.env, source = ".npmrc"): Partial<RegistryConfig> {
  const config: Partial<RegistryConfig> & { scopes: Record<string, string>; tokens: Record<string, string> } = { scopes: {}, tokens: {} };
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const equals = line.indexOf("=");
    if (equals === -1) continue;
    const key = line.slice(0, equals).trim();
    const value = line
      .slice(equals + 1)
      .trim()
      .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
        const replacement = env[name];
        if (replacement === undefined) throw new MarketplaceError("INVALID_CONFIG", `${source} line ${index + 1} uses \${${name}}, which is not set in the environment; set it or remove the line.`);
        return replacement;
      });
    const where = `${source} line ${index + 1}`;
    if (key === "registry") config.url = normalizeUrl(value, where);
    else if (/^@[^:]+:registry$/.test(key)) config.scopes[key.slice(0, key.indexOf(":"))] = normalizeUrl(value, where);
    else if (key.startsWith("//") && key.endsWith(":_authToken")) config.tokens[key.slice(0, -":_authToken".length)] = value;
  }
  return config;
}

/** Layers configs: later ones override the default URL and add or replace scopes and tokens. */
export function mergeRegistryConfig(base: RegistryConfig, ...overrides: Partial<RegistryConfig>[]): RegistryConfig {
  const merged: RegistryConfig = { ...base, scopes: { ...base.scopes }, tokens: { ...base.tokens } };
  for (const override of overrides) {
    if (override.url !== undefined) merged.url = normalizeUrl(override.url, "the registry setting");
    Object.assign(merged.scopes!, override.scopes);
    Object.assign(merged.tokens!, override.tokens);
    if (override.timeoutMs !== undefined) merged.timeoutMs = override.timeoutMs;
  }
  return merged;
}

/** Returns a copy safe to print: every token replaced by `***`. */
export function redactRegistryConfig(config: RegistryConfig): RegistryConfig {
  return { ...config, tokens: Object.fromEntries(Object.keys(config.tokens ?? {}).map((key) => [key, "***"])) };
}

/** Inputs of `loadRegistryConfig`, in increasing precedence. */
export interface RegistrySources {
  /** URL used when nothing else names a registry, such as the embedded registry's. */
  defaultUrl: string;
  /** An `.npmrc`-style file; a missing file is skipped. */
  npmrcFile?: string;
  /** `CHECKS_REGISTRY` overrides the default URL, `CHECKS_REGISTRY_TOKEN` is the token for it. */
  env?: NodeJS.ProcessEnv;
  /** A `--registry` flag; wins over everything else. */
  override?: string;
}

/**
 * Builds the registry config from the default, the npmrc file, the
 * environment and a flag. A token from the environment applies to the
 * resulting default registry only.
 */
export async function loadRegistryConfig(sources: RegistrySources): Promise<RegistryConfig> {
  const env = sources.env ?? process.env;
  const layers: Partial<RegistryConfig>[] = [];
  if (sources.npmrcFile !== undefined) {
    const text = await readFile(sources.npmrcFile, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw new MarketplaceError("INVALID_CONFIG", `Cannot read the registry config ${sources.npmrcFile}: ${error.message}.`, { cause: error });
    });
    if (text !== undefined) layers.push(parseNpmrc(text, env, sources.npmrcFile));
  }
  if (env.CHECKS_REGISTRY) layers.push({ url: env.CHECKS_REGISTRY });
  if (sources.override !== undefined) layers.push({ url: sources.override });

  const config = mergeRegistryConfig({ url: normalizeUrl(sources.defaultUrl, "the default registry") }, ...layers);
  if (env.CHECKS_REGISTRY_TOKEN) config.tokens = { ...config.tokens, [nerfDart(config.url)]: env.CHECKS_REGISTRY_TOKEN };
  return config;
}
