"""Helpers for tests that run appconfigdata-emulator (Python 3 standard library only).

    from emulator_support import Emulator, Client, write_config
    with Emulator(config_dir, "--poll-interval", "1") as emu:      # --port 0 is added
        client = Client(emu.host, emu.port)                         # keep-alive, SigV4-signed
        status, headers, body = client.start_session("app", "env", "prof")

The binary: $APPCONFIGDATA_EMULATOR, else $APPCONFIGDATA_BUILD_ROOT/tools/appconfigdata-emulator.
Default key pair: the emulator's own default (AKIDEXAMPLE / the SigV4 docs' example secret).
"""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.parse

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"


def emulator_binary():
    path = os.environ.get("APPCONFIGDATA_EMULATOR")
    if path:
        return path
    root = os.environ.get("APPCONFIGDATA_BUILD_ROOT", "build")
    return os.path.join(root, "tools", "appconfigdata-emulator")


def write_config(root, relative, content):
    """Writes root/relative (creating folders); content is str or bytes."""
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode) as f:
        f.write(content)
    return path


class Emulator:
    """Runs the emulator on a free loopback port; stop() sends SIGTERM and returns the exit code."""

    def __init__(self, config_dir, *args, binary=None, preexec_fn=None):
        argv = [binary or emulator_binary(), "--config-dir", config_dir] + list(args)
        if not any(a == "--port" or a.startswith("--port=") for a in args):
            argv += ["--port", "0"]
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.stderr, preexec_fn=preexec_fn)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on http://"):
            self.stop()
            raise RuntimeError("emulator did not start: %r; stderr: %s" % (line, self.stderr_text()))
        self.url = line[len("listening on "):]
        hostport = self.url[len("http://"):]
        self.host, _, port = hostport.rpartition(":")
        self.port = int(port)
        self.returncode = None

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        return self.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _quote(s):
    return urllib.parse.quote(s, safe="-_.~")


def sign(method, host, path, query_pairs, body, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, now=None, session_token=None):
    """SigV4 headers (Host, X-Amz-Date, [X-Amz-Security-Token,] Authorization) for service 'appconfig'.
    query_pairs: [(k, v)] raw; a value may be bytes (sent percent-encoded as they are, e.g. b"\\xff")."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    canonical_query = "&".join("%s=%s" % (_quote(k), _quote(v)) for k, v in sorted(query_pairs))
    payload_hash = hashlib.sha256(body).hexdigest()
    header_lines = ["host:" + host, "x-amz-date:" + amz_date] + (["x-amz-security-token:" + session_token] if session_token else [])
    signed = "host;x-amz-date" + (";x-amz-security-token" if session_token else "")
    canonical = "\n".join([method, path, canonical_query] + header_lines + ["", signed, payload_hash])
    scope = "%s/%s/appconfig/aws4_request" % (date, region)
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (date, region, "appconfig", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers = {
        "Host": host,
        "X-Amz-Date": amz_date,
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (access_key, scope, signed, signature),
    }
    if session_token:
        headers["X-Amz-Security-Token"] = session_token
    return headers


def start_session_request(app, env, profile, min_interval=None):
    body = {"ApplicationIdentifier": app, "EnvironmentIdentifier": env, "ConfigurationProfileIdentifier": profile}
    if min_interval is not None:
        body["RequiredMinimumPollIntervalInSeconds"] = min_interval
    return json.dumps(body).encode()


class Client:
    """A keep-alive HTTP/1.1 client of the emulator that signs every request."""

    def __init__(self, host, port, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION):
        self.host, self.port = host, port
        self.authority = "%s:%d" % (host, port)
        self.access_key, self.secret_key, self.region = access_key, secret_key, region
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def request(self, method, path, query_pairs=(), body=b""):
        headers = sign(method, self.authority, path, list(query_pairs), body, self.access_key, self.secret_key, self.region)
        if body:
            headers["Content-Type"] = "application/json"
        target = path + ("?" + "&".join("%s=%s" % (_quote(k), _quote(v)) for k, v in query_pairs) if query_pairs else "")
        self.conn.request(method, target, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def start_session(self, app, env, profile, min_interval=None):
        return self.request("POST", "/configurationsessions", body=start_session_request(app, env, profile, min_interval))

    def get_latest(self, token):
        return self.request("GET", "/configuration", [("configuration_token", token)])

    def close(self):
        self.conn.close()


def read_log(path):
    """Every line of an emulator --log as JSON. Strict: a line that is not UTF-8 or not JSON raises
    ValueError naming the line (the emulator promises valid UTF-8 JSON lines always)."""
    records = []
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
                if line.strip():
                    records.append(json.loads(line))
            except ValueError as e:
                raise ValueError("%s line %d is not UTF-8 JSON: %s" % (path, number, e)) from None
    return records


def check_log_invariants(records):
    """Problems in an emulator --log: a token that succeeded twice, or a successful poll of a session
    sooner than the interval handed out by its previous successful poll. Returns a list of strings."""
    problems = []
    used = set()
    last = {}
    for r in records:
        if r.get("path") != "/configuration" or r.get("status") != 200:
            continue
        token = r.get("token")
        if token in used:
            problems.append("token used twice: session %s" % r.get("session"))
        used.add(token)
        t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
        prev = last.get(r["session"])
        if prev is not None:
            elapsed = (t - prev[0]).total_seconds()
            if elapsed + 0.001 < prev[1]:
                problems.append("poll %.3fs after the previous one, interval %ds: session %s" % (elapsed, prev[1], r["session"]))
        last[r["session"]] = (t, r.get("poll_interval", 0))
    return problems


def wait_port_closed(host, port, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            http.client.HTTPConnection(host, port, timeout=0.5).connect()
        except OSError:
            return True
        time.sleep(0.05)
    return False
