#!/usr/bin/env bash
# Compile time of one translation unit and size of a stripped program, per crypto backend: the core
# single header plus one backend header, with the session machine instantiated
# (footprint/session_tu.cpp); the core header alone (compile only); and a baseline that uses only
# Boost.JSON and Botan (footprint/baseline_tu.cpp). Backends whose library is missing are skipped.
# Usage: benchmarks/footprint.sh   (from anywhere; g++ or $CXX; the crypto libraries shared)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CXX=${CXX:-g++}
flags=(-std=c++17 -O2 "-I$root/single_include")
TIMEFORMAT=%U # user CPU seconds of the compiler
measure() { # name source link-flags [compile flags...]
    local name=$1 src=$2 libs=$3 t
    shift 3
    if ! t=$( { time "$CXX" "${flags[@]}" "$@" -c "$src" -o "$out/$name.o" 2>"$out/$name.err"; } 2>&1 ); then
        echo "$name: does not compile here (skipped): $(head -c 300 "$out/$name.err")"
        return 0
    fi
    # shellcheck disable=SC2086
    "$CXX" "$out/$name.o" -o "$out/$name" $libs -lboost_json
    strip "$out/$name"
    printf '%-16s compile %6s s user CPU, stripped program %7s bytes\n' "$name" "$t" "$(stat -c %s "$out/$name")"
}
printf '#include <appconfigdata/appconfigdata.hpp>\nint main() { return 0; }\n' > "$out/core.cpp"
t=$( { time "$CXX" "${flags[@]}" -fsyntax-only "$out/core.cpp"; } 2>&1 )
printf '%-16s compile %6s s user CPU (the core header alone, -fsyntax-only)\n' "core header" "$t"
botan_cflags=$(pkg-config --cflags botan-2 2>/dev/null || pkg-config --cflags botan-3)
botan_libs=$(pkg-config --libs botan-2 2>/dev/null || pkg-config --libs botan-3)
session=$root/benchmarks/footprint/session_tu.cpp
# shellcheck disable=SC2086
measure session-botan "$session" "$botan_libs" $botan_cflags
measure session-openssl "$session" "-lcrypto" '-DFOOTPRINT_BACKEND_HEADER=<appconfigdata/appconfigdata_openssl.hpp>' -DFOOTPRINT_BACKEND=adapters::openssl_crypto
measure session-mbedtls "$session" "-lmbedcrypto" '-DFOOTPRINT_BACKEND_HEADER=<appconfigdata/appconfigdata_mbedtls.hpp>' -DFOOTPRINT_BACKEND=adapters::mbedtls_crypto
# shellcheck disable=SC2086
measure baseline-botan "$root/benchmarks/footprint/baseline_tu.cpp" "$botan_libs" $botan_cflags
