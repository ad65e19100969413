#!/usr/bin/env bash
# Installs the Debian packages that building the test images and the browser
# tests need, when they are missing. Needs root (or sudo) and apt-get.
set -euo pipefail

packages=(debootstrap umoci skopeo squashfs-tools zstd attr libcap2-bin chromium)
commands=(debootstrap umoci skopeo mksquashfs zstd setfattr setcap chromium)

missing=()
for i in "${!commands[@]}"; do
  command -v "${commands[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing tools: ${missing[*]}. Install them with your system's package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
