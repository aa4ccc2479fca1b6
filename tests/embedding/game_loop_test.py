"""Issue 14's acceptance test: a game loop written outside the project (game_loop.cpp: its own
non-blocking HTTP/1.1 client over sockets, the tick driver, 60 frames/s) compiles with
    g++ -std=c++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I<src>/single_include game_loop.cpp
        -o game_loop -lboost_json -lcrypto
(only appconfigdata.hpp + appconfigdata_openssl.hpp, no Botan) and keeps every session invariant against
the emulator with throttling, 5xx and token expiry:

  emulator --poll-interval 1 --throttle-rate 0.2 --error-rate 0.1 --token-lifetime 3 --log FILE --seed N

The configuration file is rewritten every 3 s ({"v": k}, each unique). Twice the game is suspended for
4 s (SIGSTOP / SIGCONT, as an OS suspends a game in the background): the token it holds is then older
than the 3 s lifetime, so the service's Expired answer is exercised. Checked:
  - every edit that stayed on disk >= 3 s while the game was running is seen, unless the emulator served no
    poll at all in that time (faults in a row; such edits are listed), and every edit the emulator did serve
    is seen (no lost configuration); change events come in the order written, none twice, none for content
    that was not written; the latest at the end is the last edit;
  - no request was answered "too early" (PollIntervalNotSatisfied), no token was used twice (the log's
    token field: no token answered 200 twice, none presented after its 200, no Corrupted answer);
  - throttles (429), 5xx and Expired answers actually happened (else the test fails: faults did not fire);
  - the program exits 0 and prints its summary line.
Skips (exit 77) when openssl/evp.h is missing. Environment: APPCONFIGDATA_SOURCE_ROOT, APPCONFIGDATA_EMULATOR
(or APPCONFIGDATA_BUILD_ROOT), APPCONFIGDATA_GAME_SEED (default 14).
"""

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.environ.get("APPCONFIGDATA_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "emulator"))
from emulator_support import ACCESS_KEY, SECRET_KEY, REGION, Emulator, read_log, check_log_invariants, write_config  # noqa: E402

SEED = int(os.environ.get("APPCONFIGDATA_GAME_SEED", "14"))
PROGRAM = os.path.join(HERE, "game_loop.cpp")
ALLOWED_PROJECT_INCLUDES = {"appconfigdata/appconfigdata.hpp", "appconfigdata/appconfigdata_openssl.hpp"}

# The timeline, in seconds after the game started: (time, action, argument).
EDIT_EVERY = 3.0
RUN_SECONDS = 25
PAUSES = [(7.0, 11.0), (16.0, 20.0)]          # SIGSTOP at the first time, SIGCONT at the second
EDITS = [3.0, 6.0, 12.0, 15.0, 21.0]          # v1.. (v0 is on disk before the start); none during a pause


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def has_openssl_header(compiler):
    probe = subprocess.run([compiler, "-x", "c++", "-fsyntax-only", "-"], input=b"#include <openssl/evp.h>\n",
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return probe.returncode == 0


def check_includes():
    """The program includes only the two single headers from this project, and no Boost/Botan directly."""
    problems = []
    with open(PROGRAM) as f:
        for number, line in enumerate(f, 1):
            m = re.match(r"\s*#\s*include\s*[<\"]([^>\"]+)[>\"]", line)
            if not m:
                continue
            name = m.group(1)
            if name.startswith("appconfigdata/") and name not in ALLOWED_PROJECT_INCLUDES:
                problems.append("line %d includes %s" % (number, name))
            if name.startswith(("boost/", "botan/", "openssl/")):
                problems.append("line %d includes %s directly" % (number, name))
    with open(PROGRAM) as f:
        code = re.sub(r"//[^\n]*", "", f.read())
    for word in ("try", "throw", "catch", "typeid", "dynamic_cast"):
        if re.search(r"\b%s\b" % word, code):
            problems.append("uses '%s'" % word)
    return problems


def compile_with(compiler, out_dir):
    exe = os.path.join(out_dir, "game_loop-" + os.path.basename(compiler))
    cmd = [compiler, "-std=c++17", "-fno-exceptions", "-fno-rtti", "-Wall", "-Wextra", "-Werror",
           "-I" + os.path.join(SOURCE_ROOT, "single_include"), PROGRAM, "-o", exe, "-lboost_json", "-lcrypto"]
    if any("botan" in a.lower() for a in cmd):
        fail("the compile command mentions botan: %s" % " ".join(cmd))
    print("$ " + " ".join(cmd))
    started = time.time()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        fail("%s could not build the game loop:\n%s" % (compiler, r.stdout.decode(errors="replace")))
    print("  built in %.1f s" % (time.time() - started))
    ldd = shutil.which("ldd")
    if ldd:
        libs = subprocess.run([ldd, exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode(errors="replace")
        if "botan" in libs.lower():
            fail("%s links Botan:\n%s" % (exe, libs))
    return exe


def content(k):
    return json.dumps({"v": k})   # one line, unique per edit


def run_game(exe, emu, config_dir):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("AWS_"):
            del env[name]
    env.update({"AWS_ENDPOINT_URL_APPCONFIGDATA": emu.url, "AWS_REGION": REGION,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    # FIRST_POLL_FALLBACK_SECONDS = 1: a start that fails before any poll succeeded is retried
    # after 1 s, not the library's default 60 s (longer than this run).
    game = subprocess.Popen([exe, "app", "env", "prof", str(RUN_SECONDS), "1"], stdout=out, stderr=err, env=env)
    t0 = time.time()
    written = [(0.0, content(0))]       # (time written, content); v0 written before the start
    paused = []                          # (from, to) actually applied
    plan = sorted([(t, "edit", k + 1) for k, t in enumerate(EDITS)] +
                  [(a, "stop", b) for a, b in PAUSES])
    for at, what, arg in plan:
        delay = t0 + at - time.time()
        if delay > 0:
            time.sleep(delay)
        if game.poll() is not None:
            break
        if what == "edit":
            text = content(arg)
            write_config(config_dir, "app/env/prof.json", text)
            written.append((time.time() - t0, text))
        else:
            game.send_signal(signal.SIGSTOP)
            stopped_at = time.time() - t0
            time.sleep(max(0.0, t0 + arg - time.time()))
            game.send_signal(signal.SIGCONT)
            paused.append((stopped_at, time.time() - t0))
    try:
        rc = game.wait(timeout=RUN_SECONDS + 30)
    except subprocess.TimeoutExpired:
        game.kill()
        game.wait()
        fail("the game loop did not stop after %d s" % RUN_SECONDS)
    ended = time.time() - t0
    out.seek(0)
    err.seek(0)
    return rc, out.read().decode(errors="replace"), err.read().decode(errors="replace"), written, paused, ended, t0


def log_seconds(record):
    """The emulator log's time (UTC, milliseconds) as seconds since the epoch."""
    t = datetime.datetime.strptime(record["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


def running_time(start, end, paused):
    """Seconds of [start, end) during which the game was not suspended."""
    total = end - start
    for a, b in paused:
        total -= max(0.0, min(end, b) - max(start, a))
    return total


def main():
    compiler = shutil.which("g++")
    if not compiler:
        print("SKIP: no g++")
        return 77
    if not has_openssl_header(compiler):
        print("SKIP: openssl/evp.h is missing (Debian libssl-dev): the OpenSSL backend cannot be built")
        return 77
    problems = check_includes()
    if problems:
        fail("game_loop.cpp is not an outsider's program: " + "; ".join(problems))

    work = tempfile.mkdtemp(prefix="appconfigdata-game-")
    try:
        exe = compile_with(compiler, work)
        clang = shutil.which("clang++")
        if clang:
            compile_with(clang, work)
        else:
            print("  (clang++ not found: built with g++ only)")

        config_dir = os.path.join(work, "config")
        log_path = os.path.join(work, "emulator.log")
        write_config(config_dir, "app/env/prof.json", content(0))
        emu_args = ["--poll-interval", "1", "--throttle-rate", "0.2", "--error-rate", "0.1", "--token-lifetime", "3",
                    "--log", log_path, "--seed", str(SEED)]
        print("$ appconfigdata-emulator --config-dir DIR " + " ".join(emu_args))
        with Emulator(config_dir, *emu_args) as emu:
            rc, out, err, written, paused, ended, t0_epoch = run_game(exe, emu, config_dir)
            time.sleep(0.2)   # the log line of a last answer
        records = read_log(log_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    failures = []

    def check(ok, message):
        if not ok:
            failures.append(message)

    check(rc == 0, "the game loop exited %s; stderr:\n%s" % (rc, err[-3000:]))
    changed = []
    latest = None
    summary = None
    for line in out.splitlines():
        if line.startswith("changed "):
            parts = line.split(" ", 2)
            changed.append(parts[2] if len(parts) == 3 else "")
        elif line.startswith("latest "):
            parts = line.split(" ", 2)
            latest = parts[2] if len(parts) == 3 else ""
        elif line.startswith("summary "):
            summary = dict(kv.split("=", 1) for kv in line.split()[1:])
    check(summary is not None, "no summary line in the output:\n" + out)
    summary = summary or {}

    # Configuration invariants.
    contents = [c for _, c in written]
    check(len(set(contents)) == len(contents), "the test wrote the same content twice")
    for c in changed:
        check(c in contents, "change event for content that was never written: %r" % c)
    check(len(changed) == len(set(changed)), "a change was reported twice: %r" % changed)
    positions = [contents.index(c) for c in changed if c in contents]
    check(positions == sorted(positions), "changes out of the order written: %r" % changed)
    # An edit on disk >= 3 s while the game ran must be seen. Under injected faults the emulator may
    # not have answered any poll with 200 during that time (starts throttled in a row, a suspension):
    # then nobody could see it, and it is listed, not failed. An edit the emulator did serve (a 200
    # poll while it was on disk, 0.1 s margins for the write/read race) and the game did not report
    # is a lost configuration: always a failure.
    polls = [r for r in records if r.get("path") == "/configuration"]
    served_at = [log_seconds(r) - t0_epoch for r in polls if r.get("status") == 200]
    required = []
    unserved = []
    for i, (at, c) in enumerate(written):
        until = written[i + 1][0] if i + 1 < len(written) else ended
        ran = running_time(at, until, paused)
        served = any(at + 0.1 <= t <= until - 0.1 for t in served_at)
        if served:
            check(c in changed, "edit %r was served by the emulator (a 200 poll while on disk) and not reported: lost" % c)
        if ran >= EDIT_EVERY - 0.05:
            required.append(c)
            if c not in changed and not served:
                unserved.append("%s (%.1f s on disk, no 200 poll then)" % (c, ran))
    check(len(unserved) < len(required), "no edit on disk >= 3 s was seen")
    check(latest == contents[-1], "latest at the end is %r, the last edit was %r" % (latest, contents[-1]))

    # Session invariants from the emulator's log.
    starts = [r for r in records if r.get("path") == "/configurationsessions"]
    too_early = [r for r in records if r.get("problem") == "PollIntervalNotSatisfied"]
    corrupted = [r for r in records if r.get("problem") == "Corrupted"]
    expired = [r for r in records if r.get("problem") == "Expired"]
    throttled = [r for r in records if r.get("status") == 429]
    server_errors = [r for r in records if 500 <= r.get("status", 0) <= 599]
    check(not too_early, "%d request(s) answered too early (PollIntervalNotSatisfied)" % len(too_early))
    for p in check_log_invariants(records):
        failures.append(p)
    spent = set()
    for r in polls:
        token = r.get("token")
        if token in spent:
            failures.append("a token was presented again after it had been answered 200 (session %s, status %s)" % (r.get("session"), r.get("status")))
        if r.get("status") == 200:
            spent.add(token)
    check(not corrupted, "%d request(s) with a token the emulator calls Corrupted (reused or made up)" % len(corrupted))
    check(throttled, "no ThrottlingException in the log: --throttle-rate did not fire")
    check(server_errors, "no 5xx in the log: --error-rate did not fire")
    check(expired, "no Expired answer in the log: token expiry was not exercised")
    requests = int(summary.get("requests", "-1"))
    check(abs(requests - len(records)) <= 1, "the game counted %d requests, the emulator logged %d" % (requests, len(records)))
    check(int(summary.get("changes", "-1")) == len(changed), "the summary's change count differs from the change lines")

    print("game: %s" % " ".join("%s=%s" % kv for kv in summary.items()))
    print("edits written: %d (%d on disk >= 3 s while the game ran), changes seen: %d: %s" % (len(written), len(required), len(changed), ", ".join(changed)))
    if unserved:
        print("edits on disk >= 3 s that the emulator never served (faults at that time; not the game's fault): " + ", ".join(unserved))
    print("suspended: %s" % ", ".join("%.1f-%.1f s" % p for p in paused))
    print("emulator log: %d requests (%d starts, %d polls), %d answered 200, %d throttled, %d 5xx, %d Expired, "
          "%d too early, %d Corrupted, seed %d" % (len(records), len(starts), len(polls), len([r for r in polls if r.get("status") == 200]),
                                                   len(throttled), len(server_errors), len(expired), len(too_early), len(corrupted), SEED))
    if failures:
        print("game stderr:\n" + err[-4000:])
        print("emulator log (time, request, status, error, problem, session):")
        for r in records:
            print("  %s %s %s %s %s %s %s" % (r.get("time"), r.get("method"), r.get("path"), r.get("status"), r.get("error_type") or "-",
                                           r.get("problem", "-"), r.get("session") or "-"))
        print("edits (s after the start): " + ", ".join("%.1f %s" % w for w in written))
        for f in failures:
            print("FAIL: " + f)
        print("embedding-game-loop: %d invariant(s) broken" % len(failures))
        return 1
    print("embedding-game-loop: all invariants kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
