#!/usr/bin/env bash
# The single header: up to date, compiles alone with -Wall -Wextra -Werror on g++ and clang++, links
# from two translation units, and every public header in include/ compiles on its own.
set -euo pipefail
root=${APPCONFIGDATA_SOURCE_ROOT:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

echo "== amalgamation up to date"
python3 tools/amalgamate --check

flags=(-std=c++17 -Wall -Wextra -Wpedantic -Werror -O0)
libs=($(pkg-config --libs botan-2 2>/dev/null || pkg-config --libs botan-3) -lboost_json)
cflags=($(pkg-config --cflags botan-2 2>/dev/null || pkg-config --cflags botan-3))
compilers=()
for c in g++ clang++; do command -v "$c" >/dev/null && compilers+=("$c"); done
[ ${#compilers[@]} -gt 0 ] || { echo "no C++ compiler found"; exit 1; }

for cxx in "${compilers[@]}"; do
    echo "== $cxx: two translation units including only single_include/appconfigdata/appconfigdata.hpp"
    mkdir -p "$work/$cxx"
    cp single_include/appconfigdata/*.hpp "$work/$cxx/"
    "$cxx" "${flags[@]}" "${cflags[@]}" -I "$work/$cxx" tests/single_include/tu_a.cpp tests/single_include/tu_b.cpp \
        -o "$work/$cxx/odr" "${libs[@]}"
    "$work/$cxx/odr"
    for extra in appconfigdata_curl.hpp appconfigdata_beast.hpp; do
        [ -f "single_include/appconfigdata/$extra" ] || continue
        echo "== $cxx: $extra compiles alone"
        extra_cflags=()
        [ "$extra" = appconfigdata_curl.hpp ] && extra_cflags=($(pkg-config --cflags libcurl))
        printf '#include "%s"\nint main() { return 0; }\n' "$extra" > "$work/$cxx/$extra.cpp"
        "$cxx" "${flags[@]}" "${cflags[@]}" "${extra_cflags[@]}" -I "$work/$cxx" -fsyntax-only "$work/$cxx/$extra.cpp"
    done
done

echo "== every example compiles with only the single headers (g++, include/ not on the path)"
# The examples include <appconfigdata/...>; in this tree each such header only includes the
# generated single header that holds it (the same tree the -Dsingle_header=true build uses).
python3 tools/make_single_shadow.py "$work/only-single"
for ex in examples/*.cpp; do
    extra=()
    case "$ex" in *curl*) extra=($(pkg-config --cflags libcurl)) ;; esac
    inc=(-I "$work/only-single" -I examples)
    if grep -q '^#include <appconfigdata/appconfigdata_' "$ex"; then
        # Written for the single headers: single_include/ alone on the path (plus a stand-in for
        # appconfigdata_botan.hpp while the core single header still holds the Botan backend).
        inc=(-I single_include)
        if [ ! -f single_include/appconfigdata/appconfigdata_botan.hpp ]; then
            mkdir -p "$work/botan-compat/appconfigdata"
            echo '#include <appconfigdata/appconfigdata.hpp>' > "$work/botan-compat/appconfigdata/appconfigdata_botan.hpp"
            inc+=(-I "$work/botan-compat")
        fi
    fi
    g++ "${flags[@]}" "${cflags[@]}" "${extra[@]}" "${inc[@]}" -fsyntax-only "$ex"
    echo "example $ex: OK"
done

echo "== every public header compiles on its own (g++ -fsyntax-only)"
count=0
failed=0
while IFS= read -r h; do
    rel=${h#include/}
    count=$((count + 1))
    extra=()
    case "$rel" in *curl*) extra=($(pkg-config --cflags libcurl)) ;; esac
    if ! printf '#include <%s>\n' "$rel" | g++ "${flags[@]}" "${cflags[@]}" "${extra[@]}" -I include -fsyntax-only -x c++ - ; then
        echo "FAILED: <$rel> does not compile on its own"
        failed=$((failed + 1))
    fi
done < <(find include -name '*.hpp' | sort)
echo "headers compiled alone: $((count - failed))/$count"
[ "$failed" -eq 0 ]
