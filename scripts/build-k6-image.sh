#!/usr/bin/env bash
# Builds a runner image for `loadctl run --runners N --placement docker` from a
# k6 binary on this machine, with no registry: FROM a local base image (the
# test image loadctl-test:1 by default; any image with glibc works).
#   scripts/build-k6-image.sh /var/cache/loadctl/k6/v2.2.0/k6 loadctl-k6:v2.2.0 [base-image]
# LOADCTL_IMAGE_BUILDER=podman builds it into Podman's own image store instead
# (the base image must be there too), for runners on a Podman engine.
set -euo pipefail
k6=${1:?usage: build-k6-image.sh <k6 binary> <tag> [base image]}
tag=${2:?usage: build-k6-image.sh <k6 binary> <tag> [base image]}
base=${3:-loadctl-test:1}
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$k6" "$ctx/k6"
printf 'FROM %s\nCOPY k6 /usr/local/bin/k6\nENTRYPOINT ["k6"]\n' "$base" > "$ctx/Dockerfile"
"${LOADCTL_IMAGE_BUILDER:-docker}" build -q --label io.loadctl.k6-image=1 -t "$tag" "$ctx"
