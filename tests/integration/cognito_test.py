#!/usr/bin/env python3
"""`appconfigdata watch` with only a Cognito identity pool id (no AWS keys, no profile, no instance
metadata), Cognito reached through AWS_ENDPOINT_URL_COGNITO_IDENTITY: a tiny Cognito Identity stand-in
(http.server) issues credentials that live 20 s; the CLI calls GetId once, GetCredentialsForIdentity
again before each expiry, keeps the identity id in $XDG_CACHE_HOME, and every AppConfig request is
accepted by the emulator. A second run reuses the stored id (no GetId); a corrupt id file means a
fresh GetId.
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.environ["APPCONFIGDATA_SOURCE_ROOT"], "tests", "emulator"))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, write_config  # noqa: E402

BUILD = os.environ["APPCONFIGDATA_BUILD_ROOT"]
CLI = os.path.join(BUILD, "tools", "appconfigdata")
POOL = "us-west-2:0123abcd-4567-89ef-0123-456789abcdef"
LIFETIME = 20
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED:", what)


class Cognito:
    def __init__(self):
        self.calls = []  # (time, target, body)
        self.identities = set()
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                target = self.headers.get("X-Amz-Target", "")
                problems = []
                if self.path != "/":
                    problems.append("path " + self.path)
                if self.headers.get("Content-Type") != "application/x-amz-json-1.1":
                    problems.append("content type")
                if self.headers.get("Authorization"):
                    problems.append("signed")
                try:
                    doc = json.loads(body)
                except ValueError:
                    doc = None
                    problems.append("body not JSON")
                status, reply = outer.answer(target, doc or {}, problems)
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, target, doc, problems):
        with self.lock:
            self.calls.append((time.time(), target, doc, problems))
            if target == "AWSCognitoIdentityService.GetId":
                if doc.get("IdentityPoolId") != POOL:
                    return 400, {"__type": "ResourceNotFoundException", "message": "IdentityPool not found."}
                ident = "us-west-2:id-%d" % (len(self.identities) + 1)
                self.identities.add(ident)
                return 200, {"IdentityId": ident}
            if target == "AWSCognitoIdentityService.GetCredentialsForIdentity":
                ident = doc.get("IdentityId")
                if ident not in self.identities:
                    return 400, {"__type": "ResourceNotFoundException", "message": "Identity '%s' not found." % ident}
                n = sum(1 for c in self.calls if c[1] == target)
                return 200, {"IdentityId": ident, "Credentials": {
                    "AccessKeyId": ACCESS_KEY, "SecretKey": SECRET_KEY, "SessionToken": "COGNITO-TOKEN-%d" % n,
                    "Expiration": int(time.time()) + LIFETIME}}
            return 400, {"__type": "UnknownOperationException", "message": target}

    def count(self, target):
        return sum(1 for c in self.calls if c[1] == "AWSCognitoIdentityService." + target)

    def stop(self):
        self.server.shutdown()


work = tempfile.mkdtemp()
write_config(os.path.join(work, "configs"), "app/env/prof.json", '{"a": 1}\n')
log = os.path.join(work, "requests.jsonl")
emu = Emulator(os.path.join(work, "configs"), "--poll-interval", "2", "--any-session-token", "--log", log)
cognito = Cognito()
cache = os.path.join(work, "cache")
env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "XDG_CACHE_HOME": cache,
       "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
       "AWS_ENDPOINT_URL_APPCONFIGDATA": emu.url, "AWS_ENDPOINT_URL_COGNITO_IDENTITY": cognito.url,
       "APPCONFIGDATA_COGNITO_IDENTITY_POOL_ID": POOL}
id_file = os.path.join(cache, "appconfigdata", "cognito-%s.id" % POOL)


def watch(polls, timeout=150):
    return subprocess.run([CLI, "watch", "--application", "app", "--environment", "env", "--configuration-profile", "prof",
                           "--json", "--max-polls", str(polls)], env=env, capture_output=True, text=True, timeout=timeout)


try:
    start = time.time()
    out = watch(25)
    elapsed = time.time() - start
    statuses = [json.loads(line).get("status") for line in open(log)] if os.path.exists(log) else []
    creds_times = [c[0] for c in cognito.calls if c[1].endswith("GetCredentialsForIdentity")]
    gaps = [b - a for a, b in zip(creds_times, creds_times[1:])]
    check(out.returncode == 0, "watch exits 0 (got %d; stderr: %s)" % (out.returncode, out.stderr[-500:]))
    check(cognito.count("GetId") == 1, "GetId once per run (got %d)" % cognito.count("GetId"))
    check(elapsed > 2 * LIFETIME, "watch ran past two credential lifetimes (%.0f s)" % elapsed)
    check(len(creds_times) >= int(elapsed // LIFETIME) + 1, "credentials fetched again before expiry: %d in %.0f s" % (len(creds_times), elapsed))
    check(all(g < LIFETIME - 1 for g in gaps), "each refresh before the previous credentials expired (gaps %s)" % gaps)
    check(not [c for c in cognito.calls if c[3]], "every Cognito request well formed and unsigned (%s)" % [c[3] for c in cognito.calls if c[3]])
    check(all(s in (200, 201) for s in statuses) and len(statuses) >= 25, "every AppConfig request accepted (%s, %d)" % (sorted(set(statuses)), len(statuses)))
    check(SECRET_KEY not in out.stdout + out.stderr and "COGNITO-TOKEN" not in out.stdout + out.stderr, "no secret printed")
    check(os.path.exists(id_file) and open(id_file).read().strip() == "us-west-2:id-1", "identity id stored in the cache directory")
    first = (len(creds_times), elapsed, gaps)

    # A second run reuses the stored id.
    out2 = watch(1)
    check(out2.returncode == 0, "second run exits 0 (%s)" % out2.stderr[-300:])
    check(cognito.count("GetId") == 1, "second run reused the stored id (GetId %d)" % cognito.count("GetId"))

    # A corrupt id file: a fresh GetId, and the new id stored.
    with open(id_file, "w") as f:
        f.write("\x00garbage not an id\n")
    out3 = watch(1)
    check(out3.returncode == 0, "run with a corrupt id file exits 0 (%s)" % out3.stderr[-300:])
    check(cognito.count("GetId") == 2, "corrupt id file: a fresh GetId (GetId %d)" % cognito.count("GetId"))
    check(open(id_file).read().strip() == "us-west-2:id-2", "the new id stored")

    # A stored id the pool does not know: dropped, GetId once more.
    with open(id_file, "w") as f:
        f.write("us-west-2:gone\n")
    out4 = watch(1)
    check(out4.returncode == 0, "run with a stale id exits 0 (%s)" % out4.stderr[-300:])
    check(cognito.count("GetId") == 3, "stale id: GetId once more (GetId %d)" % cognito.count("GetId"))
    check(open(id_file).read().strip() == "us-west-2:id-3", "the replacement id stored")

    # appconfigdata credentials: where the credentials come from, never a secret.
    def credentials(*extra, environment=None):
        return subprocess.run([CLI, "credentials"] + list(extra), env=environment or env, capture_output=True, text=True, timeout=60)

    c = credentials("--json")
    doc = json.loads(c.stdout) if c.returncode == 0 else {}
    check(c.returncode == 0 and doc.get("source") == "cognito" and doc.get("access_key_id") == ACCESS_KEY and
          doc.get("session_token") is True and doc.get("expiration"), "credentials --json names cognito (%s %s)" % (c.stdout, c.stderr[-300:]))
    check(SECRET_KEY not in c.stdout + c.stderr and "COGNITO-TOKEN" not in c.stdout + c.stderr,
          "credentials prints no secret and no session token")
    plain_env = {k: v for k, v in env.items() if k != "APPCONFIGDATA_COGNITO_IDENTITY_POOL_ID"}
    plain_env.update({"AWS_ACCESS_KEY_ID": "AKIDENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "env-secret-not-printed", "AWS_REGION": "us-east-1"})
    c = credentials(environment=plain_env)
    check(c.returncode == 0 and "environment" in c.stdout and "AKIDENVEXAMPLE" in c.stdout and "env-secret-not-printed" not in c.stdout + c.stderr,
          "credentials names the environment (%s %s)" % (c.stdout, c.stderr[-300:]))
    c = credentials("--cognito-identity-pool-id", POOL, environment=plain_env)
    check(c.returncode == 0 and "cognito" in c.stdout, "--cognito-identity-pool-id wins over the environment (%s)" % c.stdout)
    profile_dir = os.path.join(work, "aws")
    os.makedirs(profile_dir, exist_ok=True)
    with open(os.path.join(profile_dir, "credentials"), "w") as f:
        f.write("[dev]\naws_access_key_id = AKIDPROFILEEXAMPLE\naws_secret_access_key = profile-secret-not-printed\n")
    prof_env = {k: v for k, v in plain_env.items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
    prof_env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(profile_dir, "credentials")
    c = credentials("--profile", "dev", environment=prof_env)
    check(c.returncode == 0 and "profile dev" in c.stdout and "AKIDPROFILEEXAMPLE" in c.stdout and "profile-secret" not in c.stdout + c.stderr,
          "credentials names the profile (%s %s)" % (c.stdout, c.stderr[-300:]))
    none_env = {k: v for k, v in prof_env.items() if k != "AWS_SHARED_CREDENTIALS_FILE"}
    c = credentials(environment=none_env)
    check(c.returncode == 1 and "no usable AWS credentials" in c.stderr and "environment" in c.stderr,
          "no credentials: exit 1 with the chain's explanation (%d %s)" % (c.returncode, c.stderr[-300:]))
finally:
    emu.stop()
    cognito.stop()

print("cognito through the CLI: %d GetCredentialsForIdentity in %.0f s (gaps %s), %d failures"
      % (first[0], first[1], " ".join("%.0f" % g for g in first[2]), len(failures)) if 'first' in dir() else "no first run")
sys.exit(1 if failures else 0)
