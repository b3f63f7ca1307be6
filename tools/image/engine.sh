#!/usr/bin/env bash
# Print the command that runs containers here: CONTAINER_ENGINE when set, else `docker` when a
# Docker engine answers, else podman with the project's own configuration (podman.sh, where
# `make image` builds on machines without a Docker engine).
set -euo pipefail
if [ -n "${CONTAINER_ENGINE:-}" ]; then
  echo "$CONTAINER_ENGINE"
elif docker info >/dev/null 2>&1; then
  echo docker
elif command -v podman >/dev/null 2>&1; then
  echo "$(cd "$(dirname "$0")" && pwd)/podman.sh"
else
  echo "no container engine: install Docker, or podman and runc (apt-get install podman runc)" >&2
  exit 1
fi
