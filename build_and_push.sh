#!/usr/bin/env bash
# Build the image for an AutoAI runtime and push it to this account's ECR repository IMAGE_NAME
# (created when missing), tagged with the runtime. Prints the pushed image URI on stdout, the one
# `python -m deploy create-model --image` and `train --image` take; everything else goes to stderr.
#   ./build_and_push.sh IMAGE_NAME [RUNTIME]        RUNTIME: 22.1, 23.1, 24.1 or 25.1 (default)
# Needs docker, and boto3 for $PYTHON (default python3): pip install -r requirements/deploy.txt.
# The AWS account and region are your AWS CLI's (AWS_PROFILE, AWS_REGION, ...).
set -euo pipefail
runtimes=(22.1 23.1 24.1 25.1)
default_runtime=25.1
usage="usage: $0 IMAGE_NAME [RUNTIME]   (RUNTIME: ${runtimes[*]}; default $default_runtime)"
image_name=${1:?$usage}
runtime=${2:-$default_runtime}
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)

case " ${runtimes[*]} " in
  *" $runtime "*) ;;
  *) echo "unknown runtime '$runtime': $usage" >&2; exit 2 ;;
esac
if ! command -v docker >/dev/null 2>&1; then
  echo "docker is not installed: build_and_push.sh builds the image with it" >&2
  exit 1
fi
if ! "$python" -c "import boto3" 2>/dev/null; then
  echo "$python has no boto3: pip install -r $here/requirements/deploy.txt (or set PYTHON)" >&2
  exit 1
fi
python=$(command -v "$python")
[[ $python = /* ]] || python=$PWD/$python   # a relative PYTHON still works from $here
deploy() { (cd "$here" && "$python" -m deploy "$@"); }

repository=$(deploy repository "$image_name")
image="$repository:$runtime"
# SageMaker runs x86-64 instances: build for them on any machine (Apple silicon included).
echo "building $image_name:$runtime (AutoAI runtime $runtime)" >&2
docker build --platform linux/amd64 --build-arg "AUTOAI_RUNTIME=$runtime" \
  --tag "$image_name:$runtime" "$here" >&2
deploy login-password | docker login --username AWS --password-stdin "${repository%%/*}" >&2
docker tag "$image_name:$runtime" "$image" >&2
echo "pushing $image" >&2
docker push "$image" >&2
echo "$image"
