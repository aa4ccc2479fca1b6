#!/usr/bin/env python3
"""Fleet manners of `appconfigdata get` / `watch` against appconfigdata-emulator with deterministic faults:

1. every 3rd request throttled and every 5th a 500 (no expiry): `watch --max-polls 12` starts exactly one
   session, prints no session_restarted, every poll's token was answered with success at most once, no
   request was refused as early, and the cost meter (billable_requests) counts the answered requests;
2. every 2nd request throttled: `get` prints the configuration within 10 s and starts one session;
3. tokens that expire before the next poll: `session_restarted` says token_expired.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["APPCONFIGDATA_SOURCE_ROOT"], "tests", "emulator"))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, write_config  # noqa: E402

CLI = os.path.join(os.environ["APPCONFIGDATA_BUILD_ROOT"], "tools", "appconfigdata")
checks = {"passed": 0, "failed": 0}


def check(cond, what):
    checks["passed" if cond else "failed"] += 1
    if not cond:
        print("FAILED:", what)


def run(args, timeout=120):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.mkdtemp(), "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
    started = time.monotonic()
    p = subprocess.run([CLI] + args, capture_output=True, env=env, timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), time.monotonic() - started


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


IDS = ["--application", "app1", "--environment", "prod", "--configuration-profile", "settings"]


def main():
    work = tempfile.mkdtemp()
    cfg = os.path.join(work, "config")
    write_config(cfg, "app1/prod/settings.json", '{"v": 1}\n')

    # 1. throttle every 3rd, 500 every 5th
    log_path = os.path.join(work, "log1.jsonl")
    with Emulator(cfg, "--poll-interval", "1", "--throttle-every", "3", "--error-every", "5", "--log", log_path) as emu:
        rc, out, err, _ = run(["watch"] + IDS + ["--endpoint-url", emu.url, "--max-polls", "12", "--json"])
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    log = read_log(log_path)
    starts = [r for r in log if r["method"] == "POST"]
    check(rc == 0, "watch exits 0 (stderr: %s)" % err[-500:])
    check(len(starts) == 1, "watch starts exactly one session (saw %d StartConfigurationSession)" % len(starts))
    restarts = [e for e in events if e["event"] == "session_restarted"]
    check(not restarts, "no session_restarted (saw %s)" % [e.get("reason") for e in restarts])
    throttled = sum(1 for r in log if r["status"] == 429)
    failed = sum(1 for r in log if r["status"] == 500)
    check(throttled >= 4 and failed >= 2, "the faults fired: %d throttled, %d failed" % (throttled, failed))
    ok_tokens = [r["token"] for r in log if r["method"] == "GET" and r["status"] == 200]
    check(len(ok_tokens) == 12, "12 successful polls (saw %d)" % len(ok_tokens))
    check(len(ok_tokens) == len(set(ok_tokens)), "no token answered with success twice")
    early = [r for r in log if r.get("error_type") == "BadRequestException"]
    check(not early, "no request refused as early, expired or corrupted (%d)" % len(early))
    retrying = [e for e in events if e["event"] == "retrying"]
    check(len(retrying) == throttled + failed, "one retrying event per 429/500 answer (%d events, %d faults)" % (len(retrying), throttled + failed))
    billable = events[-1].get("billable_requests") if events else None
    check(billable == 13, "billable_requests counts the answered requests: 1 start + 12 polls (saw %s)" % billable)
    print("throttle every 3rd, 500 every 5th: %d requests, %d throttled, %d failed, %d sessions, %d restarts" %
          (len(log), throttled, failed, len(starts), len(restarts)))

    # 2. throttle every 2nd: get is fast and starts one session
    log_path = os.path.join(work, "log2.jsonl")
    with Emulator(cfg, "--poll-interval", "1", "--throttle-every", "2", "--log", log_path) as emu:
        rc, out, err, took = run(["get"] + IDS + ["--endpoint-url", emu.url], timeout=30)
    log = read_log(log_path)
    check(rc == 0 and out == '{"v": 1}\n', "get prints the configuration (rc=%d, stderr: %s)" % (rc, err[-300:]))
    check(took < 10, "get finished within 10 s (%.1f s)" % took)
    check(sum(1 for r in log if r["method"] == "POST") == 1, "get started one session")
    print("throttle every 2nd: get took %.2f s, %d requests" % (took, len(log)))

    # 3. expired tokens: the restart says so
    log_path = os.path.join(work, "log3.jsonl")
    with Emulator(cfg, "--poll-interval", "2", "--token-lifetime", "1", "--log", log_path) as emu:
        rc, out, err, _ = run(["watch"] + IDS + ["--endpoint-url", emu.url, "--max-polls", "3", "--json"], timeout=60)
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    reasons = [e.get("reason") for e in events if e["event"] == "session_restarted"]
    check(rc == 0, "watch with expiring tokens exits 0 (stderr: %s)" % err[-300:])
    check("token_expired" in reasons, "session_restarted says token_expired (saw %s)" % reasons)
    print("expiring tokens: restart reasons %s" % reasons)

    print("fleet manners: %d passed, %d failed" % (checks["passed"], checks["failed"]))
    return 1 if checks["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
