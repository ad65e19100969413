import { readFile, stat } from "node:fs/promises";
import { supportsApiRange, validatePluginPackage, formatProblems } from "@checks/sdk/host";
import { fetchPackument, fetchTarball, publishPackage, resolveVersion } from "./client.js";
import type { RegistryConfig } from "./config.js";
import { MarketplaceError } from "./errors.js";
import { sha512Integrity } from "./integrity.js";
import { MAX_SET_BYTES, SET_TYPE, UnsignedSetSchema, parseSet } from "./sets.js";
import type { CuratedSet, UnsignedSet } from "./sets.js";
import { packPackageTarball, readPackageTarball } from "./tar.js";
import { parseSpec } from "./install.js";

/** File that contains the signed set document inside a set package. */
export const SET_FILE = "checks-set.json";
/** Keyword of set packages, so a registry search can list them. */
export const SET_KEYWORD = "checks-set";

/** Returns true when a set spec names a file rather than a package. */
export function looksLikePath(spec: string): boolean {
  return spec.endsWith(".json") || spec.startsWith(".") || spec.startsWith("/");
}

/**
 * Fetches a signed set: from a JSON file when `spec` is a path, else from
 * the set package `NAME[@RANGE]` on the registry (its `checks-set.json`).
 * The signature is not checked here; `verifySet` does that.
 */
export async function fetchSet(registry: RegistryConfig, spec: string): Promise<{ set: CuratedSet; source: string }> {
  if (looksLikePath(spec)) {
    const info = await stat(spec).catch((error: unknown) => {
      throw new MarketplaceError("NOT_FOUND", `The set file ${spec} does not exist; pass a set file path or a set package name.`, { package: spec, cause: error });
    });
    if (info.size > MAX_SET_BYTES) throw new MarketplaceError("INVALID_SET", `The set file ${spec} has ${info.size} bytes, over the limit of ${MAX_SET_BYTES}.`, { package: spec });
    return { set: parseSet(await readFile(spec, "utf8"), spec), source: spec };
  }

  const { name, range } = parseSpec(spec);
  const version = resolveVersion(await fetchPackument(registry, name), range);
  const source = `${name}@${version.version}`;
  const files = await readPackageTarball(await fetchTarball(registry, version), source);
  const file = files.find((entry) => entry.path === SET_FILE);
  if (!file) {
    throw new MarketplaceError("INVALID_SET", `The package ${source} contains no ${SET_FILE}, so it is not a set package; check the name.`, { package: name });
  }
  return { set: parseSet(file.data.toString("utf8"), source), source };
}

/** Input of `createSet`: the set's identity and the plugins as `NAME@VERSION`. */
export interface CreateSetInput {
  name: string;
  version: string;
  description?: string;
  plugins: readonly string[];
}

/**
 * Builds an unsigned set from exact plugin versions: each tarball is fetched,
 * checked against the registry's integrity and validated as a plugin, so a
 * signer never vouches for a package that would not install.
 */
export async function createSet(registry: RegistryConfig, input: CreateSetInput): Promise<UnsignedSet> {
  const plugins: UnsignedSet["plugins"] = [];
  for (const spec of input.plugins) {
    const { name, range } = parseSpec(spec);
    const packument = await fetchPackument(registry, name);
    const version = packument.versions[range];
    if (!version) {
      throw new MarketplaceError("INVALID_SPEC", `A set lists exact versions; "${spec}" names no published version of ${name}. Use NAME@VERSION, for example ${name}@${packument["dist-tags"].latest ?? "1.0.0"}.`, { package: name });
    }
    const tarball = await fetchTarball(registry, version);
    const source = `${name}@${version.version}`;
    const files = await readPackageTarball(tarball, source);
    const packageFile = files.find((file) => file.path === "package.json");
    const result = validatePluginPackage(packageFile ? JSON.parse(packageFile.data.toString("utf8")) : undefined);
    if (!result.ok) throw new MarketplaceError("INVALID_MANIFEST", `${source} is not a valid plugin:\n${formatProblems(result.problems)}`, { package: name });
    if (!supportsApiRange(result.value.checks.apiVersion)) {
      throw new MarketplaceError("INCOMPATIBLE_API", `${source} needs plugin API "${result.value.checks.apiVersion}", which this version of checks does not implement; choose a compatible version for the set.`, { package: name });
    }
    plugins.push({ name, version: version.version, integrity: sha512Integrity(tarball) });
  }
  const parsed = UnsignedSetSchema.safeParse({ type: SET_TYPE, name: input.name, version: input.version, description: input.description ?? "", plugins });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(set)"}: ${issue.message}`).join("\n");
    throw new MarketplaceError("INVALID_SET", `The set ${input.name} is invalid:\n${problems}`, { package: input.name });
  }
  return parsed.data;
}

/** Publishes a signed set as the package `packageName` at the set's version, with the document as `checks-set.json`. */
export async function publishSet(registry: RegistryConfig, set: CuratedSet, packageName: string): Promise<void> {
  const packageJson = {
    name: packageName,
    version: set.version,
    description: set.description || `Curated checks plugin set "${set.name}"`,
    keywords: [SET_KEYWORD],
    files: [SET_FILE],
  };
  const tarball = await packPackageTarball([
    { path: "package.json", data: Buffer.from(JSON.stringify(packageJson, null, 2) + "\n") },
    { path: SET_FILE, data: Buffer.from(JSON.stringify(set, null, 2) + "\n") },
  ]);
  await publishPackage(registry, { packageJson, tarball });
}
