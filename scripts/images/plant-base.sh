#!/usr/bin/env bash
# Adds to the base layer a file with a secret that the app layer deletes again
# (a whiteout), so the secret is still in the image's first layer.
set -euo pipefail
root=${1:?usage: plant-base.sh ROOTFS}

install -d -m 0755 "$root/opt/app"
# Fake token in a recognisable shape; deleted by the app layer.
printf 'DEPLOY_TOKEN=ghp_plantedDeletedSecret0123456789abcdefAB\n' >"$root/opt/app/deploy.env"
chmod 0600 "$root/opt/app/deploy.env"
