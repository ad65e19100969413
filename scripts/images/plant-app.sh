#!/usr/bin/env bash
# The application layer's planted problems (listed in docs/images.md). Every
# secret here is fake and only shaped like a real one.
set -euo pipefail
root=${1:?usage: plant-app.sh ROOTFS}

# A whiteout: delete the secret the base layer added.
rm -f "$root/opt/app/deploy.env"

# A setuid-root binary under /usr/local/bin.
install -d -m 0755 "$root/usr/local/bin"
cp "$root/usr/bin/true" "$root/usr/local/bin/backup-helper"
chown 0:0 "$root/usr/local/bin/backup-helper"
chmod 4755 "$root/usr/local/bin/backup-helper"

# A start script for CMD.
printf '#!/bin/sh\nexec sleep infinity\n' >"$root/usr/local/bin/app-start"
chmod 0755 "$root/usr/local/bin/app-start"

# A file with a file capability (security.capability xattr).
cp "$root/usr/bin/true" "$root/usr/local/bin/net-helper"
chmod 0755 "$root/usr/local/bin/net-helper"
setcap cap_net_raw,cap_net_admin+ep "$root/usr/local/bin/net-helper"

# A world-writable folder without the sticky bit.
install -d "$root/srv/uploads"
chmod 0777 "$root/srv/uploads"

# A private key and an AWS key in a config file.
install -d -m 0755 "$root/opt/app/keys"
key="$root/opt/app/keys/id_rsa"
if command -v ssh-keygen >/dev/null; then
  rm -f "$key" "$key.pub"
  ssh-keygen -q -t rsa -b 2048 -N '' -C planted@checks-test -f "$key"
  rm -f "$key.pub"
else
  printf -- '-----BEGIN RSA PRIVATE KEY-----\nMIIEplantedNotARealKeyAAAA\n-----END RSA PRIVATE KEY-----\n' >"$key"
fi
chmod 0600 "$key"
cat >"$root/opt/app/config.ini" <<'INI'
[aws]
region = eu-west-1
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
INI

# apt caches left behind.
install -d "$root/var/cache/apt/archives" "$root/var/lib/apt/lists"
printf 'planted apt package cache\n' >"$root/var/cache/apt/pkgcache.bin"
printf 'Package: planted\nVersion: 1.0\n' >"$root/var/lib/apt/lists/planted_dists_bookworm_main_binary-amd64_Packages"

# Shell history with a credential on a command line.
cat >"$root/root/.bash_history" <<'HIST'
apt-get update
mysql -h db.internal -u root -pS3cr3tPlanted! app
curl -u admin:planted-password https://example.com/api/deploy
HIST
chmod 0600 "$root/root/.bash_history"

# An extra uid-0 account, and an account with an empty password.
echo 'toor:x:0:0:planted second root:/root:/bin/bash' >>"$root/etc/passwd"
echo 'toor:!:19700:0:99999:7:::' >>"$root/etc/shadow"
echo 'app:x:1000:1000:planted app user:/opt/app:/bin/bash' >>"$root/etc/passwd"
echo 'app::19700:0:99999:7:::' >>"$root/etc/shadow"
echo 'app:x:1000:' >>"$root/etc/group"

# Passwordless sudo for everything.
install -d -m 0750 "$root/etc/sudoers.d"
echo 'app ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/app"
chmod 0440 "$root/etc/sudoers.d/app"
