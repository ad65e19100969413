import { createHash, timingSafeEqual } from "node:crypto";

/** Returns the Subresource Integrity string (`sha512-BASE64`) of `data`. */
export function sha512Integrity(data: Uint8Array): string {
  return `sha512-${createHash("sha512").update(data).digest("base64")}`;
}

/**
 * Returns the sha512 digests of an SRI string such as the `dist.integrity` of
 * an npm packument, which may list several space-separated hashes.
 */
export function sha512Digests(integrity: string): Buffer[] {
  return integrity
    .trim()
    .split(/\s+/)
    .filter((part) => part.startsWith("sha512-"))
    .map((part) => Buffer.from(part.slice("sha512-".length).split("?")[0] ?? "", "base64"))
    .filter((digest) => digest.length === 64);
}

/** Returns true when `data` matches one of the sha512 digests in `integrity`. */
export function matchesIntegrity(data: Uint8Array, integrity: string): boolean {
  const actual = createHash("sha512").update(data).digest();
  return sha512Digests(integrity).some((expected) => timingSafeEqual(expected, actual));
}

/** Returns true when two SRI strings share a sha512 digest. */
export function sameIntegrity(left: string, right: string): boolean {
  const rights = sha512Digests(right);
  return sha512Digests(left).some((digest) => rights.some((other) => timingSafeEqual(digest, other)));
}
