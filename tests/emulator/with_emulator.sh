#!/usr/bin/env bash
# Runs a command against a fresh appconfigdata-emulator on a free loopback port, then stops it.
#
#   tests/emulator/with_emulator.sh CONFIG_DIR [emulator options...] -- COMMAND [ARGS...]
#
# The command sees:
#   APPCONFIGDATA_EMULATOR_URL        http://127.0.0.1:PORT
#   APPCONFIGDATA_EMULATOR_PORT       PORT
#   AWS_ENDPOINT_URL_APPCONFIGDATA    the same URL (AWS SDKs and the AWS CLI pick it up)
#   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY   the emulator's default key pair (unless set by --access-key
#                                     in the options, then pass your own), AWS_REGION / AWS_DEFAULT_REGION=us-east-1 if unset
#   AWS_CONFIG_FILE=/dev/null, AWS_SHARED_CREDENTIALS_FILE=/dev/null (no user profile leaks in)
# The exit status is the command's; the emulator gets SIGTERM afterwards (its stderr goes to ours).
# The binary: $APPCONFIGDATA_EMULATOR, else $APPCONFIGDATA_BUILD_ROOT/tools/appconfigdata-emulator,
# else build/tools/appconfigdata-emulator.
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG_DIR [emulator options...] -- COMMAND [ARGS...]" >&2
    exit 2
fi
config_dir=$1; shift
emu_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do emu_args+=("$1"); shift; done
[ "${1:-}" = "--" ] || { echo "$0: missing -- before the command" >&2; exit 2; }
shift

binary=${APPCONFIGDATA_EMULATOR:-${APPCONFIGDATA_BUILD_ROOT:-build}/tools/appconfigdata-emulator}
[ -x "$binary" ] || { echo "$0: emulator not found at $binary (build it, or set APPCONFIGDATA_EMULATOR)" >&2; exit 2; }

fifo_dir=$(mktemp -d)
mkfifo "$fifo_dir/out"
"$binary" --config-dir "$config_dir" --port 0 "${emu_args[@]}" >"$fifo_dir/out" &
emu_pid=$!
cleanup() {
    kill -TERM "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
    rm -rf "$fifo_dir"
}
trap cleanup EXIT
exec 3<"$fifo_dir/out"
if ! read -r -t 10 line <&3 || [[ "$line" != "listening on http://"* ]]; then
    echo "$0: the emulator did not start (first line: '${line:-}')" >&2
    exit 1
fi
# Keep draining its stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &

url=${line#listening on }
export APPCONFIGDATA_EMULATOR_URL=$url
export APPCONFIGDATA_EMULATOR_PORT=${url##*:}
export AWS_ENDPOINT_URL_APPCONFIGDATA=$url
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-AKIDEXAMPLE}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY}
export AWS_REGION=${AWS_REGION:-us-east-1}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-$AWS_REGION}
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

set +e
"$@"
status=$?
set -e
exit $status
