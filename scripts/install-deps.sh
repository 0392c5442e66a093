#!/usr/bin/env bash
# Installs what tlsearch needs to build and test on Debian 12, if missing,
# or, given package names as arguments, just those.
# Runs apt-get as root (or through sudo); does nothing when all is there.
set -euo pipefail
if [ $# -gt 0 ]; then packages=("$@"); else packages=(
  g++ cmake ninja-build pkg-config
  libxapian-dev xapian-tools libyaml-cpp-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libutf8proc-dev
  libicu-dev
  libcli11-dev catch2 nlohmann-json3-dev libfmt-dev
  libcpp-httplib-dev
  libjemalloc-dev  # the tlsearch command's allocator (optional, faster)
  python3  # tests/capi: the Python ctypes example
); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 2; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
