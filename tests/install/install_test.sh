#!/bin/sh
# Installs the build into a temporary prefix, then builds the examples
# against the *installed* package as a user would, and runs them on seeds/:
# - examples/cpp with CMake (find_package(tlsearch) -> tlsearch::tlsearch),
# - examples/cpp again and examples/c with `pkg-config --cflags --libs tlsearch`.
# The three programs and the installed `tlsearch` must find the same hits.
#   install_test.sh BUILD_DIR SOURCE_DIR SHARED(ON|OFF) GENERATOR CXX CC
set -eu
build=$1 source=$2 shared=$3 generator=$4 cxx=$5 cc=$6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsearch-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null

# What a user gets: headers (public only), library, package files, binary.
for f in include/tlsearch/tlsearch.hpp include/tlsearch/tlsearch.h \
         include/tlsearch/version.h include/tlsearch/searcher.h \
         include/tlsearch/indexer.h include/tlsearch/event.h bin/tlsearch \
         bin/tlsearch-serve; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done
libdir=$(dirname "$(find "$prefix" -name tlsearch.pc)")/..
[ -f "$libdir/cmake/tlsearch/tlsearchConfig.cmake" ] || fail "no CMake package"
if find "$prefix/include" -name '*internal*' -o -name 'query_builder.h' | grep -q .; then
  fail "internal headers installed"
fi
if [ "$shared" = ON ]; then
  soname=$(objdump -p "$libdir/libtlsearch.so" | awk '$1 == "SONAME" {print $2}')
  case $soname in libtlsearch.so.[0-9]*) ;; *) fail "bad SONAME '$soname'" ;; esac
else
  [ -f "$libdir/libtlsearch.a" ] || fail "no libtlsearch.a"
fi
version=$(sed -n 's/^#define TLSEARCH_VERSION_STRING "\(.*\)"/\1/p' "$prefix/include/tlsearch/version.h")
"$prefix/bin/tlsearch" --version | grep -q "tlsearch $version" || fail "binary is not version $version"

# `tlsearch serve` hands over to tlsearch-serve, found beside it: on a
# missing index the helper's own message shows it was started.
serve=$("$prefix/bin/tlsearch" --db "$tmp/no-index" serve --port 0 2>&1 || true)
case $serve in *"no index at"*) ;; *) fail "installed tlsearch serve did not start its helper: $serve" ;; esac

query="police footage" lane="Surveillance Infrastructure"

# 1. CMake, find_package.
cmake -S "$source/examples/cpp" -B "$tmp/cmake-build" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
"$tmp/cmake-build/index_and_search" "$source/seeds" "$tmp/db-cmake" "$query" "$lane" \
  >"$tmp/out-cmake" 2>"$tmp/err-cmake" || { cat "$tmp/err-cmake" >&2; fail "CMake-built example failed"; }

# 2. pkg-config, C++ and C. The rpath lets the programs find a shared
# libtlsearch in the temporary prefix.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs tlsearch)
rpath=-Wl,-rpath,$(pkg-config --variable=libdir tlsearch)
# shellcheck disable=SC2086
"$cxx" -std=c++17 "$source/examples/cpp/index_and_search.cpp" -o "$tmp/pc-cpp" $flags "$rpath"
# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Wextra -Werror "$source/examples/c/search.c" -o "$tmp/pc-c" $flags "$rpath"
"$tmp/pc-cpp" "$source/seeds" "$tmp/db-pc" "$query" "$lane" >"$tmp/out-pc" 2>/dev/null ||
  fail "pkg-config-built C++ example failed"
"$tmp/pc-c" "$tmp/db-pc" "$query" "$lane" >"$tmp/out-c" || fail "C example failed"

cat "$tmp/out-cmake"
cmp -s "$tmp/out-cmake" "$tmp/out-pc" || fail "CMake and pkg-config builds differ: $(diff "$tmp/out-cmake" "$tmp/out-pc")"
cmp -s "$tmp/out-cmake" "$tmp/out-c" || fail "C and C++ examples differ: $(diff "$tmp/out-cmake" "$tmp/out-c")"
want=$("$prefix/bin/tlsearch" --db "$tmp/db-pc" "$query" --format ids -n 5 --lane "$lane")
got=$(awk '/^  /{print $1}' "$tmp/out-cmake")
[ -n "$want" ] && [ "$got" = "$want" ] || fail "hits differ from the installed tlsearch: $got / $want"
grep -q '^actors: ' "$tmp/out-cmake" || fail "no facet counts printed"
echo "install_test: ok ($prefix, shared=$shared)"
