import { debuglog } from "node:util";
import semver from "semver";
import { z } from "zod";
import { registryFor } from "./config.js";
import type { RegistryConfig, ResolvedRegistry } from "./config.js";
import { MarketplaceError } from "./errors.js";
import { matchesIntegrity, sha512Digests } from "./integrity.js";

/** Largest packument (all versions of one package) accepted, in bytes. */
export const MAX_PACKUMENT_BYTES = 16 * 1024 * 1024;
/** Largest compressed tarball accepted, in bytes. */
export const MAX_TARBALL_BYTES = 16 * 1024 * 1024;
/** Largest search response accepted, in bytes. */
export const MAX_SEARCH_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Request log, on with NODE_DEBUG=checks-marketplace; it prints methods, URLs and statuses, never headers. */
const debug = debuglog("checks-marketplace");

const VersionSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  deprecated: z.string().optional(),
  dist: z.looseObject({
    tarball: z.string(),
    integrity: z.string().optional(),
    shasum: z.string().optional(),
  }),
});

const PackumentSchema = z.looseObject({
  name: z.string(),
  "dist-tags": z.record(z.string(), z.string()).default({}),
  versions: z.record(z.string(), VersionSchema).default({}),
  time: z.record(z.string(), z.string()).optional(),
});

/** One version as the registry's metadata describes it. */
export type PackageVersion = z.output<typeof VersionSchema>;
/** A registry's metadata document of one package with all its versions. */
export type Packument = z.output<typeof PackumentSchema>;

interface Request {
  url: string;
  registry: ResolvedRegistry;
  packageName: string;
  maxBytes: number;
  timeoutMs: number;
  what: string;
  init?: RequestInit;
}

function registryHint(registry: ResolvedRegistry): string {
  return `check that the registry at ${registry.url} runs ("checks registry status") or choose another with --registry`;
}

/** Sends one request and reads at most `maxBytes` of the body; tokens go only to the registry's own origin. */
async function send(request: Request): Promise<{ status: number; body: Buffer }> {
  const headers = new Headers(request.init?.headers);
  if (request.registry.token !== undefined && new URL(request.url).origin === new URL(request.registry.url).origin) {
    headers.set("authorization", `Bearer ${request.registry.token}`);
  }
  let response: Response;
  debug("%s %s", request.init?.method ?? "GET", request.url);
  try {
    response = await fetch(request.url, { ...request.init, headers, redirect: "error", signal: AbortSignal.timeout(request.timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).name;
    throw new MarketplaceError("REGISTRY_UNREACHABLE", `Fetching ${request.what} of ${request.packageName} from ${request.registry.url} failed (${reason}); ${registryHint(request.registry)}.`, {
      package: request.packageName,
      cause: error,
    });
  }

  debug("%s %s -> %d", request.init?.method ?? "GET", request.url, response.status);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > request.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(request, declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new MarketplaceError("REGISTRY_UNREACHABLE", `Reading ${request.what} of ${request.packageName} from ${request.registry.url} failed midway; retry, and ${registryHint(request.registry)}.`, {
          package: request.packageName,
          cause: error,
        });
      }
      if (chunk.done) break;
      total += chunk.value.length;
      if (total > request.maxBytes) {
        await reader.cancel();
        throw tooLarge(request, total);
      }
      chunks.push(chunk.value);
    }
  }
  return { status: response.status, body: Buffer.concat(chunks) };
}

function tooLarge(request: Request, bytes: number): MarketplaceError {
  return new MarketplaceError("RESPONSE_TOO_LARGE", `The registry sent ${bytes}+ bytes of ${request.what} for ${request.packageName}, over the limit of ${request.maxBytes}; the package or the registry is not what it should be.`, {
    package: request.packageName,
  });
}

function checkStatus(status: number, body: Buffer, request: Request): void {
  if (status >= 200 && status < 300) return;
  if (status === 404) {
    throw new MarketplaceError("NOT_FOUND", `${request.packageName} was not found on ${request.registry.url}; check the name, or the registry configured for its scope.`, { package: request.packageName });
  }
  if (status === 401 || status === 403) {
    throw new MarketplaceError("AUTH_REQUIRED", `${request.registry.url} denied access to ${request.what} of ${request.packageName} (HTTP ${status}); log in or set an auth token for this registry in the config file.`, { package: request.packageName });
  }
  const detail = body.subarray(0, 200).toString("utf8").replace(/\s+/g, " ");
  throw new MarketplaceError("REGISTRY_ERROR", `${request.registry.url} returned HTTP ${status} for ${request.what} of ${request.packageName} (${detail}); retry later or ask the registry's operator.`, { package: request.packageName });
}

