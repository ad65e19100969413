import type { Family } from "./distribution.js";

/**
 * Files that the base packages of each distribution family install with the
 * setuid or setgid bit, in merged-/usr form: shadow, util-linux, sudo, openssh,
 * dbus, polkit, fuse, at and cron on Debian, Ubuntu and RHEL, and busybox-suid,
 * shadow, sudo and doas on Alpine.
 * NOTE: compiled by hand, not generated from every release's package lists; the
 * `allow` option of setuid-files covers a file they miss.
 */
const DEBIAN_SETUID = [
  "/usr/bin/chfn",
  "/usr/bin/chsh",
  "/usr/bin/gpasswd",
  "/usr/bin/mount",
  "/usr/bin/newgrp",
  "/usr/bin/passwd",
  "/usr/bin/su",
  "/usr/bin/umount",
  "/usr/bin/sudo",
  "/usr/bin/sudoedit",
  "/usr/bin/pkexec",
  "/usr/bin/fusermount",
  "/usr/bin/fusermount3",
  "/usr/bin/newgidmap",
  "/usr/bin/newuidmap",
  "/usr/bin/at",
  "/usr/bin/ping",
  "/usr/lib/openssh/ssh-keysign",
  "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
  "/usr/lib/policykit-1/polkit-agent-helper-1",
  "/usr/lib/polkit-1/polkit-agent-helper-1",
  "/usr/lib/eject/dmcrypt-get-device",
  "/usr/lib/xorg/Xorg.wrap",
  "/usr/sbin/pppd",
];

const DEBIAN_SETGID = [
  "/usr/bin/chage",
  "/usr/bin/expiry",
  "/usr/sbin/unix_chkpwd",
  "/usr/sbin/pam_extrausers_chkpwd",
  "/usr/bin/wall",
  "/usr/bin/write",
  "/usr/bin/write.ul",
  "/usr/bin/bsd-write",
  "/usr/bin/crontab",
  "/usr/bin/ssh-agent",
  "/usr/bin/dotlockfile",
  "/usr/bin/mlocate",
  "/usr/bin/plocate",
  "/usr/bin/mail-lock",
  "/usr/bin/mail-touchlock",
  "/usr/bin/mail-unlock",
  "/usr/lib/x86_64-linux-gnu/utempter/utempter",
  "/usr/lib/aarch64-linux-gnu/utempter/utempter",
];

const ALPINE_SETUID = [
  "/usr/bin/bbsuid",
  "/usr/bin/sudo",
  "/usr/bin/doas",
  "/usr/bin/su",
  "/usr/bin/chage",
  "/usr/bin/chfn",
  "/usr/bin/chsh",
  "/usr/bin/expiry",
  "/usr/bin/gpasswd",
  "/usr/bin/newgrp",
  "/usr/bin/passwd",
  "/usr/bin/newgidmap",
  "/usr/bin/newuidmap",
  "/usr/bin/mount",
  "/usr/bin/umount",
  "/usr/lib/ssh/ssh-keysign",
];

const ALPINE_SETGID: string[] = [];

const RHEL_SETUID = [
  "/usr/bin/chage",
  "/usr/bin/chfn",
  "/usr/bin/chsh",
  "/usr/bin/gpasswd",
  "/usr/bin/mount",
  "/usr/bin/newgrp",
  "/usr/bin/passwd",
  "/usr/bin/su",
  "/usr/bin/umount",
  "/usr/bin/sudo",
  "/usr/bin/pkexec",
  "/usr/bin/crontab",
  "/usr/bin/at",
  "/usr/bin/fusermount",
  "/usr/bin/fusermount3",
  "/usr/bin/staprun",
  "/usr/sbin/unix_chkpwd",
  "/usr/sbin/pam_timestamp_check",
  "/usr/sbin/userhelper",
  "/usr/sbin/usernetctl",
  "/usr/sbin/grub2-set-bootflag",
  "/usr/lib/polkit-1/polkit-agent-helper-1",
  "/usr/libexec/dbus-1/dbus-daemon-launch-helper",
];

const RHEL_SETGID = [
  "/usr/bin/write",
  "/usr/bin/wall",
  "/usr/bin/locate",
  "/usr/bin/ssh-agent",
  "/usr/libexec/openssh/ssh-keysign",
  "/usr/libexec/utempter/utempter",
];

export interface SpecialBitTable {
  readonly setuid: ReadonlySet<string>;
  readonly setgid: ReadonlySet<string>;
}

const TABLES: Readonly<Record<Family, SpecialBitTable>> = {
  debian: { setuid: new Set(DEBIAN_SETUID), setgid: new Set(DEBIAN_SETGID) },
  alpine: { setuid: new Set(ALPINE_SETUID), setgid: new Set(ALPINE_SETGID) },
  rhel: { setuid: new Set(RHEL_SETUID), setgid: new Set(RHEL_SETGID) },
};

/** Returns the table of one family, or the union of all tables when the family is unknown. */
export function specialBitTable(family: Family | undefined): SpecialBitTable {
  if (family) return TABLES[family];
  const all = Object.values(TABLES);
  return {
    setuid: new Set(all.flatMap((table) => [...table.setuid])),
    setgid: new Set(all.flatMap((table) => [...table.setgid])),
  };
}
