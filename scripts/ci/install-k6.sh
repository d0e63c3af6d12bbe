#!/usr/bin/env bash
# Builds the pinned real k6 binaries the tests run (both ends of the
# supported range, v0.49.0 and v2.2.0, and v1.8.1 between them) into $LOADCTL_K6_CACHE (default
# /var/cache/loadctl/k6), reused when already built. It is what
# `go install go.k6.io/k6@v0.49.0` and `go install go.k6.io/k6/v2@v2.2.0` do,
# through `loadctl install-k6` (src/k6/install.ts), which builds from a
# throwaway module so only the Go module proxy is needed. Needs npm ci first.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE="${LOADCTL_K6_CACHE:-/var/cache/loadctl/k6}"
if [ $# -gt 0 ]; then VERSIONS=("$@"); else VERSIONS=(v0.49.0 v1.8.1 v2.2.0); fi
command -v go >/dev/null || { echo "ci: go is not installed; real k6 cannot be built (install Go 1.22+)" >&2; exit 1; }
NO_COLOR=1 node bin/loadctl.js install-k6 "${VERSIONS[@]}" --cache-dir "$CACHE" \
  || { echo "ci: building real k6 failed (see the line above)" >&2; exit 1; }
