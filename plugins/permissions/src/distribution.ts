import type { ImageView, OsRelease } from "@checks/sdk";

/** Distribution families that ship different sets of setuid, setgid and capability-bearing files. */
export type Family = "debian" | "alpine" | "rhel";

export interface Distribution {
  /** Undefined when os-release is missing or names a distribution outside the known families. */
  readonly family: Family | undefined;
  /** Name shown in messages, for example "Debian GNU/Linux 12 (bookworm)". */
  readonly name: string;
}

const FAMILY_IDS: Readonly<Record<Family, readonly string[]>> = {
  debian: ["debian", "ubuntu", "linuxmint", "raspbian", "devuan", "kali", "pop"],
  alpine: ["alpine", "postmarketos", "wolfi", "chainguard"],
  rhel: ["rhel", "centos", "fedora", "rocky", "almalinux", "ol", "amzn", "scientific", "cloudlinux", "mariner", "azurelinux"],
};

/** Detects the distribution family from os-release `ID`, then from `ID_LIKE`. */
export function detectDistribution(release: Readonly<OsRelease> | undefined): Distribution {
  if (!release) return { family: undefined, name: "an unknown distribution" };
  const name = release.prettyName ?? release.id ?? "an unknown distribution";
  for (const id of [release.id, ...(release.idLike ?? [])]) {
    if (id === undefined) continue;
    for (const [family, ids] of Object.entries(FAMILY_IDS) as [Family, readonly string[]][]) {
      if (ids.includes(id.toLowerCase())) return { family, name };
    }
  }
  return { family: undefined, name };
}

/**
 * Maps a path to its merged-/usr form (`/bin/su` to `/usr/bin/su`), so one table
 * entry matches images with and without the /usr merge.
 */
export function canonicalSystemPath(path: string): string {
  return path.replace(/^\/(bin|sbin|lib|lib32|lib64|libx32)\//, "/usr/$1/");
}

/** Locations of os-release. Checks that detect the distribution declare content access to both. */
export const OS_RELEASE_PATHS = ["/etc/os-release", "/usr/lib/os-release"];

/** Parses os-release text: `KEY=value` lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]!] = match[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  const release: OsRelease = { fields };
  if (fields.ID) release.id = fields.ID;
  if (fields.ID_LIKE) release.idLike = fields.ID_LIKE.split(/\s+/);
  if (fields.PRETTY_NAME) release.prettyName = fields.PRETTY_NAME;
  return release;
}

/**
 * Detects the image's distribution from the os-release the host collected or,
 * when the host collected none, from the image's own os-release file.
 */
export function distributionOf(image: ImageView): Distribution {
  let release = image.osRelease();
  for (const path of OS_RELEASE_PATHS) {
    if (release) break;
    const text = image.files.readText(path);
    if (text !== undefined) release = parseOsRelease(text);
  }
  return detectDistribution(release);
}
