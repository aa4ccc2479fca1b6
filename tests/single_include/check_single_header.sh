#!/usr/bin/env bash
# The generated single headers: up to date; the core header compiles alone with -Wall -Wextra -Werror,
# with and without exceptions and RTTI, on g++ and clang++, without any crypto library on the include
# path, and links from two translation units; every dependency header compiles alone on top of it;
# every example compiles with nothing but single_include/ (plus its dependency's flags) on the include
# path; and every public header in include/ compiles on its own.
set -euo pipefail
root=${APPCONFIGDATA_SOURCE_ROOT:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

echo "== amalgamation up to date"
python3 tools/amalgamate --check

flags=(-std=c++17 -Wall -Wextra -Wpedantic -Werror -O0)
botan_cflags=($(pkg-config --cflags botan-2 2>/dev/null || pkg-config --cflags botan-3))
botan_libs=($(pkg-config --libs botan-2 2>/dev/null || pkg-config --libs botan-3))
have_header() { printf '#include <%s>\n' "$1" | g++ -std=c++17 "${@:2}" -fsyntax-only -x c++ - >/dev/null 2>&1; }

# dep_flags DEP: the compile flags the dependency header needs; exit 1 when the dependency is missing here.
dep_flags() {
    case "$1" in
        botan) echo "${botan_cflags[*]}" ;;
        openssl) have_header openssl/evp.h || return 1; echo "" ;;
        mbedtls) have_header mbedtls/md.h || return 1; echo "" ;;
        curl) have_header curl/curl.h $(pkg-config --cflags libcurl) || return 1; pkg-config --cflags libcurl ;;
        beast) have_header boost/beast.hpp || return 1; echo "" ;;
        posix) echo "" ;;
        windows) return 1 ;; # cross-compiled and run under Wine by `tools/run test-windows`
        *) return 1 ;;
    esac
}

