#!/usr/bin/env bash
# Serve the model in local-test/test-dir/model (the /opt/ml tree SageMaker mounts) on port 8080.
#   ./serve-local.sh IMAGE      in the container image IMAGE (needs a Docker engine)
#   ./serve-local.sh            natively, the same entrypoint.py serve the image runs
# When test-dir/model holds no pipeline yet, the embedded default model is copied there first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
image=${1:-}
test_dir=${TEST_DIR:-$here/test-dir}
port=${SAGEMAKER_BIND_TO_PORT:-8080}

mkdir -p "$test_dir/model"
if ! ls "$test_dir"/model/*.pickle "$test_dir"/model/*.pkl "$test_dir"/model/*.joblib >/dev/null 2>&1; then
  echo "test-dir/model holds no pipeline: copying the embedded default model there"
  cp "$root"/model/* "$test_dir/model/"
fi

if [ -n "$image" ]; then
  exec docker run --rm -p "$port:8080" -v "$test_dir:/opt/ml" "$image" serve
fi
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || { echo "no $python: run 'make venv' first, or set PYTHON" >&2; exit 1; }
SAGEMAKER_BASE_DIR="$test_dir" SAGEMAKER_BIND_TO_PORT="$port" exec "$python" "$root/entrypoint.py" serve
