#!/usr/bin/env bash
# The demo: the appconfigdata CLI against the local emulator, no AWS account needed.
# Starts appconfigdata-emulator on a free loopback port, fetches a configuration with `get`,
# then `watch`es it while the file is edited, so a configuration change shows up.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="$root/$build/tools/appconfigdata"
emulator="$root/$build/tools/appconfigdata-emulator"
[ -x "$emulator" ] || emulator="$build/tools/appconfigdata-emulator"
[ -x "$cli" ] || cli="$build/tools/appconfigdata"
work=$(mktemp -d)
emu_pid=
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/config/demo-app/production"
cat > "$work/config/demo-app/production/feature-flags.json" <<'JSON'
{"dark_mode": {"enabled": false}, "checkout_v2": {"enabled": true, "rollout_percent": 10}}
JSON
"$emulator" --config-dir "$work/config" --poll-interval 2 --log "$work/requests.jsonl" > "$work/emulator.out" 2> "$work/emulator.err" &
emu_pid=$!
for _ in $(seq 50); do grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/emulator.out" | head -n1)
[ -n "$url" ] || { echo "demo: the emulator did not start"; cat "$work/emulator.err"; exit 1; }
echo "== appconfigdata-emulator listening on $url (key AKIDEXAMPLE, poll interval 2 s)"

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
ids=(--application demo-app --environment production --configuration-profile feature-flags --endpoint-url "$url")

echo "== appconfigdata get ${ids[*]}"
"$cli" get "${ids[@]}"
echo "== appconfigdata get ... --flag checkout_v2"
"$cli" get "${ids[@]}" --flag checkout_v2

echo "== appconfigdata watch ... --json --max-polls 4   (the file is edited after ~3 s)"
( sleep 3; echo '{"dark_mode": {"enabled": true}, "checkout_v2": {"enabled": true, "rollout_percent": 50}}' \
    > "$work/config/demo-app/production/feature-flags.json"; echo "   (edited feature-flags.json: dark_mode on, rollout 50 %)" >&2 ) &
"$cli" watch "${ids[@]}" --json --max-polls 4 | tee "$work/watch.out"
changes=$(grep -c '"event":"changed"' "$work/watch.out" || true)
echo "== $changes configuration versions seen; requests served by the emulator: $(wc -l < "$work/requests.jsonl")"
[ "$changes" -ge 2 ] || { echo "demo: expected to see the configuration change"; exit 1; }
echo "== demo OK: the configuration change arrived through a signed, single-use-token session"
