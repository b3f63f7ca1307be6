#!/usr/bin/env bash
# Run SageMaker's training contract on local-test/test-dir (the /opt/ml tree): channels under
# input/data/, hyperparameters in input/config/hyperparameters.json; the model lands in model/.
#   ./train-local.sh IMAGE      in the container image IMAGE, run by docker, or by podman where
#                               docker has no engine (CONTAINER_ENGINE overrides)
#   ./train-local.sh            natively, the same entrypoint.py train the image runs
# A search resumes from test-dir/checkpoints when an earlier run left them; delete it to start fresh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
image=${1:-}
test_dir=${TEST_DIR:-$here/test-dir}

mkdir -p "$test_dir/model" "$test_dir/output"
# A search keeps its best trial in checkpoints/ (SageMaker's spot-interruption contract), so a
# re-run on the same data goes on from there instead of starting over: say so.
if [ -n "$(ls -A "$test_dir/checkpoints" 2>/dev/null)" ]; then
  echo "train-local.sh: resuming from the checkpoints of an earlier run in $test_dir/checkpoints;" \
    "to start fresh: rm -rf $test_dir/checkpoints" >&2
fi
if [ -n "$image" ]; then
  exec "$("$root/tools/image/engine.sh")" run --rm -v "$test_dir:/opt/ml" "$image" train
fi
python=${PYTHON:-$root/.venv/bin/python}
[ -x "$python" ] || { echo "no $python: run 'make venv' first, or set PYTHON" >&2; exit 1; }
SAGEMAKER_BASE_DIR="$test_dir" exec "$python" "$root/entrypoint.py" train