function packageUrl(registryUrl: string, packageName: string): string {
  return `${registryUrl}/${packageName.replace("/", "%2f")}`;
}

/** Fetches and validates the metadata of every version of `packageName`. */
export async function fetchPackument(config: RegistryConfig, packageName: string): Promise<Packument> {
  const registry = registryFor(config, packageName);
  const request: Request = {
    url: packageUrl(registry.url, packageName),
    registry,
    packageName,
    maxBytes: MAX_PACKUMENT_BYTES,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    what: "the metadata",
    init: { headers: { accept: "application/json" } },
  };
  const { status, body } = await send(request);
  checkStatus(status, body, request);

  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new MarketplaceError("INVALID_RESPONSE", `The metadata of ${packageName} from ${registry.url} is not JSON; the registry is misconfigured or not an npm registry.`, { package: packageName, cause: error });
  }
  const parsed = PackumentSchema.safeParse(json);
  if (!parsed.success) {
    throw new MarketplaceError("INVALID_RESPONSE", `The metadata of ${packageName} from ${registry.url} is not a valid npm packument (${parsed.error.issues[0]?.message ?? "bad shape"}).`, {
      package: packageName,
      cause: parsed.error,
    });
  }
  if (parsed.data.name !== packageName) {
    throw new MarketplaceError("NAME_MISMATCH", `${registry.url} returned metadata of ${parsed.data.name} for the request for ${packageName}; the registry is misconfigured or compromised.`, { package: packageName });
  }
  return parsed.data;
}

/**
 * Picks the version of a packument that `range` selects: a dist-tag such as
 * `latest`, an exact version, or the highest version in a semver range.
 * Deprecated and prerelease versions are chosen only when named exactly.
 */
export function resolveVersion(packument: Packument, range: string): PackageVersion {
  const tagged = packument["dist-tags"][range];
  const exact = packument.versions[tagged ?? range];
  if (exact) return exact;
  if (semver.validRange(range) === null) {
    throw new MarketplaceError("INVALID_SPEC", `"${range}" is neither a version, a semver range nor a dist-tag of ${packument.name}; use for example ${packument.name}@^1.0.0.`, { package: packument.name });
  }
  const candidates = Object.values(packument.versions).filter((version) => version.deprecated === undefined && semver.valid(version.version) !== null);
  const best = semver.maxSatisfying(
    candidates.map((version) => version.version),
    range,
  );
  const chosen = best === null ? undefined : packument.versions[best];
  if (!chosen) {
    const known = Object.keys(packument.versions).slice(-10).join(", ") || "none";
    throw new MarketplaceError("NO_MATCHING_VERSION", `No version of ${packument.name} matches "${range}" (published: ${known}); choose one of those.`, { package: packument.name });
  }
  return chosen;
}

/**
 * Downloads the tarball of one version and checks it against `integrity`
 * (the registry's `dist.integrity`, or the integrity a signed set lists).
 */
export async function fetchTarball(config: RegistryConfig, version: PackageVersion, integrity: string | undefined = version.dist.integrity): Promise<Buffer> {
  const packageName = `${version.name}@${version.version}`;
  const registry = registryFor(config, version.name);
  if (integrity === undefined || sha512Digests(integrity).length === 0) {
    throw new MarketplaceError("INTEGRITY_MISSING", `The registry lists no sha512 integrity for ${packageName}, so its tarball cannot be verified; republish it with a current npm or pnpm.`, { package: version.name });
  }
  let tarballUrl: URL;
  try {
    tarballUrl = new URL(version.dist.tarball);
  } catch (error) {
    throw new MarketplaceError("INVALID_RESPONSE", `The tarball URL of ${packageName} is not a URL: ${JSON.stringify(version.dist.tarball)}.`, { package: version.name, cause: error });
  }
  if (tarballUrl.origin !== new URL(registry.url).origin) {
    throw new MarketplaceError("INVALID_RESPONSE", `The tarball of ${packageName} is served from ${tarballUrl.origin}, not from the registry ${registry.url}; set the registry's public URL (verdaccio "url_prefix") to the address clients use.`, { package: version.name });
  }

  const request: Request = { url: tarballUrl.href, registry, packageName, maxBytes: MAX_TARBALL_BYTES, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS, what: "the tarball" };
  const { status, body } = await send(request);
  checkStatus(status, body, request);
  if (!matchesIntegrity(body, integrity)) {
    throw new MarketplaceError("INTEGRITY_MISMATCH", `The tarball of ${packageName} does not match its integrity ${integrity.slice(0, 24)}...: it was changed after publishing or in transit. Nothing was installed; report this to the registry's operator.`, {
      package: version.name,
    });
  }
  return body;
}

