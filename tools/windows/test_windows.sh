#!/usr/bin/env bash
# tools/run test-windows: cross-compiles the core, the Windows adapters (adapters/windows.hpp), the unit
# tests and the SigV4 conformance tests with MinGW-w64 and runs them under Wine, with the CNG backend as
# test_crypto (-DAPPCONFIGDATA_TEST_CRYPTO_CNG). Prints each executable's Catch2 summary and one total
# line "windows: N passed, F failed"; exits non-zero on any failure.
#
# Environment: BUILD_DIR (default build; this uses BUILD_DIR-windows), WINDOWS_BUILD_DIR (overrides it),
# WINDOWS_JOBS (compile jobs, default 2), APPCONFIGDATA_CONFORMANCE_DIR (default ../shared/conformance),
# WINEPREFIX (default <windows build dir>/wineprefix, made on first use).
#
# The objects are kept in the build directory and rebuilt by ninja only when a source or a header they
# include changed (gcc depfiles), so a second run compiles nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${WINDOWS_BUILD_DIR:-$root/${BUILD_DIR:-build}-windows}
case "$out" in /*) ;; *) out=$root/$out ;; esac
jobs=${WINDOWS_JOBS:-2}
cxx=x86_64-w64-mingw32-g++-posix

log() { printf '\n==> %s\n' "$*"; }

# --- packages --------------------------------------------------------------------------------------
install_missing() {
    local p missing=()
    for p in g++-mingw-w64-x86-64-posix wine64 ninja-build libboost1.81-dev libboost-json1.81-dev catch2; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing missing Debian packages: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "test-windows: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
install_missing

wine=$(command -v wine64 || true)
[ -n "$wine" ] || { [ -x /usr/lib/wine/wine64 ] && wine=/usr/lib/wine/wine64; }
[ -n "$wine" ] || wine=$(command -v wine || true)
[ -n "$wine" ] || { echo "test-windows: no wine64 found after installing wine64" >&2; exit 1; }
wineserver=$(command -v wineserver || true)
[ -n "$wineserver" ] || { [ -x /usr/lib/wine/wineserver64 ] && wineserver=/usr/lib/wine/wineserver64; }
command -v "$cxx" >/dev/null || { echo "test-windows: $cxx not found" >&2; exit 1; }

# --- what is built ---------------------------------------------------------------------------------
# name|sources (relative to the repository)|extra compile flags
targets=(
    "foundation-tests|tests/unit/http_test.cpp tests/unit/basics_test.cpp tests/unit/scan_test.cpp|"
    "feature_flags-tests|tests/unit/feature_flags/feature_flags_test.cpp|"
    "protocol-tests|tests/unit/protocol/protocol_test.cpp tests/unit/protocol/service_error_test.cpp|"
    "retry-tests|tests/unit/retry/classify_test.cpp tests/unit/retry/strategy_test.cpp tests/unit/retry/clock_skew_test.cpp|"
    "latest_holder-tests|tests/unit/latest_holder/latest_holder_test.cpp|"
    "endpoint-tests|tests/unit/endpoint/endpoint_test.cpp|"
    "sigv4-tests|tests/unit/sigv4/sigv4_test.cpp tests/unit/sigv4/sigv4_fastpath_test.cpp tests/unit/sigv4/alloc_counter.cpp|"
    "session-tests|tests/unit/session/session_test.cpp|"
    "session-alloc-tests|tests/unit/session/session_alloc_test.cpp|"
    "scheduler-tests|tests/unit/scheduler/scheduler_test.cpp tests/unit/scheduler/scheduler_sessions_test.cpp|-I\$root/examples"
    "driver-tests|tests/unit/driver/driver_test.cpp|"
    "credentials-profile-tests|tests/unit/credentials_profile/profile_test.cpp tests/unit/credentials_profile/providers_test.cpp tests/unit/credentials_profile/profile_chain_test.cpp|"
    "credentials-remote-tests|tests/unit/credentials_remote/container_imds_test.cpp tests/unit/credentials_remote/sts_sso_test.cpp tests/unit/credentials_remote/chain_test.cpp|"
    "sigv4-conformance-tests|tests/conformance/sigv4/sigv4_conformance_test.cpp|"
    "windows-adapters-tests|tests/windows/windows_adapters_test.cpp|-Wshadow -Wconversion"
)
# Left out, and why (each needs something Windows does not have, or is covered on Windows otherwise):
excluded=(
    "tests/unit/credentials_profile/adapters_test.cpp: tests the POSIX file/process/environment adapters (/tmp, setenv, sh); tests/windows covers the Windows ones"
    "tests/unit/credentials_profile/json_src.cpp: Boost.JSON's src.hpp, compiled once for every executable here instead"
    "tests/unit/backup/backup_test.cpp, last_known_good_test.cpp: the POSIX file_backup_store in mkdtemp directories; tests/windows covers the Windows store and its format"
    "tests/unit/sigv4/sigv4_botocore_test.cpp: runs python3 botocore through files under /tmp"
    "tests/unit/curl: libcurl and a POSIX socket server"
)

mkdir -p "$out/sysinc" "$out/obj" "$out/bin" "$out/logs"
# Boost.JSON and Catch2 from the Debian packages, without /usr/include on the path (glibc headers would win).
ln -sfn /usr/include/boost "$out/sysinc/boost"
ln -sfn /usr/include/catch2 "$out/sysinc/catch2"
[ -f "$out/json_src.cpp" ] || printf '// Boost.JSON, header-only: its implementation once per executable.\n#include <boost/json/src.hpp>\n' >"$out/json_src.cpp"

flags="-std=c++17 -O1 -Wall -Wextra -Wpedantic -Werror -DAPPCONFIGDATA_TEST_CRYPTO_CNG -I$root/include -I$root/tests/support -isystem $out/sysinc"
ldflags="-static -static-libgcc -static-libstdc++"

obj_of() { local s=$1; s=${s#"$root"/}; s=${s//\//_}; printf '%s' "$out/obj/${s%.cpp}.o"; }
{
    echo "# generated by tools/windows/test_windows.sh"
    echo "cxx = $cxx"
    echo "flags = $flags"
    echo "rule cxx"
    echo "  command = \$cxx \$flags \$extra -MD -MF \$out.d -c \$in -o \$out"
    echo "  depfile = \$out.d"
    echo "  deps = gcc"
    echo "  description = CXX \$in"
    echo "rule link"
    echo "  command = \$cxx \$in -o \$out $ldflags \$libs"
    echo "  description = LINK \$out"
    echo "build $(obj_of "$root/tests/main.cpp"): cxx $root/tests/main.cpp"
    echo "build $out/obj/json_src.o: cxx $out/json_src.cpp"
    echo "build $(obj_of "$root/tests/windows/child_process.cpp"): cxx $root/tests/windows/child_process.cpp"
    echo "  flags = -std=c++17 -O1 -Wall -Wextra -Werror"
    echo "build $out/bin/child_process.exe: link $(obj_of "$root/tests/windows/child_process.cpp")"
    for t in "${targets[@]}"; do
        IFS='|' read -r name sources extra <<<"$t"
        extra=${extra//\$root/$root}
        objs=()
        for s in $sources; do
            o=$(obj_of "$root/$s")
            objs+=("$o")
            echo "build $o: cxx $root/$s"
            [ -n "$extra" ] && echo "  extra = $extra"
        done
        echo "build $out/bin/$name.exe: link ${objs[*]} $(obj_of "$root/tests/main.cpp") $out/obj/json_src.o"
        echo "  libs = -lbcrypt"
    done
} >"$out/build.ninja.new"
if ! cmp -s "$out/build.ninja.new" "$out/build.ninja" 2>/dev/null; then mv "$out/build.ninja.new" "$out/build.ninja"; else rm "$out/build.ninja.new"; fi

log "cross-compiling with $cxx (-O1, $jobs jobs) into $out"
printf 'not built for Windows:\n'; printf '  %s\n' "${excluded[@]}"
start=$SECONDS
ninja -C "$out" -j "$jobs"
echo "built in $((SECONDS - start)) s"

# --- run under Wine --------------------------------------------------------------------------------
export WINEPREFIX=${WINEPREFIX:-$out/wineprefix}
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono / Gecko installer prompts
export WINEARCH=win64
unset DISPLAY # headless: no window, no X connection attempts
conf=${APPCONFIGDATA_CONFORMANCE_DIR:-$root/../shared/conformance}
if [ -d "$conf" ]; then conf=$(cd "$conf" && pwd); fi
# Wine shows the Unix root as drive Z:.
export APPCONFIGDATA_CONFORMANCE_DIR="Z:${conf//\//\\}"
if [ ! -d "$WINEPREFIX/drive_c" ]; then
    log "making the Wine prefix $WINEPREFIX (first run only)"
    "$wine" wineboot --init >/dev/null 2>&1 || true
fi
# One wineserver for all the runs (each run would otherwise start and stop its own).
[ -n "$wineserver" ] && "$wineserver" -p 30 >/dev/null 2>&1 || true

log "running under Wine ($("$wine" --version 2>/dev/null || echo wine)), conformance data at $APPCONFIGDATA_CONFORMANCE_DIR"
passed=0 failed=0 skipped=0 assertions=0 bad=()
for t in "${targets[@]}"; do
    name=${t%%|*}
    logf=$out/logs/$name.log
    rc=0
    (cd "$out/bin" && timeout 600 "$wine" "./$name.exe" >"$logf" 2>&1) || rc=$?
    tr -d '\r' <"$logf" >"$logf.txt" && mv "$logf.txt" "$logf"
    ok_line=$(grep -E '^All tests passed \(' "$logf" | tail -n1 || true)
    if [ $rc -eq 0 ] && [ -n "$ok_line" ]; then
        cases=$(sed -E 's/.* in ([0-9]+) test cases?\)/\1/' <<<"$ok_line")
        asserts=$(sed -E 's/^All tests passed \(([0-9]+) assertions?.*/\1/' <<<"$ok_line")
        passed=$((passed + cases)); assertions=$((assertions + asserts))
        if grep -q '\*\*\* SKIPPED' "$logf"; then
            skipped=$((skipped + 1))
            printf '%-28s %s  [SKIPPED parts: %s]\n' "$name" "$ok_line" "$(grep -m1 '\*\*\* SKIPPED' "$logf" | sed 's/\*//g')"
        else
            printf '%-28s %s\n' "$name" "$ok_line"
        fi
    else
        bad+=("$name")
        summary_line=$(grep -E '^test cases:' "$logf" | tail -n1 || true)
        if [ -n "$summary_line" ]; then
            f=$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary_line")
            p=$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary_line")
            [[ $p =~ ^[0-9]+$ ]] && passed=$((passed + p))
            [[ $f =~ ^[0-9]+$ ]] && failed=$((failed + f)) || failed=$((failed + 1))
        else
            failed=$((failed + 1))
        fi
        printf '%-28s FAILED (exit %s): %s\n' "$name" "$rc" "${summary_line:-no Catch2 summary}"
        echo "---- last lines of $logf"
        tail -n 40 "$logf"
        echo "----"
    fi
done
[ -n "$wineserver" ] && "$wineserver" -k >/dev/null 2>&1 || true

echo
echo "windows: $passed passed, $failed failed ($((${#targets[@]})) executables, $assertions assertions in the passing ones, $skipped with skipped parts)"
[ ${#bad[@]} -eq 0 ] || { echo "windows: failing executables: ${bad[*]} (logs in $out/logs)"; exit 1; }