compilers=()
for c in g++ clang++; do command -v "$c" >/dev/null && compilers+=("$c"); done
[ ${#compilers[@]} -gt 0 ] || { echo "no C++ compiler found"; exit 1; }

skipped=()
for cxx in "${compilers[@]}"; do
    mkdir -p "$work/$cxx/appconfigdata"
    cp single_include/appconfigdata/*.hpp "$work/$cxx/appconfigdata/"
    echo "== $cxx: the core header alone, -fno-exceptions -fno-rtti, no crypto library on the include path"
    printf '#include <appconfigdata/appconfigdata.hpp>\nint main() { return appconfigdata::version_string[0] == 0; }\n' > "$work/$cxx/core.cpp"
    "$cxx" "${flags[@]}" -fno-exceptions -fno-rtti -I "$work/$cxx" -fsyntax-only "$work/$cxx/core.cpp"
    echo "== $cxx: two translation units (core + Botan), linked"
    "$cxx" "${flags[@]}" "${botan_cflags[@]}" -I "$work/$cxx" tests/single_include/tu_a.cpp tests/single_include/tu_b.cpp \
        -o "$work/$cxx/odr" "${botan_libs[@]}" -lboost_json
    "$work/$cxx/odr"
    for h in single_include/appconfigdata/appconfigdata_*.hpp; do
        name=${h##*/}; dep=${name#appconfigdata_}; dep=${dep%.hpp}
        if ! extra=$(dep_flags "$dep"); then
            skipped+=("$cxx $name")
            continue
        fi
        echo "== $cxx: $name compiles alone on top of the core"
        printf '#include <appconfigdata/%s>\nint main() { return 0; }\n' "$name" > "$work/$cxx/$dep.cpp"
        # shellcheck disable=SC2086
        "$cxx" "${flags[@]}" $extra -I "$work/$cxx" -fsyntax-only "$work/$cxx/$dep.cpp"
    done
    if dep_flags openssl >/dev/null && dep_flags mbedtls >/dev/null; then
        echo "== $cxx: the OpenSSL and mbedTLS headers together in one translation unit (nothing defined twice)"
        printf '#include <appconfigdata/appconfigdata_openssl.hpp>\n#include <appconfigdata/appconfigdata_mbedtls.hpp>\nint main() { return 0; }\n' > "$work/$cxx/both.cpp"
        "$cxx" "${flags[@]}" -fno-exceptions -fno-rtti -I "$work/$cxx" -fsyntax-only "$work/$cxx/both.cpp"
    fi
done

echo "== strict warnings for code that includes the headers (tests/single_include/warnings_tu.cpp)"
# clang -Weverything minus, each for a reason:
#   -Wc++98-compat, -Wc++98-compat-pedantic  the library is C++17
#   -Wpadded                   layout notes, not defects
#   -Wweak-vtables             a header-only library has no .cpp to anchor a vtable in
#   -Wexit-time-destructors    the error categories are function-local statics (std::error_category's rule)
#   -Wswitch-enum              switches over errc handle the rest with `default:` on purpose
#   -Wdisabled-macro-expansion libcurl's curl_easy_setopt is a type-checking macro that expands itself
clang_quiet=(-Wno-c++98-compat -Wno-c++98-compat-pedantic -Wno-padded -Wno-weak-vtables -Wno-exit-time-destructors
             -Wno-switch-enum -Wno-disabled-macro-expansion)
strict_deps=(-isystem /usr/include/botan-2 $(pkg-config --cflags libcurl))
g++ -std=c++17 -Werror -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -I single_include "${strict_deps[@]}" \
    -fsyntax-only tests/single_include/warnings_tu.cpp
echo "g++ -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion: clean"
if command -v clang++ >/dev/null; then
    clang++ -std=c++17 -Werror -Weverything "${clang_quiet[@]}" -I single_include "${strict_deps[@]}" -fsyntax-only tests/single_include/warnings_tu.cpp
    echo "clang++ -Weverything ${clang_quiet[*]}: clean"
fi

echo "== every example compiles with only single_include/ on the include path (g++)"
for ex in examples/*.cpp; do
    extra=()
    for dep in $(grep -o 'appconfigdata/appconfigdata_[a-z]*\.hpp' "$ex" | sed 's|.*appconfigdata_||; s|\.hpp||' | sort -u); do
        if ! more=$(dep_flags "$dep"); then skipped+=("example $ex (needs $dep)"); continue 2; fi
        # shellcheck disable=SC2206
        extra+=($more)
    done
    if grep -q '#include <appconfigdata/[a-z_]*/' "$ex" "$(dirname "$ex")"/*.hpp 2>/dev/null; then
        echo "FAILED: $ex (or a header beside it) includes an include/-tree path; examples use the single-header names"
        grep -n '#include <appconfigdata/[a-z_]*/' "$ex" "$(dirname "$ex")"/*.hpp || true
        exit 1
    fi
    g++ "${flags[@]}" "${extra[@]}" -I single_include -I examples -fsyntax-only "$ex"
    echo "example $ex: OK"
done

echo "== every public header compiles on its own (g++ -fsyntax-only; the Windows ones with MinGW-w64)"
count=0
failed=0
windows_headers=() # need <windows.h>: compiled with MinGW-w64 below when it is installed
while IFS= read -r h; do
    rel=${h#include/}
    extra=""
    case "$rel" in
        *windows*) windows_headers+=("$rel"); continue ;;
        *botan*) extra=$(dep_flags botan) ;;
        *openssl*) extra=$(dep_flags openssl) || { skipped+=("<$rel>"); continue; } ;;
        *mbedtls*) extra=$(dep_flags mbedtls) || { skipped+=("<$rel>"); continue; } ;;
        *curl*) extra=$(dep_flags curl) || { skipped+=("<$rel>"); continue; } ;;
    esac
    count=$((count + 1))
    # shellcheck disable=SC2086
    if ! printf '#include <%s>\n' "$rel" | g++ "${flags[@]}" $extra -I include -fsyntax-only -x c++ - ; then
        echo "FAILED: <$rel> does not compile on its own"
        failed=$((failed + 1))
    fi
done < <(find include -name '*.hpp' | sort)
mingw=x86_64-w64-mingw32-g++-posix
if command -v "$mingw" >/dev/null; then
    # Boost's headers without /usr/include on the path (glibc's headers would win over MinGW's).
    mkdir -p "$work/mingw-inc" && ln -s /usr/include/boost "$work/mingw-inc/boost"
    for rel in "${windows_headers[@]}"; do
        count=$((count + 1))
        if ! printf '#include <%s>\n' "$rel" | "$mingw" "${flags[@]}" -Wshadow -Wconversion -fno-exceptions -fno-rtti -I include \
                -isystem "$work/mingw-inc" -fsyntax-only -x c++ - ; then
            echo "FAILED: <$rel> does not compile on its own (MinGW-w64)"
            failed=$((failed + 1))
        fi
    done
    echo "== $mingw: appconfigdata_windows.hpp compiles alone on top of the core, without exceptions and RTTI"
    printf '#include <appconfigdata/appconfigdata_windows.hpp>\nint main() { return 0; }\n' >"$work/windows.cpp"
    "$mingw" "${flags[@]}" -fno-exceptions -fno-rtti -I single_include -isystem "$work/mingw-inc" -fsyntax-only "$work/windows.cpp" || failed=$((failed + 1))
else
    skipped+=("${#windows_headers[@]} Windows headers (no $mingw; tools/run test-windows installs it)")
fi
echo "headers compiled alone: $((count - failed))/$count"
for s in "${skipped[@]}"; do echo "*** SKIPPED here: $s ***"; done
[ "$failed" -eq 0 ]
