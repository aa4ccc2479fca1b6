#!/bin/sh
# Secret hygiene of the CLI: runs `appconfigdata sign` and failing `get`s with recognisable secrets
# and checks that no secret key, session token or configuration body reaches stdout or stderr
# (a configuration body only on `get` stdout, where the user asked for it).
# Usage: cli_hygiene.sh path/to/appconfigdata
set -u
cli=$1
SK=SECRETKEY-DO-NOT-LEAK-1234
ST=SESSIONTOKEN-DO-NOT-LEAK-5678
BODY=CONFIGBODY-DO-NOT-LEAK-9999
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
checks=0

# check NAME FILE PATTERN...: none of the patterns may appear in FILE.
check() {
    [ -n "${HYGIENE_VERBOSE:-}" ] && { echo "--- $1"; cat "$2"; }
    name=$1 file=$2
    shift 2
    for p in "$@"; do
        checks=$((checks + 1))
        if grep -q -- "$p" "$file"; then
            echo "LEAK: $name: '$p' appears in its output:"
            sed 's/^/    /' "$file"
            failures=$((failures + 1))
        fi
    done
}

# A clean environment: no real AWS settings, no IMDS, files in the scratch directory.
run() {
    env -i PATH="$PATH" HOME="$work/home" AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials" \
        AWS_EC2_METADATA_DISABLED=true "$@"
}
mkdir -p "$work/home"
: > "$work/config"
: > "$work/credentials"

# sign: text output, bad inputs, JSON and presigned output.
common="--method GET --url https://appconfigdata.us-east-1.amazonaws.com/configuration?configuration_token=abc --service appconfig --time 20261126T061314Z --access-key AKIDEXAMPLE --secret-key $SK"
run "$cli" sign $common --region us-east-1 --session-token "$ST" > "$work/out" 2>&1
check "sign" "$work/out" "$SK" "$ST"
run "$cli" sign $common --region us-east-1 > "$work/out" 2>&1
check "sign without token" "$work/out" "$SK"
run "$cli" sign $common --region "bad region" --session-token "$ST" > "$work/out" 2>&1
check "sign with a bad region" "$work/out" "$SK" "$ST"
run "$cli" sign $common --region us-east-1 --header "Bad Name: $ST" > "$work/out" 2>&1
check "sign with a bad header" "$work/out" "$SK"
run "$cli" sign $common --region us-east-1 --session-token "$(printf '%s\001' "$ST")" > "$work/out" 2>&1
check "sign with a control byte in the token" "$work/out" "$SK" "$ST"
run "$cli" sign $common --region us-east-1 --time "$SK" --session-token "$ST" > "$work/out" 2>&1
check "sign with a bad time" "$work/out" "$ST"
run "$cli" sign $common --region us-east-1 --session-token "$ST" --json > "$work/out" 2>&1
check "sign --json" "$work/out" "$SK"
run "$cli" sign $common --region us-east-1 --session-token "$ST" --presign > "$work/out" 2>&1
check "sign --presign" "$work/out" "$SK"
run "$cli" sign --secret-key "$SK" --session-token "$ST" > "$work/out" 2>&1
check "sign with missing options" "$work/out" "$SK" "$ST"

# get: credentials from the environment, an endpoint that refuses connections.
ids="--application app --environment env --configuration-profile prof --region us-east-1"
run AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY="$SK" AWS_SESSION_TOKEN="$ST" \
    "$cli" get $ids --endpoint-url http://127.0.0.1:9 > "$work/out" 2>&1
check "get, endpoint unreachable" "$work/out" "$SK" "$ST"

# get: static keys in a profile file with a syntax error on the secret's line.
printf '[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key %s\n' "$SK" > "$work/credentials"
run "$cli" get $ids --endpoint-url http://127.0.0.1:9 > "$work/out" 2>&1
check "get, broken credentials file" "$work/out" "$SK"

# get: a profile with only a secret key and token (no key id).
printf '[default]\naws_secret_access_key = %s\naws_session_token = %s\n' "$SK" "$ST" > "$work/credentials"
run "$cli" get $ids --endpoint-url http://127.0.0.1:9 > "$work/out" 2>&1
check "get, incomplete static keys" "$work/out" "$SK" "$ST"

# get: credential_process printing secrets in a broken document (and to stderr), then failing.
cat > "$work/creds.sh" <<EOS
#!/bin/sh
echo "$SK $ST" >&2
printf '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "$SK", "SessionToken": "$ST"'
exit 1
EOS
chmod +x "$work/creds.sh"
: > "$work/credentials"
printf '[default]\ncredential_process = %s --secret %s\n' "$work/creds.sh" "$SK" > "$work/config"
run "$cli" get $ids --endpoint-url http://127.0.0.1:9 > "$work/out" 2>&1
check "get, failing credential_process" "$work/out" "$SK" "$ST"
sed -i 's/^exit 1$/exit 0/' "$work/creds.sh"
run "$cli" get $ids --endpoint-url http://127.0.0.1:9 > "$work/out" 2>&1
check "get, malformed credential_process output" "$work/out" "$SK" "$ST"

# get: a corrupt cache file holding a configuration body is reported, not printed.
printf 'appconfigdata-backup 1\napplication: app\n\n%s\n' "$BODY" > "$work/cache"
run AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY="$SK" AWS_SESSION_TOKEN="$ST" \
    "$cli" get $ids --endpoint-url http://127.0.0.1:9 --cache-file "$work/cache" > "$work/out" 2>&1
check "get, corrupt cache" "$work/out" "$SK" "$ST" "$BODY"

# get against the emulator (when built beside the CLI): the body on stdout only where it was asked for.
emulator="$(dirname "$cli")/appconfigdata-emulator"
if [ -x "$emulator" ]; then
    mkdir -p "$work/configs/app/env"
    printf '{"value": "%s"}' "$BODY" > "$work/configs/app/env/prof.json"
    "$emulator" --config-dir "$work/configs" --access-key AKIDEXAMPLE --secret-key "$SK" --poll-interval 1 > "$work/emulator.out" 2>&1 &
    emulator_pid=$!
    url=""
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        url=$(sed -n 's/^listening on //p' "$work/emulator.out")
        [ -n "$url" ] && break
        sleep 0.25
    done
    if [ -n "$url" ]; then
        : > "$work/config"
        run AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY="$SK" "$cli" get $ids --endpoint-url "$url" > "$work/out" 2> "$work/err"
        checks=$((checks + 1))
        if ! grep -q -- "$BODY" "$work/out"; then
            echo "FAIL: get did not print the configuration on stdout"
            failures=$((failures + 1))
        fi
        check "get stdout (the body is expected there, no secret)" "$work/out" "$SK"
        check "get stderr" "$work/err" "$SK" "$BODY"
        run AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY="WRONG-$SK" AWS_SESSION_TOKEN="$ST" \
            "$cli" get $ids --endpoint-url "$url" > "$work/out" 2>&1
        check "get with rejected credentials" "$work/out" "$SK" "$ST" "$BODY"
        run AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY="$SK" \
            "$cli" get --application app --environment env --configuration-profile missing --region us-east-1 --endpoint-url "$url" > "$work/out" 2>&1
        check "get of a missing profile" "$work/out" "$SK" "$BODY"
    else
        echo "SKIPPED: the emulator did not start"
    fi
    kill "$emulator_pid" 2> /dev/null
    wait "$emulator_pid" 2> /dev/null
else
    echo "SKIPPED: no emulator beside the CLI; get success paths not checked"
fi

echo "cli hygiene: $checks checks, $failures leaks"
[ "$failures" -eq 0 ]
