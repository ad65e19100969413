import { ImageError } from "./errors.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_ARCH: Record<string, Platform> = {
  x64: { os: "linux", architecture: "amd64" },
  arm64: { os: "linux", architecture: "arm64", variant: "v8" },
  arm: { os: "linux", architecture: "arm", variant: "v7" },
  ia32: { os: "linux", architecture: "386" },
  ppc64: { os: "linux", architecture: "ppc64le" },
  s390x: { os: "linux", architecture: "s390x" },
  riscv64: { os: "linux", architecture: "riscv64" },
  loong64: { os: "linux", architecture: "loong64" },
  mips64el: { os: "linux", architecture: "mips64le" },
};

/** The platform of this machine as OCI names it; images are Linux images whatever the host runs. */
export function hostPlatform(): Platform {
  return NODE_ARCH[process.arch] ?? { os: "linux", architecture: process.arch };
}

export function parsePlatform(text: string): Platform {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !/^[a-z0-9._-]+$/i.test(part))) {
    throw new ImageError("INVALID_OPTIONS", `Invalid platform "${text}"; expected os/arch or os/arch/variant, for example linux/amd64 or linux/arm/v7.`);
  }
  const platform: Platform = { os: parts[0]!.toLowerCase(), architecture: normalizeArch(parts[1]!.toLowerCase()) };
  if (parts[2]) platform.variant = parts[2].toLowerCase();
  return platform;
}

function normalizeArch(arch: string): string {
  if (arch === "x86_64" || arch === "x86-64") return "amd64";
  if (arch === "aarch64") return "arm64";
  return arch;
}

export function formatPlatform(platform: Partial<Platform> | undefined): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

/** arm64 images without a variant are v8; a wanted platform without a variant accepts any. */
export function platformMatches(wanted: Platform, offered: Partial<Platform>): boolean {
  if (wanted.os !== offered.os || wanted.architecture !== normalizeArch(offered.architecture ?? "")) return false;
  if (!wanted.variant) return true;
  const variant = offered.variant ?? (offered.architecture === "arm64" ? "v8" : undefined);
  return variant === wanted.variant;
}

/** How close an offered platform is to the wanted one: exact variant first. */
export function platformScore(wanted: Platform, offered: Partial<Platform>): number {
  if (!platformMatches(wanted, offered)) return -1;
  return (offered.variant ?? "") === (wanted.variant ?? "") ? 2 : 1;
}
