#!/usr/bin/env python3
"""Load test of appconfigdata-emulator over loopback (issue 8, "Emulator under load").

SESSIONS (default 200) concurrent sessions, each on its own keep-alive connection, poll for
SECONDS (default 20) with the interval the emulator hands out (--poll-interval 1), while the
configurations are edited on disk and misbehaving clients connect beside them: malformed HTTP,
oversized bodies and heads, idle and half-sent requests, abrupt disconnects. A few sessions poll
early on purpose (those 400s are expected, not errors).

Asserts: zero errors among the well-behaved sessions, every session saw every edit, every
misbehaving connection got a clean HTTP answer or a close within the idle timeout, the emulator
stops with exit 0, and its --log shows no token used twice and no successful poll before the
interval. Latency is reported, never asserted. The closing line holds the figures:

    emulator load: sessions=200 seconds=20.0 requests=... errors=0 p50_ms=... p99_ms=... ...

Environment: APPCONFIGDATA_LOAD_SESSIONS, APPCONFIGDATA_LOAD_SECONDS override the defaults.
"""

import asyncio
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulator_support import Emulator, check_log_invariants, read_log, sign, start_session_request, write_config  # noqa: E402
import urllib.parse  # noqa: E402

SESSIONS = int(os.environ.get("APPCONFIGDATA_LOAD_SESSIONS", "200"))
SECONDS = float(os.environ.get("APPCONFIGDATA_LOAD_SECONDS", "20"))
IDLE_TIMEOUT = 3
EARLY_CHECKERS = 10
PROFILES = [("app", "env", "prof", "app/env/prof.json"), ("shop", "prod", "flags", "shop:prod:flags.yaml"),
            ("app", "env", "text", "app/env/text.txt")]


class Stats:
    def __init__(self):
        self.latencies = []
        self.requests = 0
        self.errors = []
        self.early_refused = 0
        self.changes_seen = {}
        self.misbehaving_ok = 0
        self.misbehaving_bad = []


async def exchange(reader, writer, method, target, headers, body=b""):
    lines = ["%s %s HTTP/1.1" % (method, target)] + ["%s: %s" % kv for kv in headers.items()]
    lines.append("Content-Length: %d" % len(body))
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    hdrs = {}
    for line in header_lines:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    data = await reader.readexactly(int(hdrs.get("content-length", "0")))
    return status, hdrs, data


async def session_worker(i, host, port, deadline, stats):
    app, env, profile, _ = PROFILES[i % len(PROFILES)]
    authority = "%s:%d" % (host, port)
    seen = set()
    await asyncio.sleep(i / SESSIONS)  # clients start spread over one second, not all in the same millisecond
    reader, writer = await asyncio.open_connection(host, port)
    try:
        body = start_session_request(app, env, profile)
        headers = sign("POST", authority, "/configurationsessions", [], body)
        headers["Content-Type"] = "application/json"
        t = time.perf_counter()
        status, hdrs, data = await exchange(reader, writer, "POST", "/configurationsessions", headers, body)
        stats.latencies.append(time.perf_counter() - t)
        stats.requests += 1
        if status != 201:
            stats.errors.append("session %d: start returned %d %s" % (i, status, hdrs.get("x-amzn-errortype")))
            return
        token = json.loads(data)["InitialConfigurationToken"]
        early_done = False
        while time.monotonic() < deadline:
            target = "/configuration?configuration_token=" + urllib.parse.quote(token, safe="-_.~")
            headers = sign("GET", authority, "/configuration", [("configuration_token", token)], b"")
            t = time.perf_counter()
            status, hdrs, data = await exchange(reader, writer, "GET", target, headers)
            stats.latencies.append(time.perf_counter() - t)
            stats.requests += 1
            if status != 200:
                stats.errors.append("session %d: poll returned %d %s %s" % (i, status, hdrs.get("x-amzn-errortype"), data[:120]))
                return
            if data:
                seen.add(hdrs.get("version-label"))
            token = hdrs["next-poll-configuration-token"]
            interval = int(hdrs["next-poll-interval-in-seconds"])
            if i < EARLY_CHECKERS and not early_done and interval > 0:
                # On purpose: poll again at once. Expected: 400 PollIntervalNotSatisfied; the token stays valid.
                early_done = True
                headers = sign("GET", authority, "/configuration", [("configuration_token", token)], b"")
                target = "/configuration?configuration_token=" + urllib.parse.quote(token, safe="-_.~")
                status, hdrs2, data2 = await exchange(reader, writer, "GET", target, headers)
                if status == 400 and b"PollIntervalNotSatisfied" in data2:
                    stats.early_refused += 1
                else:
                    stats.errors.append("session %d: early poll answered %d" % (i, status))
            await asyncio.sleep(interval)
    except (OSError, asyncio.IncompleteReadError, ValueError, KeyError) as e:
        stats.errors.append("session %d: %r" % (i, e))
    finally:
        stats.changes_seen[i] = seen
        writer.close()


