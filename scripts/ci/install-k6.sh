#!/usr/bin/env bash
# Builds the pinned real k6 binaries the tests run (both ends of the
# supported range) with the Go toolchain and the Go module proxy, into
# $LOADCTL_K6_CACHE/<version>/k6 (default /var/cache/loadctl/k6). A version
# already built there is reused; a build that fails stops CI with one line.
#
# Why a throwaway module instead of `go install go.k6.io/k6/v2@v2.2.0`: that
# form also asks for the module's deprecation notice, which needs the
# vanity-import host (not reachable here) whenever the proxy has no @latest
# for the path. Requiring the exact version from a module of our own builds
# the same code and only talks to the proxy.
set -euo pipefail

CACHE="${LOADCTL_K6_CACHE:-/var/cache/loadctl/k6}"
if [ $# -gt 0 ]; then VERSIONS=("$@"); else VERSIONS=(v0.49.0 v2.2.0); fi

command -v go >/dev/null || { echo "ci: go is not installed; real k6 cannot be built (install Go 1.22+ or put k6 in $CACHE/<version>/k6)" >&2; exit 1; }

module_for() {
  case "$1" in
    v0.*) echo "go.k6.io/k6" ;;
    v*) echo "go.k6.io/k6/v${1:1:1}" ;;
  esac
}

for version in "${VERSIONS[@]}"; do
  out="$CACHE/$version/k6"
  if [ -x "$out" ] && "$out" version 2>/dev/null | grep -q " $version "; then
    echo "ci: k6 $version already built ($out)"
    continue
  fi
  module=$(module_for "$version")
  work=$(mktemp -d)
  log="$CACHE/build-$version.log"
  mkdir -p "$CACHE/$version"
  start=$(date +%s)
  echo "ci: building k6 $version from $module (go $(go env GOVERSION); a few minutes the first time)"
  (
    cd "$work"
    printf 'module loadctl.local/k6build\n\ngo 1.22\n\nrequire %s %s\n' "$module" "$version" > go.mod
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$module" > tools.go
    GOFLAGS=-mod=mod go mod tidy
    GOFLAGS=-mod=mod go build -trimpath -o "$out.tmp" "$module"
  ) >"$log" 2>&1 || { echo "ci: building k6 $version failed; last lines of $log:" >&2; tail -n 15 "$log" >&2; rm -rf "$work"; exit 1; }
  mv "$out.tmp" "$out"
  rm -rf "$work"
  echo "ci: built k6 $version in $(( $(date +%s) - start ))s: $("$out" version | head -n1)"
done
