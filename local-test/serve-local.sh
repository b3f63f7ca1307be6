#!/usr/bin/env bash
# Serve the model in local-test/test-dir/model (the /opt/ml tree SageMaker mounts) on port 8080.
#   ./serve-local.sh IMAGE      in the container image IMAGE, run by docker, or by podman where
#                               docker has no engine (CONTAINER_ENGINE overrides)
#   ./serve-local.sh            natively, the same entrypoint.py serve the image runs
# When test-dir/model holds no pipeline yet, the default model goes there first, fitted by the
# same runtime that serves it (natively, or the image's own). TEST_DIR overrides the tree, PYTHON
# the native interpreter.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
image=${1:-}
if [ -n "$image" ]; then
  engine=$("$root/tools/image/engine.sh")
fi
test_dir=${TEST_DIR:-$here/test-dir}
port=${SAGEMAKER_BIND_TO_PORT:-8080}
python=${PYTHON:-$root/.venv/bin/python}
if [ -z "$image" ] && [ ! -x "$python" ]; then
  echo "no $python: run 'make venv' first, or set PYTHON" >&2
  exit 1
fi

mkdir -p "$test_dir/model"
# A pipeline is there when any one of the patterns handler/model/files.py serves matches a file
# (ls of all three at once fails when any one matches nothing).
has_pipeline=
for file in "$test_dir"/model/*.pickle "$test_dir"/model/*.pkl "$test_dir"/model/*.joblib; do
  [ -e "$file" ] && has_pipeline=yes
done
if [ -z "$has_pipeline" ]; then
  echo "test-dir/model holds no pipeline: fitting the default model there"
  if [ -n "$image" ]; then
    # the image's own embedded model, which its build fitted with the image's runtime
    "$engine" run --rm -v "$test_dir/model:/export" --entrypoint cp "$image" -r /opt/ml/model/. /export
  else
    (cd "$root" && "$python" -m training.default_model --model-dir "$test_dir/model")
  fi
fi

if [ -n "$image" ]; then
  exec "$engine" run --rm -p "$port:8080" -v "$test_dir:/opt/ml" "$image" serve
fi
SAGEMAKER_BASE_DIR="$test_dir" SAGEMAKER_BIND_TO_PORT="$port" exec "$python" "$root/entrypoint.py" serve
