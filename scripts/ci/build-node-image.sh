#!/usr/bin/env bash
# Builds `loadctl-node-test:1`, the image the tests run the reference stack's
# Node services in (booking service, consumer), without any registry: the
# local test image loadctl-test:1 (Debian bookworm, built by
# build-test-image.sh) plus this machine's own node binary. The host's node
# needs only glibc and libstdc++, both in that image; the build checks that
# `node --version` runs inside before tagging. Reused when present.
set -euo pipefail

IMAGE="${LOADCTL_NODE_IMAGE:-loadctl-node-test:1}"
BASE="${LOADCTL_TEST_IMAGE:-loadctl-test:1}"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "ci: $IMAGE already present, reusing it"
  exit 0
fi
docker image inspect "$BASE" >/dev/null 2>&1 || { echo "ci: $BASE is missing; run scripts/ci/build-test-image.sh first" >&2; exit 1; }
NODE=$(readlink -f "$(command -v node)")
start=$(date +%s)
name="loadctl-node-build-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
docker create --name "$name" --label io.loadctl.build=1 "$BASE" sleep infinity >/dev/null
docker cp "$NODE" "$name:/usr/local/bin/node"
docker commit --change 'CMD ["node"]' "$name" "$IMAGE.tmp" >/dev/null
if ! out=$(docker run --rm --label io.loadctl.build=1 "$IMAGE.tmp" node --version 2>&1); then
  docker rmi "$IMAGE.tmp" >/dev/null 2>&1 || true
  echo "ci: the host's node ($NODE) does not run in $BASE: $out" >&2
  exit 1
fi
docker tag "$IMAGE.tmp" "$IMAGE"
docker rmi "$IMAGE.tmp" >/dev/null
echo "ci: built $IMAGE (node $out) in $(( $(date +%s) - start ))s"