const SearchSchema = z.looseObject({
  objects: z
    .array(
      z.looseObject({
        package: z.looseObject({
          name: z.string(),
          // verdaccio 6.8.0 sends no version in search results, only dist-tags.
          version: z.string().optional(),
          "dist-tags": z.record(z.string(), z.string()).optional(),
          description: z.string().optional(),
          keywords: z.array(z.string()).optional(),
        }),
      }),
    )
    .max(1000),
});

/** One search hit. */
export interface SearchResult {
  name: string;
  version: string;
  description: string;
  keywords: string[];
}

/** Searches the default registry (`/-/v1/search`) and keeps packages with the `checks-plugin` keyword. */
export async function searchRegistry(config: RegistryConfig, text: string, options: { keyword?: string; size?: number } = {}): Promise<SearchResult[]> {
  const registry = registryFor(config, "");
  const keyword = options.keyword ?? "checks-plugin";
  const query = new URLSearchParams({ text, size: String(options.size ?? 100) });
  const request: Request = { url: `${registry.url}/-/v1/search?${query}`, registry, packageName: `search "${text}"`, maxBytes: MAX_SEARCH_BYTES, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS, what: "the results" };
  const { status, body } = await send(request);
  checkStatus(status, body, request);
  let parsed;
  try {
    parsed = SearchSchema.parse(JSON.parse(body.toString("utf8")));
  } catch (error) {
    throw new MarketplaceError("INVALID_RESPONSE", `The search response of ${registry.url} is not a valid npm search result; the registry may not support "/-/v1/search".`, { cause: error });
  }
  return parsed.objects
    .map(({ package: hit }) => ({ name: hit.name, version: hit.version ?? hit["dist-tags"]?.latest ?? "", description: hit.description ?? "", keywords: hit.keywords ?? [] }))
    .filter((hit) => hit.keywords.includes(keyword));
}

/** Input of `publishPackage`: the package.json of the version and its tarball. */
export interface PublishInput {
  packageJson: Record<string, unknown> & { name: string; version: string };
  tarball: Buffer;
  tag?: string;
}

/** Publishes one version with the npm publish document (`PUT /NAME`), as `npm publish` does. */
export async function publishPackage(config: RegistryConfig, input: PublishInput): Promise<void> {
  const { name, version } = input.packageJson;
  const registry = registryFor(config, name);
  if (registry.token === undefined) {
    throw new MarketplaceError("AUTH_REQUIRED", `Publishing ${name} to ${registry.url} needs an auth token; add "${registry.url.replace(/^https?:/, "")}/:_authToken=..." to the config file.`, { package: name });
  }
  const basename = name.includes("/") ? name.slice(name.indexOf("/") + 1) : name;
  const filename = `${basename}-${version}.tgz`;
  const { createHash } = await import("node:crypto");
  const document = {
    _id: name,
    name,
    description: input.packageJson.description,
    "dist-tags": { [input.tag ?? "latest"]: version },
    versions: {
      [version]: {
        ...input.packageJson,
        _id: `${name}@${version}`,
        dist: {
          integrity: `sha512-${createHash("sha512").update(input.tarball).digest("base64")}`,
          shasum: createHash("sha1").update(input.tarball).digest("hex"),
          tarball: `${packageUrl(registry.url, name)}/-/${filename}`,
        },
      },
    },
    _attachments: { [filename]: { content_type: "application/octet-stream", data: input.tarball.toString("base64"), length: input.tarball.length } },
  };
  const request: Request = {
    url: packageUrl(registry.url, name),
    registry,
    packageName: `${name}@${version}`,
    maxBytes: MAX_SEARCH_BYTES,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    what: "the publish",
    init: { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(document) },
  };
  const { status, body } = await send(request);
  if (status === 409) {
    throw new MarketplaceError("PUBLISH_FAILED", `${name}@${version} is already published on ${registry.url}; bump the version to publish again.`, { package: name });
  }
  checkStatus(status, body, request);
}
