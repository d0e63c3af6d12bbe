#!/usr/bin/env bash
# Starts dockerd in the background unless an engine already answers. It also
# listens on tcp://127.0.0.1:$LOADCTL_DOCKER_TCP_PORT (2375; this machine
# only, no TLS), so the runners tests reach the same engine over tcp:// as
# over the socket (`--docker-host tcp://127.0.0.1:2375`).
set -euo pipefail
port=${LOADCTL_DOCKER_TCP_PORT:-2375}
if docker info >/dev/null 2>&1; then
  if ! docker -H "tcp://127.0.0.1:$port" info >/dev/null 2>&1; then
    echo "ci: dockerd was already running without tcp://127.0.0.1:$port; the tests relay that port to its socket themselves"
  fi
  exit 0
fi
echo "ci: starting dockerd (unix socket and tcp://127.0.0.1:$port)"
nohup dockerd -H unix:///var/run/docker.sock -H "tcp://127.0.0.1:$port" >/tmp/loadctl-dockerd.log 2>&1 &
# dockerd may pause on purpose before serving tcp without TLS; give it time.
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "ci: dockerd did not start; its log:" >&2
tail -n 40 /tmp/loadctl-dockerd.log >&2
exit 1
