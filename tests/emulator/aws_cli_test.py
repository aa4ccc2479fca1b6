#!/usr/bin/env python3
"""The AWS CLI (botocore: its own SigV4 signer, its own restJson1 parser) as a client of
appconfigdata-emulator: session, first configuration, empty repeat, edited file, early poll refused
with BadRequestException, wrong secret refused, unknown application refused with
ResourceNotFoundException, AWS_ENDPOINT_URL_APPCONFIGDATA instead of --endpoint-url, and the
emulator's log holding no reused token and no early successful poll. Then with AWS_SESSION_TOKEN set
(temporary credentials): refused by the strict default, accepted by --any-session-token and by a pair
configured with --session-token. Skips (exit 77) loudly when `aws` is not installed."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, check_log_invariants, read_log, write_config  # noqa: E402

SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example=="
POLL = 10  # long enough that a slow `aws` start (a loaded CI machine) never makes the early poll late
failures = []
passed = [0]


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what, flush=True)
    if cond:
        passed[0] += 1
    else:
        failures.append(what)


def aws(emu, *args, secret=SECRET_KEY, endpoint_env=False, session_token=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=secret, AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="",
               AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard", AWS_EC2_METADATA_DISABLED="true")
    if session_token:
        env["AWS_SESSION_TOKEN"] = session_token
    cmd = ["aws", "appconfigdata"] + list(args) + ["--region", "us-east-1", "--output", "json"]
    if endpoint_env:
        env["AWS_ENDPOINT_URL_APPCONFIGDATA"] = emu.url
    else:
        cmd += ["--endpoint-url", emu.url]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def start(emu, app="app", env="env", profile="prof", **kw):
    return aws(emu, "start-configuration-session", "--application-identifier", app, "--environment-identifier", env,
               "--configuration-profile-identifier", profile, **kw)


def get(emu, token, out, **kw):
    return aws(emu, "get-latest-configuration", "--configuration-token", token, out, **kw)


def main():
    if shutil.which("aws") is None:
        print("\n*** SKIPPED: the AWS CLI (`aws`) is not installed; install awscli to run this test ***\n")
        return 77
    print(subprocess.run(["aws", "--version"], capture_output=True, text=True).stdout.strip())

    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "cfg")
        write_config(cfg, "app/env/prof.json", '{"feature":"on"}')
        out = os.path.join(tmp, "out.bin")
        log = os.path.join(tmp, "requests.log")
        emu = Emulator(cfg, "--poll-interval", str(POLL), "--log", log)
        try:
            print("emulator:", emu.url)
            rc, so, se = start(emu)
            check(rc == 0, "start-configuration-session succeeds (%s)" % se.strip()[:200])
            token = json.loads(so)["InitialConfigurationToken"] if rc == 0 else "x"
            check(any(c in token for c in "+/="), "the token holds base64 punctuation, which the CLI must encode")

            rc, so, se = get(emu, token, out)
            check(rc == 0, "get-latest-configuration succeeds (%s)" % se.strip()[:200])
            meta = json.loads(so) if rc == 0 else {}
            with open(out) as f:
                check(f.read() == '{"feature":"on"}', "first configuration is the file's content")
            check(meta.get("ContentType") == "application/json", "ContentType application/json")
            check(meta.get("NextPollIntervalInSeconds") == POLL, "NextPollIntervalInSeconds is --poll-interval")
            check(bool(meta.get("VersionLabel")), "a VersionLabel")
            token = meta.get("NextPollConfigurationToken", "x")

            rc, so, se = get(emu, token, out)
            check(rc != 0 and "BadRequestException" in se and "Request too early" in se,
                  "an early poll is refused with BadRequestException 'Request too early' (%s)" % se.strip()[:200])

            time.sleep(POLL + 0.2)
            rc, so, se = get(emu, token, out)
            check(rc == 0 and os.path.getsize(out) == 0, "the repeat poll is empty (unchanged)")
            token = json.loads(so)["NextPollConfigurationToken"] if rc == 0 else "x"

            rc, so, se = get(emu, "AYADeBSdLwJd4UMbH3Wo+HiVcnQAXw==", out)
            check(rc != 0 and "BadRequestException" in se, "a made-up token is refused with BadRequestException")

            write_config(cfg, "app/env/prof.json", '{"feature":"off"}')
            time.sleep(POLL + 0.2)
            rc, so, se = get(emu, token, out, endpoint_env=True)
            check(rc == 0, "AWS_ENDPOINT_URL_APPCONFIGDATA works instead of --endpoint-url (%s)" % se.strip()[:200])
            with open(out) as f:
                check(f.read() == '{"feature":"off"}', "the edited file is served on the next poll")
            check(rc == 0 and json.loads(so).get("VersionLabel") != meta.get("VersionLabel"), "the VersionLabel changed")

            rc, so, se = start(emu, secret="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ")
            check(rc != 0 and "InvalidSignatureException" in se, "a wrong secret is refused with InvalidSignatureException")
            check("EXAMPLEKEZ" not in se and SECRET_KEY not in se, "the refusal does not echo the secret")

            rc, so, se = start(emu, app="no-such-app")
            check(rc != 0 and "ResourceNotFoundException" in se, "an unknown application is refused with ResourceNotFoundException")

            rc, so, se = start(emu, profile="no-such-profile")
            check(rc != 0 and "ResourceNotFoundException" in se, "an unknown profile is refused with ResourceNotFoundException")
        finally:
            code = emu.stop()
        check(code == 0, "the emulator stops cleanly on SIGTERM (exit %s)" % code)
        records = read_log(log)
        check(len(records) == 9, "the log has one JSON line per request (%d lines)" % len(records))
        problems = check_log_invariants(records)
        check(not problems, "log: no token used twice, no successful poll before the interval %s" % problems)
        with open(log) as f:
            text = f.read()
        check(SECRET_KEY not in text and '"feature"' not in text, "log: no secret, no configuration body")

        # Temporary credentials: AWS_SESSION_TOKEN set in the shell.
        tok = {"session_token": SESSION_TOKEN}
        with Emulator(cfg, "--poll-interval", str(POLL)) as strict:
            rc, so, se = start(strict, **tok)
            check(rc != 0 and "UnrecognizedClientException" in se, "with AWS_SESSION_TOKEN the strict default refuses (UnrecognizedClientException)")
        for what, extra in (("--any-session-token", ["--any-session-token"]),
                            ("--session-token for the pair", ["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY, "--session-token", SESSION_TOKEN])):
            with Emulator(cfg, "--poll-interval", str(POLL), *extra) as emu:
                rc, so, se = start(emu, **tok)
                check(rc == 0, "AWS_SESSION_TOKEN, %s: start-configuration-session succeeds (%s)" % (what, se.strip()[:200]))
                token = json.loads(so)["InitialConfigurationToken"] if rc == 0 else "x"
                rc, so, se = get(emu, token, out, **tok)
                with open(out) as f:
                    check(rc == 0 and f.read() == '{"feature":"off"}', "AWS_SESSION_TOKEN, %s: the first poll has the configuration" % what)
                token = json.loads(so)["NextPollConfigurationToken"] if rc == 0 else "x"
                rc, so, se = get(emu, token, out, **tok)
                check(rc != 0 and "Request too early" in se, "AWS_SESSION_TOKEN, %s: an early poll is refused" % what)
                rc, so, se = start(emu, app="no-such-app", **tok)
                check(rc != 0 and "ResourceNotFoundException" in se, "AWS_SESSION_TOKEN, %s: unknown application" % what)
            if extra[0] == "--access-key":
                with Emulator(cfg, *extra) as emu:
                    rc, so, se = start(emu, session_token=SESSION_TOKEN + "x")
                    check(rc != 0 and "UnrecognizedClientException" in se, "another session token than the pair's is refused")
                    check(SESSION_TOKEN not in se, "the refusal does not echo the session token")

    print("\nAWS CLI: %d passed, %d failed" % (passed[0], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
