#!/usr/bin/env python3
"""`appconfigdata get` and `watch` over real HTTP on loopback against appconfigdata-emulator.

Checks what a user sees (exit codes, stdout bytes, messages) and, from the emulator's request log,
the session rules: no token used twice, no poll before the interval, one `changed` per version.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["APPCONFIGDATA_SOURCE_ROOT"], "tests", "emulator"))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, write_config  # noqa: E402

BUILD = os.environ["APPCONFIGDATA_BUILD_ROOT"]
CLI = os.path.join(BUILD, "tools", "appconfigdata")
checks = {"passed": 0, "failed": 0}


def check(cond, what):
    if cond:
        checks["passed"] += 1
    else:
        checks["failed"] += 1
        print("FAILED:", what)


def env_with(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.mkdtemp(),
           "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_REGION": "us-east-1",
           "AWS_EC2_METADATA_DISABLED": "true"}
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run(args, env=None, timeout=60):
    started = time.monotonic()
    p = subprocess.run([CLI] + args, capture_output=True, env=env or env_with(), timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace"), time.monotonic() - started


def ids(app="app1", env="prod", prof="settings"):
    return ["--application", app, "--environment", env, "--configuration-profile", prof]


def read_log(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_log_rules(log, what):
    used = [r["token"] for r in log if r["method"] == "GET" and r["token"]]
    check(len(used) == len(set(used)), what + ": no token used twice")
    early = [r for r in log if r.get("error_type") == "BadRequestException"]
    check(not early, what + ": no request refused as early or reused (%d)" % len(early))


def main():
    work = tempfile.mkdtemp()
    cfg = os.path.join(work, "config")
    content = '{"greeting": {"enabled": true, "text": "hello"}, "banner": {"enabled": true, "color": "blue"}}\n'
    path = write_config(cfg, "app1/prod/settings.json", content)
    log_path = os.path.join(work, "log.jsonl")
    cache = os.path.join(work, "cache")
    with Emulator(cfg, "--poll-interval", "1", "--log", log_path) as emu:
        url = emu.url
        # get: the bytes exactly, metadata on stderr
        rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url])
        check(rc == 0, "get exits 0 (stderr: %s)" % err)
        check(out == content.encode(), "get writes the configuration bytes exactly")
        check("version label" in err and "application/json" in err, "get reports metadata on stderr")

        rc, out, err, _ = run(["get"] + ids(app="no-such-app") + ["--endpoint-url", url])
        check(rc == 1 and "ResourceNotFoundException" in err, "unknown application fails naming ResourceNotFoundException: %s" % err)
        check(out == b"", "a failed get prints nothing on stdout")

        rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url], env=env_with(AWS_SECRET_ACCESS_KEY="wrong-secret"))
        check(rc == 1 and "InvalidSignatureException" in err, "a wrong secret fails naming InvalidSignatureException: %s" % err)
        check("wrong-secret" not in err, "the secret never appears in messages")

        rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--flag", "banner"])
        check(rc == 0 and json.loads(out) == {"enabled": True, "color": "blue"}, "--flag prints the flag's object: %r" % out)
        rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--flag", "nope"])
        check(rc == 1 and "nope" in err, "--flag names an unknown flag: %s" % err)

        # --crypto: every backend this build has signs what the emulator verifies; a bad name exits 2
        help_text = run(["get", "--help"])[1].decode()
        built = re.search(r"this build has: ([a-z, ]+)\)", help_text)
        check(built is not None and "botan" in built.group(1), "get --help lists the crypto backends of the build")
        for backend in (built.group(1).split(", ") if built else []):
            rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--crypto", backend])
            check(rc == 0 and out == content.encode(), "get --crypto %s gets the configuration (stderr: %s)" % (backend, err))
            rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--crypto", backend],
                                  env=env_with(AWS_SECRET_ACCESS_KEY="wrong-secret"))
            check(rc == 1 and "InvalidSignatureException" in err, "get --crypto %s with a wrong secret is rejected: %s" % (backend, err))
            rc, out, err, _ = run(["watch"] + ids() + ["--endpoint-url", url, "--crypto", backend, "--max-polls", "1", "--json"])
            check(rc == 0 and b'"changed"' in out, "watch --crypto %s polls (stderr: %s)" % (backend, err))
        for command in ("get", "watch"):
            for bad in (["--crypto", "rot13"], ["--crypto", "Botan"], ["--crypto"]):
                rc, out, err, _ = run([command] + ids() + ["--endpoint-url", url] + bad)
                check(rc == 2 and "--crypto" in err and out == b"", "%s %s exits 2 naming --crypto: rc=%d %s" % (command, bad, rc, err))

        # watch: one changed per version, polls paced by the interval, the cache kept
        proc = subprocess.Popen([CLI, "watch"] + ids() + ["--endpoint-url", url, "--json", "--max-polls", "5", "--cache-file", cache],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_with())
        time.sleep(2.5)
        new_content = '{"greeting": {"enabled": true, "text": "bonjour"}, "banner": {"enabled": false}}\n'
        with open(path, "w") as f:
            f.write(new_content)
        out, err = proc.communicate(timeout=60)
        events = [json.loads(line) for line in out.decode().splitlines()]
        kinds = [e["event"] for e in events]
        check(proc.returncode == 0, "watch --max-polls exits 0 (%s)" % err.decode())
        check(kinds.count("changed") == 2, "exactly one changed event per version: %s" % kinds)
        check(kinds.count("changed") + kinds.count("unchanged") == 5, "--max-polls counts successful polls: %s" % kinds)
        changed = [e for e in events if e["event"] == "changed"]
        check(len(changed) == 2 and changed[0]["content"] == content and changed[1]["content"] == new_content,
              "changed events carry the content")
        check(all("version_label" in e and "content_type" in e for e in events), "every event has version_label and content_type")

    log = read_log(log_path)
    check_log_rules(log, "get/watch")
    # Pacing: within a session, each GET comes at least ~1 s (the interval) after the previous one.
    by_session = {}
    for r in log:
        if r["method"] == "GET" and r["status"] == 200:
            by_session.setdefault(r["session"], []).append(r["time"])
    # (times are ISO-8601 with milliseconds; the emulator itself refuses early polls, checked above)
    check(any(len(v) >= 5 for v in by_session.values()), "the watch session polled 5 times in one session")

    # The service is gone: get --cache-file serves the last version, quickly.
    rc, out, err, took = run(["get"] + ids() + ["--endpoint-url", url, "--cache-file", cache], timeout=30)
    check(rc == 0 and out == new_content.encode(), "get serves the cache when the service is gone: rc=%d %s" % (rc, err))
    check("cache" in err and "saved" in err, "get says on stderr that it served the cache and from when")
    check(took < 15, "serving the cache takes seconds, not minutes (%.1f s)" % took)
    rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--flag", "banner", "--cache-file", cache], timeout=30)
    check(rc == 0 and json.loads(out) == {"enabled": False}, "--flag works on the cached configuration")

    corrupt = os.path.join(work, "corrupt-cache")
    with open(cache, "rb") as f:
        data = bytearray(f.read())
    data[-5] ^= 0x01
    with open(corrupt, "wb") as f:
        f.write(data)
    rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--cache-file", corrupt], timeout=30)
    check(rc != 0 and "corrupt" in err.lower(), "a corrupt cache fails clearly: %s" % err)
    with open(corrupt, "rb") as f:
        check(f.read() == bytes(data), "a corrupt cache is left in place, unchanged")
    rc, out, err, _ = run(["get"] + ids() + ["--endpoint-url", url, "--cache-file", os.path.join(work, "missing")], timeout=30)
    check(rc != 0, "no cache and no service fails")

    # No credentials anywhere: fails within seconds, saying so.
    rc, out, err, took = run(["get"] + ids() + ["--endpoint-url", url],
                             env=env_with(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_EC2_METADATA_DISABLED=None), timeout=60)
    check(rc == 1 and "credentials" in err.lower() and "environment" in err, "no credentials fails saying so: %s" % err)
    check(took < 20, "no credentials fails within seconds (%.1f s)" % took)

    # Bad arguments: exit 2 with a message.
    for bad in (["get"], ["get"] + ids() + ["--min-poll-interval", "5"], ["get"] + ids() + ["--bogus"],
                ["watch"] + ids() + ["--max-polls", "x"]):
        rc, out, err, _ = run(bad)
        check(rc == 2 and err.strip(), "bad arguments exit 2 with a message: %s" % bad)

    # Faults: throttling and 5xx on a fresh emulator; the rules still hold.
    log2 = os.path.join(work, "log2.jsonl")
    with Emulator(cfg, "--poll-interval", "1", "--log", log2, "--throttle-rate", "0.3", "--error-rate", "0.2", "--seed", "7") as emu:
        rc, out, err, _ = run(["watch"] + ids() + ["--endpoint-url", emu.url, "--json", "--max-polls", "6"], timeout=120)
        kinds = [json.loads(line)["event"] for line in out.decode().splitlines()]
        check(rc == 0, "watch survives throttling and 5xx (rc=%d %s)" % (rc, err))
        check(kinds.count("changed") == 1, "one changed event despite faults: %s" % kinds)
    check_log_rules(read_log(log2), "faults")

    print("cli integration: %d passed, %d failed" % (checks["passed"], checks["failed"]))
    return 1 if checks["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
