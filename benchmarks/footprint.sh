#!/usr/bin/env bash
# Compile time of one translation unit and size of a stripped program: the single header with the
# session machine instantiated, against a baseline that uses only Boost.JSON and Botan.
# Usage: benchmarks/footprint.sh   (from anywhere; needs g++ or $CXX, Boost.JSON, Botan 2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CXX=${CXX:-g++}
flags=(-std=c++17 -O2 "-I$root/single_include" -I/usr/include/botan-2)
TIMEFORMAT=%U # user CPU seconds of the compiler
measure() { # name source
    local t
    if ! t=$( { time "$CXX" "${flags[@]}" -c "$2" -o "$out/$1.o" 2>"$out/$1.err"; } 2>&1 ); then
        cat "$out/$1.err" >&2
        exit 1
    fi
    "$CXX" "$out/$1.o" -o "$out/$1" -lbotan-2 -lboost_json
    strip "$out/$1"
    printf '%-9s compile %6s s user CPU, stripped program %7s bytes\n' "$1" "$t" "$(stat -c %s "$out/$1")"
}
measure session "$root/benchmarks/footprint/session_tu.cpp"
measure baseline "$root/benchmarks/footprint/baseline_tu.cpp"
