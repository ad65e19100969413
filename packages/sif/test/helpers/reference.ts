import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, lstatSync } from "node:fs";
import { join } from "node:path";

/** One line of `unsquashfs -lln`, parsed. */
export interface ReferenceEntry {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  /** Size column: bytes for files, listing size for directories, target length for symlinks; 0 for devices. */
  size: number;
  device?: { major: number; minor: number };
  linkTarget?: string;
}

const TYPE_BY_CHAR: Readonly<Record<string, string>> = {
  "-": "file",
  d: "directory",
  l: "symlink",
  c: "char-device",
  b: "block-device",
  p: "fifo",
  s: "socket",
};

const LINE = /^(\S)(\S{9}) (\d+)\/(\d+)\s+(\d+|\d+,\s*\d+) \d{4}-\d\d-\d\d \d\d:\d\d squashfs-root(.*)$/;

/** Lists a squashfs image with `unsquashfs -lln` (numeric owners). */
export function listWithUnsquashfs(image: string): ReferenceEntry[] {
  const output = execFileSync("unsquashfs", ["-lln", image], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, env: { ...process.env, TZ: "UTC" } });
  const entries: ReferenceEntry[] = [];
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`unexpected unsquashfs -lln line: ${line}`);
    const [, typeChar, permissions, uid, gid, size, rest] = match;
    const type = TYPE_BY_CHAR[typeChar!];
    if (!type) throw new Error(`unknown type ${typeChar} in: ${line}`);
    let path = rest!;
    let linkTarget: string | undefined;
    if (type === "symlink") {
      const arrow = path.indexOf(" -> ");
      linkTarget = path.slice(arrow + 4);
      path = path.slice(0, arrow);
    }
    const entry: ReferenceEntry = { path: path === "" ? "/" : path, type, mode: parsePermissions(permissions!), uid: Number(uid), gid: Number(gid), size: 0 };
    if (size!.includes(",")) {
      const [major, minor] = size!.split(",").map((part) => Number(part.trim()));
      entry.device = { major: major!, minor: minor! };
    } else {
      entry.size = Number(size);
    }
    if (linkTarget !== undefined) entry.linkTarget = linkTarget;
    entries.push(entry);
  }
  return entries;
}

/** Converts `rwsr-xr-x` into mode bits including setuid, setgid and sticky. */
export function parsePermissions(text: string): number {
  let mode = 0;
  const bits = [0o400, 0o200, 0o100, 0o40, 0o20, 0o10, 0o4, 0o2, 0o1];
  for (let i = 0; i < 9; i++) {
    const c = text[i]!;
    if (c !== "-" && c !== "S" && c !== "T") mode |= bits[i]!;
  }
  if (text[2] === "s" || text[2] === "S") mode |= 0o4000;
  if (text[5] === "s" || text[5] === "S") mode |= 0o2000;
  if (text[8] === "t" || text[8] === "T") mode |= 0o1000;
  return mode;
}

/** Extracts an image with `unsquashfs -d` and returns the sha256 of every regular file by absolute path. */
export function extractAndHash(image: string, target: string): Map<string, string> {
  execFileSync("unsquashfs", ["-d", target, "-no-progress", "-quiet", image], { stdio: ["ignore", "ignore", "pipe"] });
  const hashes = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const path = `${prefix}/${name}`;
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full, path);
      else if (stat.isFile()) hashes.set(path, sha256(readFileSync(full)));
    }
  };
  walk(target, "");
  return hashes;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
