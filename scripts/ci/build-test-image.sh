#!/usr/bin/env bash
# Builds the local chaos test image `loadctl-test:1` without any registry:
# debootstrap a minimal Debian bookworm with the services the fault tests
# drive (redis-server, postgresql), the tools faults run inside a target
# (iproute2 for tc, procps for kill, stress-ng) and a few probes (netcat,
# ping), then `docker import` the tree. Reused when the image already exists;
# the rootfs tarball is cached under /var/cache/loadctl so a machine that lost
# its images rebuilds in seconds instead of minutes.
set -euo pipefail

IMAGE="${LOADCTL_TEST_IMAGE:-loadctl-test:1}"
CACHE="${LOADCTL_IMAGE_CACHE:-/var/cache/loadctl}"
SUITE=bookworm
PACKAGES=redis-server,postgresql,iproute2,procps,stress-ng,netcat-openbsd,iputils-ping
TARBALL="$CACHE/loadctl-test-1-$SUITE.tar"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "ci: $IMAGE already present, reusing it"
  exit 0
fi

# The mirror apt already uses here (deb822 or one-line sources), so
# debootstrap goes where the machine's network allows.
mirror_from_apt() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

mkdir -p "$CACHE"
start=$(date +%s)
if [ ! -s "$TARBALL" ]; then
  command -v debootstrap >/dev/null || { echo "ci: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$KEYRING" ] || { echo "ci: $KEYRING is missing; install debian-archive-keyring so debootstrap can verify bookworm" >&2; exit 1; }
  MIRROR="${LOADCTL_DEBIAN_MIRROR:-$(mirror_from_apt)}"
  ROOT=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$ROOT"' EXIT
  echo "ci: debootstrap $SUITE from $MIRROR (packages: $PACKAGES)"
  debootstrap --variant=minbase --keyring="$KEYRING" --include="$PACKAGES" "$SUITE" "$ROOT" "$MIRROR" \
    >"$CACHE/debootstrap.log" 2>&1 || { tail -n 30 "$CACHE/debootstrap.log" >&2; exit 1; }
  # Slim the tree: package lists, docs and the apt cache are not needed to run.
  rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* \
    "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/*
  # The tests run postgres as the `postgres` user in a data dir they create.
  tar -C "$ROOT" -c . >"$TARBALL.tmp"
  mv "$TARBALL.tmp" "$TARBALL"
  rm -rf "$ROOT"
  trap - EXIT
fi
docker import \
  --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["sleep", "infinity"]' \
  "$TARBALL" "$IMAGE" >/dev/null
echo "ci: built $IMAGE in $(( $(date +%s) - start ))s"
