#!/usr/bin/env bash
# Run a SageMaker batch transform against a running server (serve-local.sh, make serve, a container):
#   ./transform-local.sh [--join] [--content-type TYPE] [--accept TYPE] [--url URL] INPUT [OUTPUT]
# Like SageMaker (SplitType=Line, BatchStrategy=MultiRecord, AssembleWith=Line): reads the server's
# GET /execution-parameters, posts mini-batches under its payload limit, as many at a time as it has
# workers, and writes INPUT.out (or OUTPUT) in input order, one line per input record (--join: each
# joined to its record, as JoinSource=Input). Fails, naming the mini-batch, when a line count differs,
# and then writes no output file.
# Needs only python3 (PYTHON overrides it); the server's port comes from SAGEMAKER_BIND_TO_PORT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-python3}" "$here/batch_transform.py" "$@"
