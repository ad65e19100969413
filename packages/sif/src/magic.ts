import { hasSifMagic } from "./sif/format.js";
import { hasSquashfsMagic } from "./squashfs/superblock.js";

/** Returns true when `head` (at least the first 42 bytes of a file) starts a SIF file. */
export function isSif(head: Uint8Array): boolean {
  return hasSifMagic(head);
}

/**
 * Returns true when `head` starts a squashfs filesystem. With at least 32
 * bytes the version must also be 4.0; with 4 to 31 bytes only the magic is checked.
 */
export function isSquashfs(head: Uint8Array): boolean {
  if (!hasSquashfsMagic(head)) return false;
  if (head.length < 32) return true;
  const view = new DataView(head.buffer, head.byteOffset, 32);
  return view.getUint16(28, true) === 4 && view.getUint16(30, true) === 0;
}
