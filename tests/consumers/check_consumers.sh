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

echo "== pkg-config (one file per dependency)"
export PKG_CONFIG_PATH="$pc_dir"
for pc in appconfigdata appconfigdata-botan appconfigdata-curl appconfigdata-posix appconfigdata-openssl appconfigdata-mbedtls appconfigdata-beast; do
    [ -f "$pc_dir/$pc.pc" ] || { echo "$pc.pc was not installed"; exit 1; }
done
echo "cflags (core): $(pkg-config --cflags appconfigdata)"
echo "libs (core):   $(pkg-config --libs appconfigdata)"
build_pc() { # build_pc PROGRAM PC-MODULE
    g++ -Wall -Wextra -Werror $(pkg-config --cflags "$2") "$root/tests/consumers/$1.cpp" -o "$work/pc-$1" $(pkg-config --libs "$2")
    "$work/pc-$1"
}
build_pc consumer appconfigdata-botan
build_pc consumer_curl appconfigdata-curl
build_pc consumer_posix appconfigdata-posix

if command -v cmake >/dev/null; then
    echo "== CMake find_package(appconfigdata COMPONENTS ...), one target per dependency"
    cmake -S "$root/tests/consumers/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "$work/cmake-build" >/dev/null
    for p in consumer consumer_curl consumer_posix; do "$work/cmake-build/$p"; done
    echo "== CMake: a component whose dependency is missing fails find_package, saying which"
    mkdir -p "$work/cmake-missing"
    cat > "$work/cmake-missing/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(missing CXX)
find_package(appconfigdata REQUIRED COMPONENTS no_such_dependency)
CM
    if cmake -S "$work/cmake-missing" -B "$work/cmake-missing/b" -DCMAKE_PREFIX_PATH="$prefix" >"$work/missing.log" 2>&1; then
        echo "find_package accepted an unknown component"; exit 1
    fi
    grep -q "no_such_dependency" "$work/missing.log" || { cat "$work/missing.log"; exit 1; }
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
