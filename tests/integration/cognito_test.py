#!/usr/bin/env python3
"""`appconfigdata watch` with only a Cognito identity pool id (no AWS keys, no profile, no instance
metadata), Cognito reached through AWS_ENDPOINT_URL_COGNITO_IDENTITY: a tiny Cognito Identity stand-in
(http.server) issues credentials that live 20 s; the CLI calls GetId once, GetCredentialsForIdentity
again before each expiry, keeps the identity id in $XDG_CACHE_HOME, and every AppConfig request is
accepted by the emulator. A second run reuses the stored id (no GetId); a corrupt id file means a
fresh GetId. Then: the basic (classic) flow (GetOpenIdToken + STS AssumeRoleWithWebIdentity, the same
stand-in playing STS), an authenticated identity whose login token is read from a file, the endpoint
from the profile's [services] section, and `appconfigdata credentials` for every kind of source.
"""
import urllib.parse
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
LIFETIME = int(os.environ.get("COGNITO_TEST_LIFETIME", "20"))  # seconds; 90 for the by-hand run
POLLS = max(25, int(LIFETIME * 2.6 / 2))  # polls 2 s apart: past two lifetimes
OPENID_TOKEN = "OPENID-TOKEN-must-not-print"
ROLE = "arn:aws:iam::123456789012:role/Cognito_PoolUnauth_Role"
LOGIN_TOKEN = "GOOGLE-LOGIN-TOKEN-must-not-print"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED:", what)


class Cognito:
    def __init__(self):
        self.calls = []  # (time, target, body, problems)
        self.sts_calls = []  # (Action, RoleArn, WebIdentityToken, signed)
        self.identities = set()
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    data = outer.sts(dict(urllib.parse.parse_qsl(body.decode())), bool(self.headers.get("Authorization"))).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
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
            if target == "AWSCognitoIdentityService.GetOpenIdToken":
                ident = doc.get("IdentityId")
                if ident not in self.identities:
                    return 400, {"__type": "ResourceNotFoundException", "message": "Identity '%s' not found." % ident}
                return 200, {"IdentityId": ident, "Token": OPENID_TOKEN}
            return 400, {"__type": "UnknownOperationException", "message": target}

    # STS: AssumeRoleWithWebIdentity (unsigned, with the pool's OpenID token) and AssumeRole (signed).
    def sts(self, form, signed):
        with self.lock:
            self.sts_calls.append((form.get("Action"), form.get("RoleArn"), form.get("WebIdentityToken"), signed))
        action = form.get("Action", "")
        expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return ("<{a}Response><{a}Result><Credentials><AccessKeyId>{k}</AccessKeyId><SecretAccessKey>{s}</SecretAccessKey>"
                "<SessionToken>STS-TOKEN-1</SessionToken><Expiration>{e}</Expiration></Credentials></{a}Result></{a}Response>"
                ).format(a=action, k=ACCESS_KEY, s=SECRET_KEY, e=expiration)

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


def watch(polls, *extra, environment=None, timeout=None):
    timeout = timeout or max(150, polls * 2 + 90)
    return subprocess.run([CLI, "watch", "--application", "app", "--environment", "env", "--configuration-profile", "prof",
                           "--json", "--max-polls", str(polls)] + list(extra), env=environment or env, capture_output=True, text=True,
                          timeout=timeout)


def no_secret(text):
    return all(x not in text for x in (SECRET_KEY, "COGNITO-TOKEN", OPENID_TOKEN, LOGIN_TOKEN, "STS-TOKEN"))


def statuses_of(path):
    return [json.loads(line).get("status") for line in open(path)] if os.path.exists(path) else []


