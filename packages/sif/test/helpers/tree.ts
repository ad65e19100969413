import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, linkSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** Facts about what a synthetic tree holds, for assertions. */
export interface TreeFacts {
  smallFiles: number;
  xattrsSet: boolean;
  socketCreated: boolean;
}

/**
 * Writes a synthetic root filesystem into `root`. It has thousands of small
 * files with random content, so each tail needs its own fragment space. It
 * also has long and non-ASCII names, setuid, setgid and sticky modes, owners,
 * hardlinks, symlinks, a FIFO, a socket, sparse and multi-block files, xattrs
 * where setfattr works, and a /.singularity.d folder.
 */
export async function writeSyntheticTree(root: string, options: { smallFiles: number }): Promise<TreeFacts> {
  mkdirSync(root, { recursive: true });

  const many = join(root, "many");
  mkdirSync(many);
  for (let i = 0; i < options.smallFiles; i++) {
    const sub = join(many, `d${i % 7}`);
    if (i < 7) mkdirSync(sub);
    writeFileSync(join(sub, `file-${i.toString().padStart(5, "0")}.bin`), randomBytes(200 + ((i * 7919) % 1800)));
  }

  const etc = join(root, "etc");
  mkdirSync(etc);
  writeFileSync(join(etc, "os-release"), 'ID=synthetic\nVERSION_ID="1"\n');
  writeFileSync(join(etc, "passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n");
  writeFileSync(join(etc, "shadow"), "root::19000:0:99999:7:::\n");
  chownSync(join(etc, "shadow"), 0, 42);
  chmodSync(join(etc, "shadow"), 0o640);

  const bin = join(root, "usr", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "su"), randomBytes(30_000));
  chmodSync(join(bin, "su"), 0o4755);
  writeFileSync(join(bin, "wall"), randomBytes(5000));
  // chown clears setuid and setgid, so the mode is set after the owner.
  chownSync(join(bin, "wall"), 0, 5);
  chmodSync(join(bin, "wall"), 0o2755);
  linkSync(join(bin, "su"), join(bin, "su-hardlink"));
  linkSync(join(bin, "su"), join(root, "su-third-name"));

  const tmp = join(root, "tmp");
  mkdirSync(tmp);
  chmodSync(tmp, 0o1777);

  const home = join(root, "home", "user");
  mkdirSync(home, { recursive: true });
  chownSync(home, 1000, 1000);
  writeFileSync(join(home, ".bash_history"), "export AWS_SECRET_ACCESS_KEY=abc\n");
  chownSync(join(home, ".bash_history"), 1000, 1000);
  chmodSync(join(home, ".bash_history"), 0o600);

  const data = join(root, "data");
  mkdirSync(data);
  const compressible = Buffer.alloc(300_000);
  for (let i = 0; i < compressible.length; i++) compressible[i] = "abcdefgh"[i % 8]!.charCodeAt(0);
  writeFileSync(join(data, "compressible.txt"), compressible);
  writeFileSync(join(data, "random-multi-block.bin"), randomBytes(150_000));
  writeFileSync(join(data, "exact-block.bin"), randomBytes(4096));
  writeFileSync(join(data, "empty"), "");
  writeFileSync(join(data, "sparse.img"), "");
  truncateSync(join(data, "sparse.img"), 3 * 1024 * 1024);
  writeFileSync(join(data, "duplicate-a.bin"), compressible.subarray(0, 9000));
  writeFileSync(join(data, "duplicate-b.bin"), compressible.subarray(0, 9000));
  const sparseWithData = join(data, "sparse-with-data.img");
  writeFileSync(sparseWithData, "");
  truncateSync(sparseWithData, 1024 * 1024);
  execFileSync("dd", ["if=/dev/urandom", `of=${sparseWithData}`, "bs=4096", "seek=100", "count=2", "conv=notrunc"], { stdio: "ignore" });

  const names = join(root, "names");
  mkdirSync(names);
  writeFileSync(join(names, "x".repeat(255)), "long name\n");
  writeFileSync(join(names, "ünïcödé-名前.txt"), "unicode\n");
  writeFileSync(join(names, "with space"), "space\n");
  let deep = names;
  for (let i = 0; i < 30; i++) {
    deep = join(deep, `level${i}`);
    mkdirSync(deep);
  }
  writeFileSync(join(deep, "bottom"), "deep\n");

  const links = join(root, "links");
  mkdirSync(links);
  symlinkSync("/etc/passwd", join(links, "absolute"));
  symlinkSync("../etc/os-release", join(links, "relative"));
  symlinkSync("does-not-exist", join(links, "dangling"));
  symlinkSync("y".repeat(1000), join(links, "long-target"));
  execFileSync("mkfifo", [join(root, "fifo")]);
  execFileSync("mkfifo", [join(root, "fifo-with-xattr")]);
  execFileSync("mknod", [join(root, "char-device"), "c", "4", "64"]);
  execFileSync("mknod", [join(root, "block-device"), "b", "7", "0"]);

  let socketCreated = false;
  const socketPath = join(root, "socket");
  await new Promise<void>((resolve) => {
    const server = createServer();
    server.on("error", () => resolve());
    server.listen(socketPath, () => {
      socketCreated = true;
      // Closing a Unix server removes its socket file, so the descriptor is dropped without closing.
      server.unref();
      resolve();
    });
  });

  writeSingularityDir(root);

  const xattrsSet =
    trySetXattr(join(etc, "passwd"), "user.comment", "hello") &&
    trySetXattr(join(etc, "passwd"), "user.big", "0x" + "ab".repeat(3000)) &&
    trySetXattr(join(bin, "wall"), "security.capability", "0x0100000200100000000000000000000000000000") &&
    trySetXattr(data, "user.dir", "on-a-directory") &&
    // trusted.* xattrs (root only) on a symlink, a FIFO and a device give their extended inode types.
    trySetXattr(join(links, "absolute"), "trusted.symlink", "1", { noDereference: true }) &&
    trySetXattr(join(root, "fifo-with-xattr"), "trusted.fifo", "2") &&
    trySetXattr(join(root, "char-device"), "trusted.device", "3") &&
    trySetXattr(join(root, "block-device"), "trusted.device", "4");
  return { smallFiles: options.smallFiles, xattrsSet, socketCreated };
}

