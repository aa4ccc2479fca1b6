#!/usr/bin/env bash
# The ways to consume the library, each building and running a program:
# pkg-config and CMake after `meson install` into a fresh prefix, and a meson subproject.
# (The single header is checked by tests/single_include/check_single_header.sh.)
set -euo pipefail
root=${APPCONFIGDATA_SOURCE_ROOT:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

echo "== meson install into a fresh prefix"
meson setup "$work/install-build" "$root" --prefix "$prefix" -Dtests=false -Dtools=false -Dexamples=false -Dbenchmarks=false >/dev/null
meson install -C "$work/install-build" >/dev/null
pc_dir=$(dirname "$(find "$prefix" -name appconfigdata.pc | head -n1)")
[ -f "$pc_dir/appconfigdata.pc" ] || { echo "appconfigdata.pc was not installed"; exit 1; }

echo "== pkg-config"
export PKG_CONFIG_PATH="$pc_dir"
echo "cflags: $(pkg-config --cflags appconfigdata)"
echo "libs:   $(pkg-config --libs appconfigdata)"
g++ -Wall -Wextra -Werror $(pkg-config --cflags appconfigdata) "$root/tests/consumers/consumer.cpp" -o "$work/pc-consumer" $(pkg-config --libs appconfigdata)
"$work/pc-consumer"

if command -v cmake >/dev/null; then
    echo "== CMake find_package(appconfigdata)"
    cmake -S "$root/tests/consumers/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "$work/cmake-build" >/dev/null
    "$work/cmake-build/consumer"
else
    echo "*** SKIPPED: CMake consumer (cmake not installed) ***"
fi

echo "== meson subproject"
mkdir -p "$work/sub/subprojects"
cp "$root/tests/consumers/consumer.cpp" "$work/"
cp "$root/tests/consumers/subproject/meson.build" "$work/sub/"
ln -s "$root" "$work/sub/subprojects/appconfigdata"
meson setup "$work/sub-build" "$work/sub" >/dev/null
ninja -C "$work/sub-build" >/dev/null
"$work/sub-build/consumer"
echo "consumers: pkg-config, cmake, subproject OK"
