#!/usr/bin/env python3
"""`appconfigdata agent` against the emulator: the AWS AppConfig Agent's local HTTP API.

- PREFETCH_LIST=app:env:flags POLL_INTERVAL=1: GET answers the configuration with a JSON content type
  and Configuration-Version, follows an edit within a few seconds, ?flag=X returns only X, 300
  requests from 20 parallel callers all get 200 while the service sees only a handful, an unknown
  application gets 404 with the AWS error type, /ping and /metrics (Prometheus text) answer, and the
  emulator's log keeps every session invariant.
- ACCESS_TOKEN: no or wrong bearer -> 401, the right one -> 200.
- BACKUP_DIRECTORY from that run, the service gone: the backed-up configuration is served; a corrupt
  backup is reported and ignored.
- LOCAL_DEVELOPMENT_DIRECTORY with game:dev:settings.json: served, no service, no credentials.
- Bad settings refuse to start naming the variable; bad callers get 4xx and do not block others.
- SIGTERM: exits 0.
"""
import http.client
import http.server
import json
import urllib.parse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.environ["APPCONFIGDATA_SOURCE_ROOT"], "tests", "emulator"))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, check_log_invariants, read_log, write_config  # noqa: E402

BUILD = os.environ["APPCONFIGDATA_BUILD_ROOT"]
CLI = os.path.join(BUILD, "tools", "appconfigdata")
TOKEN = "agent-access-token-must-not-print"
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAILED:", what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Agent:
    def __init__(self, env, extra_env=None):
        self.port = free_port()
        self.env = dict(env, HTTP_PORT=str(self.port), **(extra_env or {}))
        self.log = tempfile.NamedTemporaryFile(prefix="agent-", suffix=".log", dir=work, delete=False).name
        self.env["LOG_PATH"] = self.log
        self.proc = subprocess.Popen([CLI, "agent"], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("agent exited %d: %s" % (self.proc.returncode, self.proc.stderr.read().decode()))
            if "serving on" in self.log_text():
                return
            time.sleep(0.05)
        raise RuntimeError("agent did not start: " + self.log_text())

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def get(self, path, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


FLAGS_V1 = {"dark_mode": {"enabled": True, "level": 3}, "beta": {"enabled": False}}
FLAGS_V2 = {"dark_mode": {"enabled": True, "level": 4}, "beta": {"enabled": True}}
PATH = "/applications/app/environments/env/configurations/flags"

work = tempfile.mkdtemp()
configs = os.path.join(work, "configs")
write_config(configs, "app/env/flags.json", json.dumps(FLAGS_V1))
service_log = os.path.join(work, "requests.jsonl")
emu = Emulator(configs, "--poll-interval", "1", "--log", service_log)
backups = os.path.join(work, "backups")
os.makedirs(backups)
base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "SERVICE_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_APPCONFIGDATA": emu.url}
summary = {}
try:
    agent = Agent(base_env, {"PREFETCH_LIST": "app:env:flags", "POLL_INTERVAL": "1", "BACKUP_DIRECTORY": backups, "LOG_LEVEL": "debug"})
    try:
        status, headers, body = agent.get(PATH)
        check(status == 200 and headers.get("content-type") == "application/json" and json.loads(body) == FLAGS_V1,
              "GET answers the configuration as JSON (%d %s %r)" % (status, headers.get("content-type"), body[:80]))
        check(headers.get("configuration-version"), "Configuration-Version header present")
        first_version = headers.get("configuration-version")

        # 300 requests from 20 callers: all 200, the service barely notices.
        before = len(read_log(service_log))
        results = []
        lock = threading.Lock()

        def caller():
            conn = http.client.HTTPConnection("127.0.0.1", agent.port, timeout=10)
            for _ in range(15):
                conn.request("GET", PATH)
                r = conn.getresponse()
                r.read()
                with lock:
                    results.append(r.status)
            conn.close()

        start = time.time()
        threads = [threading.Thread(target=caller) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - start
        service_requests = len(read_log(service_log)) - before
        check(len(results) == 300 and all(s == 200 for s in results), "300 parallel requests all 200 (%s)" % sorted(set(results)))
        check(service_requests <= max(5, int(elapsed) + 3),
              "the service saw a handful of requests meanwhile (%d in %.1f s)" % (service_requests, elapsed))
        summary["parallel"] = "300 requests from 20 callers in %.2f s, %d service requests" % (elapsed, service_requests)

        # ?flag=
        status, _, body = agent.get(PATH + "?flag=dark_mode")
        doc = json.loads(body) if status == 200 else {}
        check(status == 200 and list(doc) == ["dark_mode"] and doc["dark_mode"].get("level") == 3, "?flag=dark_mode returns only it (%r)" % body)
        status, _, body = agent.get(PATH + "?flag=dark_mode&flag=beta")
        check(status == 200 and sorted(json.loads(body)) == ["beta", "dark_mode"], "?flag= twice returns both (%r)" % body)
        status, _, body = agent.get(PATH + "?flag=nope")
        check(status == 404, "unknown flag is 404 (%d)" % status)

        # A change on the service side is followed within a few seconds.
        write_config(configs, "app/env/flags.json", json.dumps(FLAGS_V2))
        changed_at = time.time()
        seen = None
        while time.time() - changed_at < 10:
            status, headers, body = agent.get(PATH)
            if status == 200 and json.loads(body) == FLAGS_V2:
                seen = time.time() - changed_at
                break
            time.sleep(0.2)
        check(seen is not None and seen < 6, "the change is served within a few seconds (%s)" % seen)
        check(headers.get("configuration-version") != first_version, "a new Configuration-Version")
        summary["change"] = "change served after %.1f s" % (seen or -1)

        # Not prefetched: fetched on the first request; unknown application: 404 with the AWS type.
        write_config(configs, "app/env/plain.txt", "hello\n")
        status, headers, body = agent.get("/applications/app/environments/env/configurations/plain")
        check(status == 200 and body == b"hello\n" and headers.get("content-type") == "text/plain", "first request fetches (%d %r)" % (status, body))
        status, _, body = agent.get("/applications/nope/environments/env/configurations/flags")
        check(status == 404 and b"ResourceNotFoundException" in body, "unknown application: 404 with the AWS error type (%d %r)" % (status, body))
        # Names are URL-decoded (a slash in a name).
        write_config(configs, "app/env/a b.json", "{}")
        status, _, _ = agent.get("/applications/app/environments/env/configurations/a%20b")
        check(status == 200, "URL-encoded names are decoded (%d)" % status)

        # Bad callers: 4xx, and nobody else waits.
        status, _, _ = agent.get("/applications/app/environments/env/configurations/%ff%fe")
        check(status == 400, "non-UTF-8 name: 400 (%d)" % status)
        status, _, _ = agent.get("/etc/passwd")
        check(status == 404, "unknown path: 404 (%d)" % status)
        status, _, _ = agent.get(PATH, headers={"X-Big": "x" * 20000})
        check(status == 431, "oversized header: 431 (%d)" % status)
        slow = socket.create_connection(("127.0.0.1", agent.port))
        slow.sendall(b"GET " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n")  # never finished
        t0 = time.time()
        status, _, _ = agent.get(PATH)
        check(status == 200 and time.time() - t0 < 1, "a slow caller does not block others")
        slow.close()

        # /ping and /metrics
        status, _, body = agent.get("/ping")
        check(status == 200 and body.startswith(b"appconfigdata agent "), "/ping answers the version (%r)" % body)
        status, headers, body = agent.get("/metrics")
        text = body.decode()
        sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? -?[0-9.e+]+$')
        bad_lines = [l for l in text.splitlines() if l and not l.startswith("# HELP ") and not l.startswith("# TYPE ") and not sample.match(l)]
        check(status == 200 and headers.get("content-type", "").startswith("text/plain") and not bad_lines,
              "/metrics is Prometheus text (%s)" % bad_lines[:3])
        check(re.search(r'appconfigdata_agent_polls_total\{application="app",environment="env",profile="flags"\} [1-9]', text),
              "/metrics counts the polls of app:env:flags")
        check("appconfigdata_agent_billable_requests_total" in text and "appconfigdata_agent_configurations 3" in text,
              "/metrics has billable requests and configurations held")

        log_text = agent.log_text()
        check("retrieved initial data for 'app:env:flags'" in log_text, "the log says what was retrieved")
        check(SECRET_KEY not in log_text and '"dark_mode"' not in log_text and "level" not in log_text.replace("LOG_LEVEL", ""),
              "the agent's log holds no secret and no configuration body")
    finally:
        rc = agent.stop()
        check(rc == 0, "SIGTERM: exit 0 (%s)" % rc)

    problems = check_log_invariants(read_log(service_log))
    check(not problems, "every session invariant holds in the service's log (%s)" % problems[:3])
    check(os.listdir(backups), "backups written (%s)" % os.listdir(backups))

    # ACCESS_TOKEN
    agent = Agent(base_env, {"ACCESS_TOKEN": TOKEN, "POLL_INTERVAL": "1"})
    try:
        status, _, _ = agent.get(PATH)
        check(status == 401, "ACCESS_TOKEN: no Authorization -> 401 (%d)" % status)
        status, _, _ = agent.get(PATH, headers={"Authorization": "Bearer wrong"})
        check(status == 401, "ACCESS_TOKEN: wrong token -> 401 (%d)" % status)
        status, _, body = agent.get(PATH, headers={"Authorization": "Bearer " + TOKEN})
        check(status == 200 and json.loads(body) == FLAGS_V2, "ACCESS_TOKEN: right token -> 200 (%d)" % status)
        check(TOKEN not in agent.log_text(), "the access token is not logged")
    finally:
        agent.stop()
finally:
    emu.stop()

# ROLE_ARN through PROXY_URL: an STS stand-in issues the role's credentials (signed AssumeRole with the
# environment's keys and the external id), a forward proxy stand-in sees every call to the service and STS.
ROLE = "arn:aws:iam::123456789012:role/AgentRole"
sts_calls, proxied = [], []


class StsHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()))
        sts_calls.append((form, self.headers.get("Authorization", "")))
        exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        data = ("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                "<SessionToken>ROLE-SESSION-TOKEN</SessionToken><Expiration>%s</Expiration></Credentials></AssumeRoleResult>"
                "</AssumeRoleResponse>" % (ACCESS_KEY, SECRET_KEY, exp)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def forward(self):
        url = urllib.parse.urlsplit(self.path)  # a proxy gets the absolute URI
        proxied.append((self.command, url.netloc, url.path))
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        conn = http.client.HTTPConnection(url.netloc, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        conn.request(self.command, url.path + ("?" + url.query if url.query else ""), body=body or None, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = forward
    do_POST = forward


sts = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StsHandler)
proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ProxyHandler)
for srv in (sts, proxy):
    threading.Thread(target=srv.serve_forever, daemon=True).start()
emu = Emulator(configs, "--poll-interval", "1", "--any-session-token")
try:
    agent = Agent(dict(base_env, AWS_ENDPOINT_URL_APPCONFIGDATA=emu.url, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d" % sts.server_address[1]),
                  {"ROLE_ARN": ROLE, "ROLE_EXTERNAL_ID": "ext-42", "ROLE_SESSION_NAME": "agent-test",
                   "PROXY_URL": "http://127.0.0.1:%d" % proxy.server_address[1]})
    try:
        status, _, body = agent.get(PATH)
        check(status == 200 and json.loads(body) == FLAGS_V2, "ROLE_ARN: the configuration is served (%d %r)" % (status, body[:100]))
        roles = [f for f, auth in sts_calls if f.get("Action") == "AssumeRole"]
        check(roles and roles[0].get("RoleArn") == ROLE and roles[0].get("ExternalId") == "ext-42" and roles[0].get("RoleSessionName") == "agent-test"
              and ("Credential=" + ACCESS_KEY) in sts_calls[0][1], "ROLE_ARN: one signed AssumeRole with the external id and session name (%s)" % roles)
        check(any(p[2] == "/configurationsessions" for p in proxied) and any(p[2] == "/" and "127.0.0.1:%d" % sts.server_address[1] == p[1] for p in proxied),
              "PROXY_URL: the service and STS are reached through the proxy (%s)" % proxied[:4])
        check("ROLE-SESSION-TOKEN" not in agent.log_text(), "the role's session token is not logged")
    finally:
        agent.stop()
finally:
    emu.stop()
    sts.shutdown()
    proxy.shutdown()

# The service gone: the backup from the first run is served (PRELOAD_BACKUPS default true, and false).
gone = {k: v for k, v in base_env.items()}
gone["AWS_ENDPOINT_URL_APPCONFIGDATA"] = "http://127.0.0.1:%d" % free_port()
for preload in ("true", "false"):
    agent = Agent(gone, {"BACKUP_DIRECTORY": backups, "PRELOAD_BACKUPS": preload, "REQUEST_TIMEOUT": "1500ms"})
    try:
        status, _, body = agent.get(PATH)
        check(status == 200 and json.loads(body) == FLAGS_V2, "service unreachable, PRELOAD_BACKUPS=%s: the backup is served (%d)" % (preload, status))
        status, _, body = agent.get("/applications/app/environments/env/configurations/never-backed-up")
        check(status == 503 and b"REQUEST_TIMEOUT" in body, "nothing cached or backed up: 503 with the reason (%d %r)" % (status, body[:120]))
    finally:
        agent.stop()
# A corrupt backup is reported and ignored.
for name in os.listdir(backups):
    if "flags" in name:
        with open(os.path.join(backups, name), "r+b") as f:
            f.seek(40)
            f.write(b"XXXX")
agent = Agent(gone, {"BACKUP_DIRECTORY": backups, "REQUEST_TIMEOUT": "1000ms"})
try:
    status, _, _ = agent.get(PATH)
    check(status == 503, "a corrupt backup is not served (%d)" % status)
    check("ignoring the backup of 'app:env:flags'" in agent.log_text(), "a corrupt backup is reported")
finally:
    agent.stop()

# Local development mode: no service, no credentials.
local = os.path.join(work, "local")
write_config(local, "game:dev:settings.json", '{"speed": 7}')
local_env = {"PATH": base_env["PATH"], "HOME": work, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
agent = Agent(local_env, {"LOCAL_DEVELOPMENT_DIRECTORY": local, "POLL_INTERVAL": "1"})
try:
    status, headers, body = agent.get("/applications/game/environments/dev/configurations/settings")
    check(status == 200 and headers.get("content-type") == "application/json" and json.loads(body) == {"speed": 7},
          "local development: the file is served (%d %r)" % (status, body))
    write_config(local, "game:dev:settings.json", '{"speed": 8}')
    time.sleep(1.2)
    status, _, body = agent.get("/applications/game/environments/dev/configurations/settings")
    check(status == 200 and json.loads(body) == {"speed": 8}, "local development: re-read at the poll interval (%r)" % body)
    status, _, _ = agent.get("/applications/game/environments/dev/configurations/missing")
    check(status == 404, "local development: a missing file is 404 (%d)" % status)
    status, _, _ = agent.get("/applications/..%2F..%2Fetc/environments/dev/configurations/passwd")
    check(status == 400, "local development: path traversal is 400 (%d)" % status)
finally:
    agent.stop()

# Bad settings: refuse to start, naming the variable.
for var, value in [("POLL_INTERVAL", "soon"), ("REQUEST_TIMEOUT", "5m"), ("HTTP_PORT", "70000"), ("LOG_LEVEL", "loud"),
                   ("PREFETCH_LIST", "app:env"), ("PRELOAD_BACKUPS", "maybe"), ("MANIFEST", "app:env:manifest"),
                   ("ROLE_ARN", "not-an-arn")]:
    out = subprocess.run([CLI, "agent"], env=dict(base_env, **{var: value}), capture_output=True, text=True, timeout=20)
    check(out.returncode == 2 and var in out.stderr, "%s=%s refuses to start naming it (%d %s)" % (var, value, out.returncode, out.stderr.strip()[-150:]))
no_region = {k: v for k, v in base_env.items() if k != "SERVICE_REGION"}
out = subprocess.run([CLI, "agent"], env=no_region, capture_output=True, text=True, timeout=30)
check(out.returncode == 1 and "region" in out.stderr, "no region: refuses to start saying why (%d %s)" % (out.returncode, out.stderr.strip()[-150:]))

print("agent: %d checks, %d failures; %s; %s" % (checks, len(failures), summary.get("parallel", "-"), summary.get("change", "-")))
sys.exit(1 if failures else 0)