/** Writes the /.singularity.d folder that `singularity build` creates. */
export function writeSingularityDir(root: string): void {
  const dir = join(root, ".singularity.d");
  mkdirSync(join(dir, "env"), { recursive: true });
  mkdirSync(join(dir, "actions"), { recursive: true });
  mkdirSync(join(dir, "libs"), { recursive: true });
  writeFileSync(join(dir, "runscript"), '#!/bin/sh\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 });
  writeFileSync(join(dir, "startscript"), "#!/bin/sh\n/usr/sbin/sshd -D\n", { mode: 0o755 });
  writeFileSync(join(dir, "test"), "#!/bin/sh\npython3 --version\n", { mode: 0o755 });
  writeFileSync(join(dir, "labels.json"), JSON.stringify({ maintainer: "ops@example.org", "org.label-schema.build-size": "12MB", build: 7 }));
  writeFileSync(join(dir, "Singularity"), "Bootstrap: docker\nFrom: debian:bookworm\n\n%environment\n    export API_TOKEN=s3cr3t\n");
  writeFileSync(join(dir, "env", "01-base.sh"), '#!/bin/sh\nexport LANG="C.UTF-8"\n');
  writeFileSync(join(dir, "env", "10-docker2singularity.sh"), '#!/bin/sh\nexport PATH="/usr/local/bin:/usr/bin:/bin"\nexport HOME=${HOME:-/root}\n');
  writeFileSync(join(dir, "env", "90-environment.sh"), "#!/bin/sh\nexport API_TOKEN=s3cr3t\nexport GREETING='hello world'\nLANG=en_US.UTF-8\n");
  writeFileSync(join(dir, "actions", "run"), "#!/bin/sh\nexec /.singularity.d/runscript \"$@\"\n", { mode: 0o755 });
  writeFileSync(join(dir, "actions", "exec"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
  symlinkSync(".singularity.d/runscript", join(root, "singularity"));
  symlinkSync(".singularity.d/env/90-environment.sh", join(root, "environment"));
  symlinkSync("../runscript", join(dir, "actions", "run-link"));
}

/** Sets an extended attribute with setfattr (Debian package `attr`); returns false when that fails. */
export function trySetXattr(path: string, name: string, value: string, options: { noDereference?: boolean } = {}): boolean {
  try {
    execFileSync("setfattr", [...(options.noDereference ? ["-h"] : []), "-n", name, "-v", value, path], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs mksquashfs on `source` with the given extra arguments. */
export function mksquashfs(source: string, target: string, args: readonly string[]): void {
  execFileSync("mksquashfs", [source, target, "-noappend", "-quiet", "-no-progress", ...args], { stdio: ["ignore", "ignore", "pipe"] });
}
