# Sourced by the image scripts: podman and buildah for a machine without a Docker engine, set up
# in a cache dir of their own (nothing under /etc/containers is read or changed). runc with the
# cgroupfs manager, because crun fails on rlimits and hybrid cgroups; ulimits as SageMaker gives a
# container, since Multi Model Server opens many files and threads.
# AUTOAI_IMAGE_CACHE moves the cache (default ~/.cache/autoai-sagemaker).
cache=${AUTOAI_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/autoai-sagemaker}
mkdir -p "$cache/containers"
export CONTAINERS_STORAGE_CONF=$cache/containers/storage.conf
export CONTAINERS_CONF=$cache/containers/containers.conf
export CONTAINERS_REGISTRIES_CONF=$cache/containers/registries.conf
export BUILDAH_ISOLATION=chroot

# Written whole and renamed, since another podman may be reading them at the same moment.
write_config() {
  cat >"$1.$$" && mv -f "$1.$$" "$1"
}

write_config "$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$cache/containers/storage"
runroot = "$cache/containers/run"
CONF
write_config "$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$cache/containers/tmp"
CONF
# Images are built or imported here, never pulled: no registry is searched for short names.
write_config "$CONTAINERS_REGISTRIES_CONF" <<CONF
unqualified-search-registries = []
CONF