async def expect_answer_or_close(host, port, payload, expect_status, stats, what, send_after=None, idle=False):
    """Sends `payload` (then maybe nothing); the emulator must answer `expect_status` and/or close
    within IDLE_TIMEOUT + 3 s. A hang is a failure."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as e:
        stats.misbehaving_bad.append("%s: connect failed %r" % (what, e))
        return
    try:
        if payload:
            writer.write(payload)
            await writer.drain()
        data = await asyncio.wait_for(reader.read(65536), IDLE_TIMEOUT + 3)
        rest = data
        while data:
            data = await asyncio.wait_for(reader.read(65536), IDLE_TIMEOUT + 3)
            rest += data
        if expect_status is None:
            ok = rest == b""
        else:
            ok = rest.startswith(("HTTP/1.1 %d" % expect_status).encode()) or rest == b""
        if idle and time.monotonic() - started < IDLE_TIMEOUT - 0.5:
            ok = False
        if ok:
            stats.misbehaving_ok += 1
        else:
            stats.misbehaving_bad.append("%s: got %r" % (what, rest[:80]))
    except asyncio.TimeoutError:
        stats.misbehaving_bad.append("%s: no answer and no close" % what)
    except (ConnectionResetError, BrokenPipeError):
        stats.misbehaving_ok += 1  # a reset is a close
    finally:
        writer.close()


async def abrupt(host, port, stats):
    try:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"POST /configurationsessions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Appl")
        await writer.drain()
        writer.transport.abort()
        stats.misbehaving_ok += 1
    except OSError as e:
        stats.misbehaving_bad.append("abrupt: %r" % e)


async def misbehave(host, port, deadline, stats):
    big_head = b"GET /configuration HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 20000 + b"\r\n\r\n"
    cases = [
        (b"THIS IS NOT HTTP\r\n\r\n", 400, "malformed request line", False),
        (b"GET /configuration HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400, "bad Content-Length", False),
        (b"POST /configurationsessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 413, "oversized body", False),
        (big_head, 431, "oversized head", False),
        (b"", None, "idle connection", True),
        (b"GET /configuration HTTP/1.1\r\nHost: x\r\n", None, "half-sent head", True),
        (b"GET /configuration HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 403, "unsigned request", False),
    ]
    rounds = 0
    while time.monotonic() < deadline - (IDLE_TIMEOUT + 4) or rounds == 0:
        tasks = [expect_answer_or_close(host, port, p, s, stats, w, idle=idle) for p, s, w, idle in cases for _ in range(5)]
        tasks += [abrupt(host, port, stats) for _ in range(5)]
        await asyncio.gather(*tasks)
        rounds += 1
        await asyncio.sleep(0.5)


async def editor(cfg, deadline, stats, edits):
    n = 0
    while time.monotonic() < deadline - 6:
        await asyncio.sleep(5)
        n += 1
        for _, _, _, rel in PROFILES:
            write_config(cfg, rel, "edit %d of %s\n" % (n, rel))
        edits.append(n)


async def run(emu, cfg, stats, edits):
    deadline = time.monotonic() + SECONDS
    workers = [session_worker(i, emu.host, emu.port, deadline, stats) for i in range(SESSIONS)]
    await asyncio.gather(misbehave(emu.host, emu.port, deadline, stats), editor(cfg, deadline, stats, edits), *workers)


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def main():
    stats = Stats()
    edits = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "cfg")
        for _, _, _, rel in PROFILES:
            write_config(cfg, rel, "initial %s\n" % rel)
        log = os.path.join(tmp, "requests.log")
        emu = Emulator(cfg, "--poll-interval", "1", "--idle-timeout", str(IDLE_TIMEOUT), "--log", log)
        started = time.monotonic()
        try:
            asyncio.run(run(emu, cfg, stats, edits))
            alive = emu.proc.poll() is None
        finally:
            code = emu.stop()
        elapsed = time.monotonic() - started
        records = read_log(log)
        log_problems = check_log_invariants(records)
        server_ms = sorted(r["duration_ms"] for r in records if r.get("path") in ("/configuration", "/configurationsessions"))

    failures = []
    if not alive:
        failures.append("the emulator died during the run (exit %s); its stderr:\n%s" % (code, emu.stderr_text()[-2000:]))
    if code != 0:
        failures.append("the emulator exited with %s on SIGTERM" % code)
    if stats.errors:
        failures.append("%d errors, first: %s" % (len(stats.errors), stats.errors[:5]))
    if stats.early_refused != EARLY_CHECKERS:
        failures.append("%d of %d deliberate early polls refused" % (stats.early_refused, EARLY_CHECKERS))
    missed = [i for i, s in stats.changes_seen.items() if len(s) < len(edits) + 1]
    if missed:
        failures.append("%d sessions missed an edit (e.g. session %d saw %d versions of %d)" % (
            len(missed), missed[0], len(stats.changes_seen[missed[0]]), len(edits) + 1))
    if len(stats.changes_seen) != SESSIONS:
        failures.append("only %d of %d sessions ran" % (len(stats.changes_seen), SESSIONS))
    if stats.misbehaving_bad:
        failures.append("%d misbehaving connections not handled cleanly: %s" % (len(stats.misbehaving_bad), stats.misbehaving_bad[:5]))
    if log_problems:
        failures.append("log invariants: %s" % log_problems[:5])

    lat = sorted(stats.latencies)
    p50, p99 = percentile(lat, 50) * 1000, percentile(lat, 99) * 1000
    mx = (lat[-1] * 1000) if lat else 0.0
    for f in failures:
        print("FAIL", f)
    print("emulator load: sessions=%d seconds=%.1f requests=%d errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
          "server_p50_ms=%.3f server_p99_ms=%.3f req_per_s=%.0f early_polls_refused=%d edits_seen=%d misbehaving_connections=%d (all answered or closed: %s) "
          "log_lines=%d" % (SESSIONS, SECONDS, stats.requests, len(stats.errors), p50, p99, mx, percentile(server_ms, 50), percentile(server_ms, 99),
                            stats.requests / max(elapsed, 0.001),
                            stats.early_refused, len(edits), stats.misbehaving_ok + len(stats.misbehaving_bad),
                            "yes" if not stats.misbehaving_bad else "NO", len(records)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
