#!/usr/bin/env bash
# Print the path of a Python interpreter of version $1 (for example 3.12): the one on PATH,
# else the newest pyenv install of that version. Exit 1, saying what to install, when none.
set -euo pipefail
version=$1
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
# A pyenv shim is on PATH for every installed version but only runs the selected one: try each.
for candidate in $(command -v "python$version" || true) \
    $(ls -d "$pyenv_root"/versions/"$version".*/bin/"python$version" 2>/dev/null | sort -V -r); do
  if "$candidate" -c 'import sys' >/dev/null 2>&1; then
    echo "$candidate"
    exit 0
  fi
done
echo "Python $version not found on PATH or under $pyenv_root/versions: install it (pyenv install $version)" >&2
exit 1
