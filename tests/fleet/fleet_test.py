#!/usr/bin/env python3
"""appconfigdata-fleet, small runs (200 clients x 6 virtual hours) of every scenario: the JSON
invariants (no early poll, no token reused after a success, steady state near the minimum request
rate, a deployment reaching every client within an interval and a bit, the baseline beside ours), the
model's faults having fired, CSV and PNG output, and bad arguments answered with exit status 2.

usage: fleet_test.py PATH/TO/appconfigdata-fleet
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

fleet = sys.argv[1]
failures = []
CLIENTS, HOURS = 200, 6


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args):
    return subprocess.run([fleet, *args], capture_output=True, text=True, timeout=300)


def scenario(name, *extra):
    p = run("--clients", str(CLIENTS), "--hours", str(HOURS), "--scenario", name, "--seed", "7", "--json", *extra)
    check(p.returncode == 0, f"{name}: exit status 0 (got {p.returncode}; stderr: {p.stderr.strip()})")
    if p.returncode != 0:
        return None
    doc = json.loads(p.stdout)
    required = ["clients", "hours", "scenario", "poll_interval_s", "requests", "requests_per_client_day",
                "min_requests_per_client_day", "peak_rps", "mean_rps", "throttled", "early_polls", "token_reuses",
                "converged_p50_s", "converged_p99_s", "converged_max_s", "cost_usd_per_month", "baseline"]
    missing = [k for k in required if k not in doc]
    check(not missing, f"{name}: JSON has every required key (missing: {missing})")
    check(isinstance(doc.get("baseline"), dict) and doc["baseline"].get("requests", 0) > 0,
          f"{name}: a baseline object with requests > 0")
    check(doc.get("clients") == CLIENTS and doc.get("scenario") == name, f"{name}: clients and scenario echoed")
    check("not verified" in doc.get("signatures", ""), f"{name}: JSON says signatures are not verified")
    for side, d in (("ours", doc), ("baseline", doc.get("baseline", {}))):
        check(d.get("early_polls") == 0, f"{name}: {side} early_polls == 0 (got {d.get('early_polls')})")
        check(d.get("token_reuses") == 0, f"{name}: {side} token_reuses == 0 (got {d.get('token_reuses')})")
        check(d.get("cost_usd_per_month", 0) > 0, f"{name}: {side} cost_usd_per_month > 0")
    check(doc.get("failed_clients") == 0, f"{name}: no session failed (got {doc.get('failed_clients')})")
    check(abs(doc["min_requests_per_client_day"] - 86400 / doc["poll_interval_s"]) < 1e-6,
          f"{name}: min_requests_per_client_day == 86400 / poll_interval_s")
    return doc


steady = scenario("steady")
if steady:
    limit = 1.01 * steady["min_requests_per_client_day"]
    check(steady["requests_per_client_day"] <= limit,
          f"steady: requests per client-day {steady['requests_per_client_day']} <= 1.01 x min = {limit:.1f}")
    check(steady["throttled"] == 0, "steady: nothing throttled at the default rate limit")

deployment = scenario("deployment")
if deployment:
    bound = deployment["poll_interval_s"] * 1.1 + 5
    check(deployment["converged_max_s"] is not None and deployment["converged_max_s"] <= bound,
          f"deployment: converged_max_s {deployment['converged_max_s']} <= poll_interval_s x 1.1 + 5 = {bound}")
    check(deployment["not_converged"] == 0, "deployment: every client has the new version")
    check(deployment["configurations_received"] == 2 * CLIENTS,
          f"deployment: each client received two configurations (got {deployment['configurations_received']})")

outage = scenario("outage")
if outage:
    for side, d in (("ours", outage), ("baseline", outage["baseline"])):
        check(d["outage_errors"] > 0 and d["outage_unanswered"] > 0,
              f"outage: {side} saw the 500s and the unanswered requests ({d['outage_errors']}, {d['outage_unanswered']})")
        check(d["converged_max_s"] is not None, f"outage: {side} every client polled successfully after the outage")

# A rate limit below the fleet's burst: the restart must be throttled.
mass = scenario("mass-restart", "--rate-limit", "50")
if mass:
    check(mass["throttled"] > 0, f"mass-restart: ours throttled > 0 (got {mass['throttled']})")
    check(mass["baseline"]["throttled"] > 0, f"mass-restart: baseline throttled > 0 (got {mass['baseline']['throttled']})")
    check(mass["not_converged"] == 0, "mass-restart: every new client got a configuration")

# --csv and --plot.
with tempfile.TemporaryDirectory() as tmp:
    csv_path, png_path = os.path.join(tmp, "fleet.csv"), os.path.join(tmp, "fleet.png")
    extra = ["--csv", csv_path]
    if shutil.which("gnuplot"):
        extra += ["--plot", png_path]
    p = run("--clients", "50", "--hours", "1", "--scenario", "mass-restart", *extra)
    check(p.returncode == 0, f"--csv/--plot: exit status 0 (got {p.returncode}; {p.stderr.strip()})")
    with open(csv_path) as f:
        rows = f.read().splitlines()
    check(rows[0] == "t_s,bucket_s,ours,baseline" and len(rows) == 3601, f"--csv: a header and 3600 per-second rows (got {len(rows)})")
    total = sum(int(r.split(",")[2]) for r in rows[1:])
    check(total > 0, "--csv: ours sent requests")
    if shutil.which("gnuplot"):
        with open(png_path, "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "--plot: a PNG file")
    else:
        print("skip --plot: gnuplot is not installed")
    env = dict(os.environ, PATH=tmp)  # no gnuplot on this PATH
    p = subprocess.run([fleet, "--clients", "5", "--hours", "1", "--scenario", "steady", "--plot", png_path],
                       capture_output=True, text=True, env=env, timeout=60)
    check(p.returncode == 1 and "gnuplot" in p.stderr, f"--plot without gnuplot: exit 1 naming gnuplot (got {p.returncode})")

# Bad arguments: exit status 2 and a message naming the problem.
for args, word in ((["--clients", "0", "--hours", "1", "--scenario", "steady"], "--clients"),
                   (["--clients", "10", "--hours", "1", "--scenario", "sunny"], "sunny"),
                   (["--clients", "10", "--scenario", "steady"], "--hours"),
                   (["--clients", "ten", "--hours", "1", "--scenario", "steady"], "ten"),
                   (["--clients", "10", "--hours", "1", "--scenario", "steady", "--poll-interval", "5"], "--poll-interval"),
                   (["--clients", "10", "--hours", "1", "--scenario", "steady", "--frobnicate"], "--frobnicate")):
    p = run(*args)
    check(p.returncode == 2 and word in p.stderr and p.stdout == "",
          f"bad arguments {args}: exit 2 with a message naming {word!r} (got {p.returncode}: {p.stderr.strip()[:80]})")

if failures:
    print(f"\n{len(failures)} check(s) failed")
    sys.exit(1)
print("\nall fleet checks passed")
