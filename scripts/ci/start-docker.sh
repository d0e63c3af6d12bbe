#!/usr/bin/env bash
# Starts dockerd in the background unless an engine already answers.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
echo "ci: starting dockerd"
nohup dockerd >/tmp/loadctl-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "ci: dockerd did not start; its log:" >&2
tail -n 40 /tmp/loadctl-dockerd.log >&2
exit 1