try:
    start = time.time()
    out = watch(POLLS)
    elapsed = time.time() - start
    statuses = statuses_of(log)
    creds_times = [c[0] for c in cognito.calls if c[1].endswith("GetCredentialsForIdentity")]
    gaps = [b - a for a, b in zip(creds_times, creds_times[1:])]
    check(out.returncode == 0, "watch exits 0 (got %d; stderr: %s)" % (out.returncode, out.stderr[-500:]))
    check(cognito.count("GetId") == 1, "GetId once per run (got %d)" % cognito.count("GetId"))
    check(elapsed > 2 * LIFETIME, "watch ran past two credential lifetimes (%.0f s)" % elapsed)
    check(len(creds_times) >= int(elapsed // LIFETIME) + 1, "credentials fetched again before expiry: %d in %.0f s" % (len(creds_times), elapsed))
    check(all(g < LIFETIME - 1 for g in gaps), "each refresh before the previous credentials expired (gaps %s)" % gaps)
    check(not [c for c in cognito.calls if c[3]], "every Cognito request well formed and unsigned (%s)" % [c[3] for c in cognito.calls if c[3]])
    check(all(s in (200, 201) for s in statuses) and len(statuses) >= POLLS, "every AppConfig request accepted (%s, %d)" % (sorted(set(statuses)), len(statuses)))
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
    c = credentials("--profile", "dev", "--json", environment=prof_env)
    doc = json.loads(c.stdout) if c.returncode == 0 else {}
    check(doc.get("source") == "profile" and doc.get("profile") == "dev" and doc.get("profile_kind") == "static",
          "credentials --json: profile dev, kind static (%s)" % c.stdout)

    # A profile with credential_process, and one that assumes a role with it (STS = the stand-in).
    helper = os.path.join(work, "creds.sh")
    with open(helper, "w") as f:
        f.write("#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESSEXAMPLE\", \"SecretAccessKey\": \"process-secret\"}'\n")
    os.chmod(helper, 0o755)
    with open(os.path.join(profile_dir, "config"), "w") as f:
        f.write("[profile proc]\ncredential_process = %s\n[profile admin]\nrole_arn = %s\nsource_profile = proc\n" % (helper, ROLE))
    kinds_env = dict(prof_env, AWS_CONFIG_FILE=os.path.join(profile_dir, "config"), AWS_ENDPOINT_URL_STS=cognito.url)
    c = credentials("--profile", "proc", environment=kinds_env)
    check(c.returncode == 0 and "profile proc (process)" in c.stdout and "AKIDPROCESSEXAMPLE" in c.stdout and "process-secret" not in c.stdout + c.stderr,
          "credentials names a credential_process profile (%s %s)" % (c.stdout, c.stderr[-300:]))
    c = credentials("--profile", "admin", "--json", environment=kinds_env)
    doc = json.loads(c.stdout) if c.returncode == 0 else {}
    check(doc.get("profile") == "admin" and doc.get("profile_kind") == "assume-role %s via process" % ROLE and doc.get("session_token") is True
          and no_secret(c.stdout + c.stderr), "credentials names an assume-role profile and its source (%s %s)" % (c.stdout, c.stderr[-300:]))
    check(cognito.sts_calls and cognito.sts_calls[-1][0] == "AssumeRole" and cognito.sts_calls[-1][3], "AssumeRole was signed")
    none_env = {k: v for k, v in prof_env.items() if k != "AWS_SHARED_CREDENTIALS_FILE"}
    c = credentials(environment=none_env)
    check(c.returncode == 1 and "no usable AWS credentials" in c.stderr and "environment" in c.stderr,
          "no credentials: exit 1 with the chain's explanation (%d %s)" % (c.returncode, c.stderr[-300:]))

    # The basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity with the pool's token.
    basic_env = dict(env, AWS_ENDPOINT_URL_STS=cognito.url)
    before = (cognito.count("GetCredentialsForIdentity"), len(cognito.sts_calls), len(statuses_of(log)))
    out = watch(3, "--cognito-role-arn", ROLE, environment=basic_env)
    web = [c for c in cognito.sts_calls[before[1]:] if c[0] == "AssumeRoleWithWebIdentity"]
    check(out.returncode == 0, "basic flow: watch exits 0 (%s)" % out.stderr[-300:])
    check(cognito.count("GetOpenIdToken") == 1 and cognito.count("GetCredentialsForIdentity") == before[0],
          "basic flow: GetOpenIdToken, no GetCredentialsForIdentity (%d, %d)" % (cognito.count("GetOpenIdToken"), cognito.count("GetCredentialsForIdentity") - before[0]))
    check(len(web) == 1 and web[0][1] == ROLE and web[0][2] == OPENID_TOKEN and not web[0][3],
          "basic flow: one unsigned AssumeRoleWithWebIdentity for the role with the pool's token (%s)" % [(w[0], w[1], w[3]) for w in web])
    check(all(s in (200, 201) for s in statuses_of(log)[before[2]:]), "basic flow: AppConfig requests accepted")
    check(no_secret(out.stdout + out.stderr), "basic flow: nothing secret printed")
    c = credentials("--cognito-role-arn", ROLE, "--json", environment=basic_env)
    check(c.returncode == 0 and json.loads(c.stdout).get("source") == "cognito", "credentials --cognito-role-arn names cognito (%s)" % c.stdout)

    # An authenticated identity: the login token comes from a file, never from the command line.
    token_file = os.path.join(work, "google.token")
    with open(token_file, "w") as f:
        f.write(LOGIN_TOKEN + "\n")
    n = len(cognito.calls)
    out = watch(1, "--cognito-login", "accounts.google.com=" + token_file)
    sent_logins = [c[2].get("Logins") for c in cognito.calls[n:]]
    check(out.returncode == 0, "authenticated: watch exits 0 (%s)" % out.stderr[-300:])
    check(sent_logins and all(l == {"accounts.google.com": LOGIN_TOKEN} for l in sent_logins),
          "authenticated: every Cognito call carries the login (%d calls)" % len(sent_logins))
    check(no_secret(out.stdout + out.stderr), "authenticated: the login token is not printed")
    out = watch(1, "--cognito-login", "accounts.google.com=" + os.path.join(work, "missing.token"))
    check(out.returncode != 0 and "missing.token" in out.stderr and no_secret(out.stderr),
          "authenticated: a missing token file is an error naming the file (%d %s)" % (out.returncode, out.stderr[-300:]))
    out = watch(1, "--cognito-login", "no-equals-sign")
    check(out.returncode == 2 and "PROVIDER=TOKEN_FILE" in out.stderr, "authenticated: a malformed --cognito-login is a usage error (%d)" % out.returncode)

    # The Cognito endpoint from the profile's [services] section (no AWS_ENDPOINT_URL_COGNITO_IDENTITY).
    services_config = os.path.join(work, "services.config")
    with open(services_config, "w") as f:
        f.write("[default]\nservices = local\n[services local]\ncognito_identity =\n  endpoint_url = %s\n" % cognito.url)
    svc_env = {k: v for k, v in env.items() if k != "AWS_ENDPOINT_URL_COGNITO_IDENTITY"}
    svc_env["AWS_CONFIG_FILE"] = services_config
    n = len(cognito.calls)
    out = watch(1, environment=svc_env)
    check(out.returncode == 0 and len(cognito.calls) > n, "endpoint from the profile's [services] section (%d calls; %s)" % (len(cognito.calls) - n, out.stderr[-300:]))

    # appconfigdata agent with only the pool id: the configuration is served with the pool's credentials.
    import socket
    import urllib.request
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    agent_port = sock.getsockname()[1]
    sock.close()
    n = cognito.count("GetCredentialsForIdentity")
    agent_log = os.path.join(work, "agent.log")
    agent = subprocess.Popen([CLI, "agent"], env=dict(env, HTTP_PORT=str(agent_port), LOG_PATH=agent_log, PREFETCH_LIST="app:env:prof"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body, deadline = None, time.time() + 20
        while time.time() < deadline and body is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/applications/app/environments/env/configurations/prof" % agent_port, timeout=5) as r:
                    body = r.read()
            except OSError:
                time.sleep(0.2)
        check(body == b'{"a": 1}\n', "agent with only a Cognito pool id serves the configuration (%r)" % body)
        check(cognito.count("GetCredentialsForIdentity") > n, "the agent got its credentials from Cognito")
        check(no_secret(open(agent_log).read()), "the agent's log holds no secret")
    finally:
        agent.terminate()
        agent.wait(15)
finally:
    emu.stop()
    cognito.stop()

print("cognito through the CLI: %d GetCredentialsForIdentity in %.0f s (gaps %s), %d failures"
      % (first[0], first[1], " ".join("%.0f" % g for g in first[2]), len(failures)) if 'first' in dir() else "no first run")
sys.exit(1 if failures else 0)
