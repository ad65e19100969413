/**
 * Decoder for the `security.capability` extended attribute, which holds a
 * `struct vfs_cap_data` (linux/capability.h). It starts with a little-endian
 * 32-bit `magic_etc`: the top byte is the revision (1, 2 or 3) and bit 0 makes
 * the capabilities effective. Permitted and inheritable 32-bit masks follow, one
 * pair for revision 1 and two pairs for revisions 2 and 3. Revision 3 ends with
 * the root uid of the user namespace.
 */

/** Capability names by bit number, as in linux/capability.h (kernel 5.9 and later). */
export const CAPABILITY_NAMES = [
  "cap_chown",
  "cap_dac_override",
  "cap_dac_read_search",
  "cap_fowner",
  "cap_fsetid",
  "cap_kill",
  "cap_setgid",
  "cap_setuid",
  "cap_setpcap",
  "cap_linux_immutable",
  "cap_net_bind_service",
  "cap_net_broadcast",
  "cap_net_admin",
  "cap_net_raw",
  "cap_ipc_lock",
  "cap_ipc_owner",
  "cap_sys_module",
  "cap_sys_rawio",
  "cap_sys_chroot",
  "cap_sys_ptrace",
  "cap_sys_pacct",
  "cap_sys_admin",
  "cap_sys_boot",
  "cap_sys_nice",
  "cap_sys_resource",
  "cap_sys_time",
  "cap_sys_tty_config",
  "cap_mknod",
  "cap_lease",
  "cap_audit_write",
  "cap_audit_control",
  "cap_setfcap",
  "cap_mac_override",
  "cap_mac_admin",
  "cap_syslog",
  "cap_wake_alarm",
  "cap_block_suspend",
  "cap_audit_read",
  "cap_perfmon",
  "cap_bpf",
  "cap_checkpoint_restore",
] as const;

export interface FileCapabilities {
  /** Names of the permitted and inheritable capabilities in bit order. An unnamed bit appears as `cap_N`. */
  readonly names: readonly string[];
  readonly effective: boolean;
  /** Renders the set the way `getcap` does, for example `cap_net_raw=ep`. */
  readonly text: string;
}

const REVISION_SIZES: Readonly<Record<number, number>> = { 1: 12, 2: 20, 3: 24 };

/** Decodes a `security.capability` value. Returns undefined when it is too short or has an unknown revision. */
export function decodeCapabilities(value: Uint8Array): FileCapabilities | undefined {
  if (value.length < 4) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const magic = view.getUint32(0, true);
  const revision = magic >>> 24;
  const size = REVISION_SIZES[revision];
  if (size === undefined || value.length < size) return undefined;

  const words = revision === 1 ? 1 : 2;
  const permitted = new Set<number>();
  const inheritable = new Set<number>();
  for (let word = 0; word < words; word++) {
    const permittedMask = view.getUint32(4 + word * 8, true);
    const inheritableMask = view.getUint32(8 + word * 8, true);
    for (let bit = 0; bit < 32; bit++) {
      if (permittedMask & (1 << bit)) permitted.add(word * 32 + bit);
      if (inheritableMask & (1 << bit)) inheritable.add(word * 32 + bit);
    }
  }

  const effective = (magic & 1) !== 0;
  const nameOf = (bit: number): string => CAPABILITY_NAMES[bit] ?? `cap_${bit}`;
  const names = [...new Set([...permitted, ...inheritable])].sort((a, b) => a - b).map(nameOf);
  const flags = (set: Set<number>, bit: number): string => `${effective ? "e" : ""}${inheritable.has(bit) ? "i" : ""}${set.has(bit) ? "p" : ""}`;
  const groups = new Map<string, string[]>();
  for (const bit of [...new Set([...permitted, ...inheritable])].sort((a, b) => a - b)) {
    const key = flags(permitted, bit);
    groups.set(key, [...(groups.get(key) ?? []), nameOf(bit)]);
  }
  const text = [...groups].map(([key, list]) => `${list.join(",")}=${key}`).join(" ") || "(empty set)";
  return { names, effective, text };
}
