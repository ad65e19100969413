/**
 * The paths the secrets checks read. The engine reads the content of every
 * declared path of every selected check, so these stay narrow: key and
 * credential files by name, and configuration files by extension in the
 * folders where applications and users keep them.
 */

export const PRIVATE_KEY_GLOBS: readonly string[] = [
  "**/*.pem",
  "**/*.key",
  "**/*.crt",
  "**/*.p8",
  "**/*.ppk",
  "**/*.asc",
  "**/id_rsa",
  "**/id_dsa",
  "**/id_ecdsa",
  "**/id_ed25519",
  "**/id_ecdsa_sk",
  "**/id_ed25519_sk",
  "**/.ssh/*",
  "**/private-keys-v1.d/*.key",
  "/etc/ssl/private/*",
  "/etc/pki/tls/private/*",
];

/** SSH host keys belong to hygiene's machine-specific-files check, so the secrets checks skip them. */
export function isSshHostKey(path: string): boolean {
  return /^\/etc\/ssh\/ssh_host_[a-z0-9]+_key$/.test(path);
}

const CONFIG_EXTENSIONS = "{env,ini,cfg,conf,config,properties,json,yaml,yml,toml,xml,sh,txt,tfvars,tfstate}";
const APPLICATION_FOLDERS = ["/opt", "/srv", "/app", "/var/www", "/workspace", "/usr/src/app", "/usr/local/etc", "/var/lib/jenkins"];

/** Files scanned for token-shaped secrets. */
export const TOKEN_SCAN_GLOBS: readonly string[] = [
  "/etc/**",
  "/root/*",
  "/root/*/*",
  "/home/*/*",
  "/home/*/*/*",
  "/usr/local/bin/*",
  "**/.env",
  "**/.env.*",
  "**/*.env",
  ...APPLICATION_FOLDERS.map((folder) => `${folder}/**/*.${CONFIG_EXTENSIONS}`),
];

/** Per-file read cap of the secrets checks; configuration and key files are far smaller. */
export const MAX_SCAN_BYTES = 256 * 1024;
