#!/usr/bin/env bash
# Build the image autoai-sagemaker:RUNTIME from the Dockerfile, unchanged.
#   tools/image/build.sh RUNTIME
# With a Docker engine: `docker build`, on the official python:X-slim-bookworm base. Without one
# (the machines this project is developed and tested on): buildah, on a stand-in for that base
# made from Debian packages and this machine's Python (stand-in-base.sh, built once and kept),
# with this machine's pip settings mounted for the build only (pip_build_config.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runtime=$1
tag=autoai-sagemaker:$runtime
python_version=$(make -C "$root" --no-print-directory -s print-python RUNTIME="$runtime")

if docker info >/dev/null 2>&1; then
  docker build --build-arg AUTOAI_RUNTIME="$runtime" -t "$tag" "$root"
  echo "$tag: $(docker image inspect --format '{{.Size}}' "$tag" | numfmt --to=si --round=nearest)B"
  exit 0
fi
source "$here/containers-env.sh"
# buildah 1.28 skips the runtime's stages when FROM names them through a build argument, unless
# told to keep every stage: so every base the Dockerfile names must exist, used or not.
for version in $(sed -n 's/^FROM python:\([0-9.]*\)-slim-bookworm .*/\1/p' "$root/Dockerfile"); do
  "$here/stand-in-base.sh" "$version"
done

pip_config=$(mktemp -d)
trap 'rm -rf "$pip_config"' EXIT
python=$("$root/tools/find-python.sh" "$python_version")
mapfile -t volumes < <("$python" "$here/pip_build_config.py" "$pip_config/pip")
buildah bud --layers --pull=never --skip-unused-stages=false --format docker "${volumes[@]}" \
  --build-arg AUTOAI_RUNTIME="$runtime" -t "$tag" "$root"

# The mounts leave their mount points behind, empty: one more layer removes them (and parents
# they alone made), so nothing of this machine's pip set-up is in the image.
mount_points=()
for volume in "${volumes[@]}"; do
  target=${volume#--volume=*:}
  mount_points+=("${target%:ro}")
done
container=$(buildah from --pull=never "$tag")
buildah run "$container" -- rmdir -p --ignore-fail-on-non-empty "${mount_points[@]}"
buildah commit --quiet --rm --format docker "$container" "$tag" >/dev/null
echo "$tag: $(podman image inspect --format '{{.Size}}' "$tag" | numfmt --to=si --round=nearest)B"
