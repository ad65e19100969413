#!/usr/bin/env bash
# Builds the real test images that the image reader, the official plugins and the
# benchmarks run against. Idempotent: each step leaves a stamp and is skipped when
# its output exists. Output folder: $CHECKS_TEST_IMAGES, else .cache/images at the
# repository root (git-ignored). Needs root (debootstrap, file ownership, setcap).
#
# Output paths (stable; printed at the end):
#   rootfs/                 Debian bookworm minbase root filesystem (debootstrap)
#   rootfs.tar              the same as a plain tar (numeric owners, xattrs)
#   rootfs.tar.gz           the same, gzip
#   rootfs.tar.zst          the same, zstd
#   rootfs.squashfs         the same as a bare squashfs (for the SIF/squashfs reader)
#   oci/                    OCI image layout, tag "latest": base layer + app layer with planted problems
#   oci.tar                 that layout as a tar (member names start with "./")
#   oci-zstd/               the same image with zstd-compressed layers (skopeo)
#   docker-archive.tar      `docker save`-style archive (skopeo docker-archive:)
# What is planted in the app layer is listed in docs/images.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${CHECKS_TEST_IMAGES:-$repo/.cache/images}
suite=bookworm
tag=latest

log() { printf 'build-test-images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ensure_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v mksquashfs >/dev/null || missing+=(squashfs-tools)
  command -v zstd >/dev/null || missing+=(zstd)
  command -v setcap >/dev/null || missing+=(libcap2-bin)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# debootstrap picks its own default mirror; none is named here.
build_rootfs() {
  [ -f "$out/.rootfs.done" ] && return 0
  log "debootstrap --variant=minbase $suite (takes a few minutes)"
  rm -rf "$out/rootfs" "$out/rootfs.partial"
  debootstrap --variant=minbase "$suite" "$out/rootfs.partial" >"$out/debootstrap.log" 2>&1 ||
    { tail -n 30 "$out/debootstrap.log" >&2; die "debootstrap failed; full log in $out/debootstrap.log"; }
  mv "$out/rootfs.partial" "$out/rootfs"
  touch "$out/.rootfs.done"
}

build_rootfs_archives() {
  [ -f "$out/.archives.done" ] && return 0
  log "rootfs.tar, rootfs.tar.gz, rootfs.tar.zst, rootfs.squashfs"
  tar --numeric-owner --xattrs --xattrs-include='*' --sort=name -C "$out/rootfs" -cf "$out/rootfs.tar.partial" .
  mv "$out/rootfs.tar.partial" "$out/rootfs.tar"
  gzip -n -6 -c "$out/rootfs.tar" >"$out/rootfs.tar.gz.partial" && mv "$out/rootfs.tar.gz.partial" "$out/rootfs.tar.gz"
  zstd -q -f -3 -T0 "$out/rootfs.tar" -o "$out/rootfs.tar.zst.partial" && mv "$out/rootfs.tar.zst.partial" "$out/rootfs.tar.zst"
  rm -f "$out/rootfs.squashfs"
  mksquashfs "$out/rootfs" "$out/rootfs.squashfs" -comp gzip -no-progress -quiet >&2
  touch "$out/.archives.done"
}

build_oci() {
  [ -f "$out/.oci.done" ] && return 0
  local bundle="$out/bundle" image="$out/oci:$tag"
  log "OCI layout with umoci: base layer + app layer"
  rm -rf "$out/oci" "$bundle"
  umoci init --layout "$out/oci"
  umoci new --image "$image"
  umoci unpack --image "$image" "$bundle" >&2

  # Layer 1: the Debian root filesystem, plus a secret that layer 2 deletes.
  cp -a "$out/rootfs/." "$bundle/rootfs/"
  bash "$here/images/plant-base.sh" "$bundle/rootfs"
  umoci repack --image "$image" --refresh-bundle \
    --history.created_by "debootstrap --variant=minbase $suite" \
    --history.comment "base layer: Debian $suite minbase" "$bundle" >&2

  # Layer 2: the application layer with planted problems and the whiteout.
  bash "$here/images/plant-app.sh" "$bundle/rootfs"
  umoci repack --image "$image" --refresh-bundle \
    --history.created_by '/bin/sh -c curl -fsSL https://example.com/install.sh | sh' \
    --history.comment "app layer with planted problems" "$bundle" >&2

  # Layer 3: npm and Python packages at versions that published advisories affect,
  # from the inventory tests' fixture (package metadata only, no code).
  cp -a "$repo/packages/inventory/test/fixtures/app-layer/." "$bundle/rootfs/"
  umoci repack --image "$image" \
    --history.created_by 'COPY app-layer / # lodash 4.17.20, minimist 1.2.5, requests 2.28.1, urllib3 1.26.5' \
    --history.comment "application packages with known advisories" "$bundle" >&2

  umoci config --image "$image" \
    --config.env "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" \
    --config.env "APP_DB_PASSWORD=hunter2-planted" \
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.cmd /usr/local/bin/app-start \
    --config.workingdir /opt/app \
    --config.exposedports 22/tcp --config.exposedports 8080/tcp \
    --config.volume /srv/uploads \
    --config.label org.opencontainers.image.title=checks-test \
    --config.label org.opencontainers.image.description="Debian minbase with planted problems" \
    --history.created_by '/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY=... APP_DB_PASSWORD=...' >&2
  umoci gc --layout "$out/oci"
  rm -rf "$bundle"
  touch "$out/.oci.done"
}

build_copies() {
  if [ ! -f "$out/.oci-tar.done" ]; then
    log "oci.tar"
    tar --numeric-owner --sort=name -C "$out/oci" -cf "$out/oci.tar.partial" .
    mv "$out/oci.tar.partial" "$out/oci.tar"
    touch "$out/.oci-tar.done"
  fi
  if [ ! -f "$out/.docker-archive.done" ]; then
    log "docker-archive.tar (skopeo)"
    rm -f "$out/docker-archive.tar"
    skopeo copy --quiet "oci:$out/oci:$tag" "docker-archive:$out/docker-archive.tar:checks/test:$tag" >&2
    touch "$out/.docker-archive.done"
  fi
  if [ ! -f "$out/.oci-zstd.done" ]; then
    log "oci-zstd/ (skopeo, zstd layers)"
    rm -rf "$out/oci-zstd"
    skopeo copy --quiet --dest-compress --dest-compress-format zstd "oci:$out/oci:$tag" "oci:$out/oci-zstd:$tag" >&2
    touch "$out/.oci-zstd.done"
  fi
}

# The image steps are redone when this script, the planting scripts or the app-layer fixture change.
check_recipe() {
  local recipe
  recipe=$( (cat "$0" "$here"/images/*.sh; find "$repo/packages/inventory/test/fixtures/app-layer" -type f | sort | xargs cat) | sha256sum | cut -c1-16)
  if [ "$(cat "$out/.recipe" 2>/dev/null)" != "$recipe" ]; then
    rm -f "$out/.oci.done" "$out/.oci-tar.done" "$out/.docker-archive.done" "$out/.oci-zstd.done"
    printf '%s\n' "$recipe" >"$out/.recipe"
  fi
}

main() {
  [ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, file ownership and capabilities); run it as root or with sudo"
  mkdir -p "$out"
  ensure_tools
  check_recipe
  build_rootfs
  build_rootfs_archives
  build_oci
  build_copies
  for path in rootfs rootfs.tar rootfs.tar.gz rootfs.tar.zst rootfs.squashfs oci oci.tar oci-zstd docker-archive.tar; do
    printf '%s\n' "$out/$path"
  done
}

main "$@"
