import type { OsRelease } from "@checks/sdk";

/**
 * Package URLs (purl specification, github.com/package-url/purl-spec). Components
 * are percent-encoded with encodeURIComponent, so `+` becomes `%2B` as in
 * packageurl-go and Trivy's output. Qualifiers are sorted by key and empty ones
 * are left out.
 */
export function buildPurl(type: string, namespace: string | undefined, name: string, version: string, qualifiers: Record<string, string | undefined> = {}): string {
  const path = namespace ? `${namespace.split("/").map(encode).join("/")}/${encode(name)}` : encode(name);
  const query = Object.entries(qualifiers)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${encode(value)}`)
    .join("&");
  return `pkg:${type}/${path}@${encode(version)}${query ? `?${query}` : ""}`;
}

function encode(component: string): string {
  return encodeURIComponent(component);
}

/** Splits `epoch:version` into its parts; a version without a numeric epoch has none. */
export function splitEpoch(version: string): { epoch?: string; version: string } {
  const match = /^(\d+):(.+)$/.exec(version);
  return match ? { epoch: match[1]!, version: match[2]! } : { version };
}

/** Returns the purl `distro` qualifier: `debian-12`, `alpine-3.18.4`. */
export function distroQualifier(osRelease: OsRelease | undefined): string | undefined {
  if (!osRelease?.id) return undefined;
  return osRelease.versionId ? `${osRelease.id}-${osRelease.versionId}` : osRelease.id;
}

const RPM_NAMESPACES: Record<string, string> = {
  rhel: "redhat",
  centos: "centos",
  rocky: "rocky",
  almalinux: "almalinux",
  fedora: "fedora",
  amzn: "amazon",
  ol: "oracle",
  sles: "suse",
  "opensuse-leap": "opensuse",
  "opensuse-tumbleweed": "opensuse",
};

/** Returns the purl namespace of a distribution's packages, from os-release ID. */
export function distroNamespace(type: "deb" | "apk" | "rpm", osRelease: OsRelease | undefined): string {
  const id = osRelease?.id;
  if (type === "deb") return id ?? "debian";
  if (type === "apk") return id ?? "alpine";
  if (id === undefined) return "redhat";
  return Object.hasOwn(RPM_NAMESPACES, id) ? RPM_NAMESPACES[id]! : id;
}

/** Builds the purl of a Python package, with the name normalized as PEP 503 describes. */
export function pypiPurl(name: string, version: string): string {
  return buildPurl("pypi", undefined, name.toLowerCase().replace(/[-_.]+/g, "-"), version);
}

/** Builds the purl of an npm package; a scope becomes the namespace. */
export function npmPurl(name: string, version: string): string {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  return scoped ? buildPurl("npm", scoped[1]!, scoped[2]!, version) : buildPurl("npm", undefined, name, version);
}
