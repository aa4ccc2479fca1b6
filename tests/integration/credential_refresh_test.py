#!/usr/bin/env python3
"""`appconfigdata watch` with a profile whose credential_process returns credentials that expire 40 s
after each run: the CLI keeps polling, runs the process again before each expiry, and no request is
signed with expired credentials (each run's session token is distinct; the emulator accepts any
session token for the key pair and logs every request's time and status).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ["APPCONFIGDATA_SOURCE_ROOT"], "tests", "emulator"))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, write_config  # noqa: E402

BUILD = os.environ["APPCONFIGDATA_BUILD_ROOT"]
CLI = os.path.join(BUILD, "tools", "appconfigdata")
LIFETIME = 40
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED:", what)


work = tempfile.mkdtemp()
runs_file = os.path.join(work, "runs.txt")
script = os.path.join(work, "issue-creds")
with open(script, "w") as f:
    f.write("#!/usr/bin/env python3\n"
            "import datetime, json, time\n"
            "now = time.time()\n"
            "with open(%r, 'a') as r:\n"
            "    r.write('%%f\\n' %% now)\n"
            "n = sum(1 for _ in open(%r))\n"
            "exp = datetime.datetime.fromtimestamp(int(now) + %d, datetime.timezone.utc).strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ')\n"
            "print(json.dumps({'Version': 1, 'AccessKeyId': %r, 'SecretAccessKey': %r, 'SessionToken': 'RUN-%%d' %% n, 'Expiration': exp}))\n"
            % (runs_file, runs_file, LIFETIME, ACCESS_KEY, SECRET_KEY))
os.chmod(script, 0o755)
config = os.path.join(work, "aws-config")
with open(config, "w") as f:
    f.write("[default]\ncredential_process = %s\nregion = us-east-1\n" % script)
write_config(os.path.join(work, "configs"), "app/env/prof.json", '{"a": 1}\n')

log = os.path.join(work, "requests.jsonl")
emu = Emulator(os.path.join(work, "configs"), "--poll-interval", "2", "--any-session-token", "--log", log)
env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "AWS_CONFIG_FILE": config,
       "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
       "AWS_ENDPOINT_URL_APPCONFIGDATA": emu.url}
start = time.time()
try:
    out = subprocess.run([CLI, "watch", "--application", "app", "--environment", "env", "--configuration-profile", "prof",
                          "--json", "--max-polls", "45"], env=env, capture_output=True, text=True, timeout=180)
finally:
    emu.stop()
elapsed = time.time() - start

runs = [float(x) for x in open(runs_file)] if os.path.exists(runs_file) else []
events = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
statuses = [json.loads(l).get("status") for l in open(log)] if os.path.exists(log) else []
check(out.returncode == 0, "watch exits 0 (got %d; stderr: %s)" % (out.returncode, out.stderr[-500:]))
check(elapsed > 1.5 * LIFETIME, "watch ran past more than one credential lifetime (%.0f s)" % elapsed)
check(len(runs) >= int(elapsed // LIFETIME) + 1, "the process ran again before expiry: %d runs in %.0f s" % (len(runs), elapsed))
gaps = [b - a for a, b in zip(runs, runs[1:])]
check(all(g < LIFETIME - 1 for g in gaps), "each run came before the previous credentials expired (gaps %s)" % gaps)
check(all(s in (200, 201) for s in statuses) and len(statuses) >= 45, "every request was accepted (%s)" % sorted(set(statuses)))
check(not [e for e in events if e.get("event") in ("error", "session_restarted")], "no error or restart events")
check("expired" not in out.stderr, "no expired-credentials message")
print("credential refresh through the CLI: %d process runs in %.0f s (gaps %s), %d requests, %d events, %d failures"
      % (len(runs), elapsed, " ".join("%.0f" % g for g in gaps), len(statuses), len(events), len(failures)))
sys.exit(1 if failures else 0)
