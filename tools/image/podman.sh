#!/usr/bin/env bash
# podman with the project's own storage and configuration (containers-env.sh): what `make image`
# builds into, and what the image tests and local-test/*.sh use where there is no Docker engine.
set -euo pipefail
source "$(dirname "$0")/containers-env.sh"
exec podman "$@"
