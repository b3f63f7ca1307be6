#!/usr/bin/env bash
# Build a stand-in for the official python:VERSION-slim-bookworm image, for machines with no
# registry to pull it from: Debian bookworm from Debian's own packages (debootstrap), slimmed as
# debian:bookworm-slim is, with the runtime packages the official image keeps, and this machine's
# pyenv build of that Python copied to /usr/local, as the official image installs its own build.
# Imported under the official name, so the Dockerfile builds unchanged. Needs root and debootstrap.
#   tools/image/stand-in-base.sh 3.12          (does nothing when the image already exists)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/containers-env.sh"
version=$1
name=docker.io/library/python:$version-slim-bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if podman image exists "$name"; then
  exit 0
fi
python=$("$here/../find-python.sh" "$version")
prefix=$("$python" -c 'import sys; print(sys.base_prefix)')
full_version=$("$python" -c 'import platform; print(platform.python_version())')
if [ "$prefix" = /usr ] || [ ! -d "$prefix/lib/python$version" ]; then
  echo "$python is not a self-contained build that can move to /usr/local: install it with pyenv" >&2
  exit 1
fi
echo "building $name from Debian bookworm and $prefix"

# The official image keeps the Debian packages its Python's libraries link to (found with ldd,
# as its Dockerfile does), with ca-certificates, netbase and tzdata.
libraries=$(find "$prefix" -type f \( -name '*.so*' -o -path "*/bin/python$version" \) \
    -not -name '*tkinter*' -not -path '*/site-packages/*' -exec ldd {} + 2>/dev/null \
  | awk -v prefix="$prefix" '/=>/ { so = $(NF-1); if (index(so, prefix) == 1) next;
                                    sub("^/(usr/)?", "", so); print "*" so }' \
  | sort -u | xargs dpkg-query --search | cut -d: -f1 | sort -u | paste -sd,)

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include="ca-certificates,netbase,tzdata,$libraries" \
  bookworm "$rootfs" "$mirror" >/dev/null

# debian:bookworm-slim: later package installs leave out documentation and translations too.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<CONF
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
CONF
echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
rm -rf "$rootfs"/usr/share/{groff,info,linda,lintian,man}/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
find "$rootfs/usr/share/doc" -mindepth 2 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<CONF
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CONF

# The Python, without its installed packages (pip is reinstalled from its own bundled wheel),
# tests, bytecode or static library, as the official image leaves them out.
tar -C "$prefix" --exclude="lib/python$version/site-packages/*" --exclude=test --exclude=tests \
  --exclude=idle_test --exclude=__pycache__ --exclude='libpython*.a' --exclude='bin/pip*' \
  -cf - bin include lib share | tar -C "$rootfs/usr/local" -xf -
chroot "$rootfs" ldconfig
chroot "$rootfs" /usr/local/bin/python3 -m ensurepip --default-pip >/dev/null
find "$rootfs/usr/local" -depth -name __pycache__ -exec rm -rf {} +
chroot "$rootfs" /usr/local/bin/python -c 'import ssl, sqlite3, ctypes, lzma, bz2, readline, uuid'

tar -C "$rootfs" -cf - . | podman import --quiet \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' --change "ENV PYTHON_VERSION=$full_version" \
  --change 'CMD ["python3"]' - "$name" >/dev/null
echo "imported $name (Python $full_version)"
