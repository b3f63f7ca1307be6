#!/usr/bin/env bash
# Score a payload against a running server (serve-local.sh, make serve, or a container).
#   ./predict.sh [PAYLOAD [CONTENT_TYPE [ACCEPT]]]
# Defaults: payload.csv beside this script, text/csv, and the server's default Accept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
payload=${1:-$here/payload.csv}
content_type=${2:-text/csv}
accept=${3:-}
port=${SAGEMAKER_BIND_TO_PORT:-8080}

args=(--silent --show-error --fail-with-body -X POST --data-binary "@$payload" -H "Content-Type: $content_type")
[ -n "$accept" ] && args+=(-H "Accept: $accept")
curl "${args[@]}" "http://localhost:$port/invocations"
