import type { OsRelease } from "@checks/sdk";

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
