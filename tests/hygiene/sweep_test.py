#!/usr/bin/env python3
"""Secret hygiene sweep (issue 19): every CLI command and every example, against the emulator and
against quoting_service.py (a stand-in that quotes the request back, as AWS's 403s do), in every
failure mode the suite knows, with distinctive secret values. Fails when any stdout, stderr or
emulator log line holds a piece of the secret access key or the session token.

Failure modes: wrong secret (with and without a session token), wrong region, expired token,
unrecognized token, throttling, 5xx, a proxy echoing headers, transport failure, bad arguments;
each service answer on StartConfigurationSession and on GetLatestConfiguration.

Usage: sweep_test.py BUILD_ROOT   (needs tools/appconfigdata; uses the emulator and the examples
when they were built). Python 3 standard library only.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("APPCONFIGDATA_BUILD_ROOT", "build")
CLI = os.path.join(BUILD, "tools", "appconfigdata")
EMULATOR = os.path.join(BUILD, "tools", "appconfigdata-emulator")
CURL_GET = os.path.join(BUILD, "examples", "curl_get")
IN_PROCESS_EXAMPLES = [(os.path.join(BUILD, "examples", "custom_callback"), []), (os.path.join(BUILD, "examples", "frame_loop"), ["5"])]
# The examples' own in-process stand-ins sign with the documentation's example key.
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "SweepSecretKey/KeepPrivate+0123456789abcdefXYZ"
# As long as real session tokens and with their bytes ('/', '+', '='): the service's 1 KiB message cut
# may fall inside it, and its percent-encoded form differs from it.
SESSION_TOKEN = "IQoJb3JpZ2luX2VjSweep" + "".join("/SweepToken+DoNotLeak=%02d" % i for i in range(18))
WINDOW = 10  # no run of this many bytes of a secret may appear anywhere

stats = {"runs": 0, "checks": 0, "failures": 0}


def pieces(secret):
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote(urllib.parse.quote(secret, safe=""), safe="")}
    out = set()
    for f in forms:
        for i in range(0, max(1, len(f) - WINDOW + 1)):
            out.add(f[i:i + WINDOW])
    return out


SECRET_PIECES = {"secret access key": pieces(SECRET_KEY), "session token": pieces(SESSION_TOKEN)}


def fail(what, text=""):
    stats["failures"] += 1
    print("FAILED:", what)
    if text:
        print("    " + text.replace("\n", "\n    ")[:4000])


def check_clean(what, text, also=(), skip=()):
    stats["checks"] += 1
    for name, ps in [kv for kv in SECRET_PIECES.items() if kv[0] not in skip] + [(a, pieces(a)) for a in also]:
        hit = next((p for p in ps if p in text), None)
        if hit is not None:
            fail("%s: a piece of the %s (%r) appears in the output" % (what, name, hit), text)
            return False
    return True


def expect(cond, what, text=""):
    stats["checks"] += 1
    if not cond:
        fail(what, text)


def clean_env(home, **extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "AWS_CONFIG_FILE": os.path.join(home, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"), "AWS_EC2_METADATA_DISABLED": "true"}
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def run(argv, env, stop_after=None, timeout=60):
    """Runs argv; with stop_after, interrupts it (SIGINT, as Ctrl-C) after that many seconds."""
    stats["runs"] += 1
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        if stop_after is None:
            out, err = p.communicate(timeout=timeout)
        else:
            try:
                out, err = p.communicate(timeout=stop_after)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGINT)
                out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        fail("%s did not finish" % argv[:2])
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


class Process:
    """A server printing `listening on URL` first (the emulator, quoting_service.py)."""

    def __init__(self, argv):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.err)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError("%s did not start: %r" % (argv[0], line))
        self.url = line[len("listening on "):]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rest = self.proc.stdout.read().decode(errors="replace")
        self.err.seek(0)
        return rest + self.err.read().decode(errors="replace")


IDS = ["--application", "app", "--environment", "env", "--configuration-profile", "prof", "--region", "us-east-1"]


def sweep_clients(label, url, env, quoted=False):
    """get, watch --json, watch, curl_get against `url`; returns the outputs."""
    outputs = {}
    rc, out, err = run([CLI, "get"] + IDS + ["--endpoint-url", url], env)
    outputs["get"] = out + err
    check_clean("%s: get (exit %d)" % (label, rc), out + err)
    rc, out, err = run([CLI, "watch", "--json"] + IDS + ["--endpoint-url", url], env, stop_after=2.5)
    outputs["watch --json"] = out + err
    check_clean("%s: watch --json" % label, out + err)
    if not quoted:
        rc, out, err = run([CLI, "watch"] + IDS + ["--endpoint-url", url], env, stop_after=2.0)
        check_clean("%s: watch" % label, out + err)
    if os.path.exists(CURL_GET):
        rc, out, err = run([CURL_GET, "app", "env", "prof", "us-east-1"], dict(env, AWS_ENDPOINT_URL=url), stop_after=5)
        outputs["curl_get"] = out + err
        check_clean("%s: example curl_get" % label, out + err)
    return outputs


def main():
    if not os.path.exists(CLI):
        print("SKIPPED: no %s" % CLI)
        return 77
    home = tempfile.mkdtemp()
    for f in ("config", "credentials"):
        open(os.path.join(home, f), "w").close()
    wrong = clean_env(home, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY="Wrong" + SECRET_KEY, AWS_SESSION_TOKEN=SESSION_TOKEN)
    right = clean_env(home, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_SESSION_TOKEN=SESSION_TOKEN)

    # 1. The stand-in that quotes the request back, every answer, on either operation.
    service = os.path.join(HERE, "quoting_service.py")
    answers = ["invalid-signature", "echo-headers", "expired-token", "unrecognized", "throttle", "server-error"]
    for answer in answers:
        for fail_on in ("start", "poll"):
            label = "quoting service, %s on %s" % (answer, fail_on)
            srv = Process([sys.executable, service, "--answer", answer, "--fail-on", fail_on])
            try:
                outputs = sweep_clients(label, srv.url, wrong, quoted=True)
            finally:
                srv.stop()
            if answer == "invalid-signature":
                # Done when: the canonical request is still shown, with the token redacted.
                redacted_line = "x-amz-security-token:<redacted, %d chars>" % len(SESSION_TOKEN)
                for what in ("get", "watch --json"):
                    text = outputs[what]
                    expect("The Canonical String for this request should have been" in text and redacted_line in text,
                           "%s: %s shows the quoted canonical request with the token redacted" % (label, what), text)
                expect("appconfigdata sign" in outputs["get"], "%s: get still advises comparing with `appconfigdata sign`" % label,
                       outputs["get"])

    # 2. The emulator (when built): wrong secret with and without a token, wrong region, throttling,
    #    5xx, a missing profile; its stdout, stderr and request log are checked too.
    if os.path.exists(EMULATOR):
        configs = tempfile.mkdtemp()
        os.makedirs(os.path.join(configs, "app", "env"))
        with open(os.path.join(configs, "app", "env", "prof.json"), "w") as f:
            f.write('{"ok": true}')
        no_token_wrong = clean_env(home, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY="Wrong" + SECRET_KEY)
        no_token_right = clean_env(home, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
        setups = [("emulator", [], [("wrong secret and a token", wrong), ("wrong secret", no_token_wrong), ("right key", no_token_right)]),
                  ("emulator --region eu-west-1", ["--region", "eu-west-1"], [("wrong region", no_token_right)]),
                  ("emulator --throttle-rate 1", ["--throttle-rate", "1"], [("throttling", no_token_right)]),
                  ("emulator --error-rate 1", ["--error-rate", "1"], [("5xx", no_token_right)])]
        for name, extra, cases in setups:
            log = os.path.join(configs, "log.jsonl")
            emu = Process([EMULATOR, "--config-dir", configs, "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY,
                           "--poll-interval", "1", "--log", log, "--port", "0"] + extra)
            try:
                for case, env in cases:
                    sweep_clients("%s, %s" % (name, case), emu.url, env)
                rc, out, err = run([CLI, "get", "--application", "app", "--environment", "env", "--configuration-profile", "missing",
                                    "--region", "us-east-1", "--endpoint-url", emu.url], wrong)
                check_clean("%s: get of a missing profile" % name, out + err)
            finally:
                emulator_output = emu.stop()
            check_clean("%s: its stdout and stderr" % name, emulator_output)
            with open(log) as f:
                check_clean("%s: its request log" % name, f.read())
            os.remove(log)
    else:
        print("SKIPPED: no emulator; the emulator's failure modes are not swept")

    # 3. Transport failure: nothing listens on port 9.
    sweep_clients("transport failure", "http://127.0.0.1:9", wrong)

    # 4. Bad arguments, some of them secret values, for every command.
    sign = [CLI, "sign", "--method", "GET", "--url", "https://appconfigdata.us-east-1.amazonaws.com/configuration?configuration_token=a",
            "--region", "us-east-1", "--service", "appconfig", "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY]
    bad = [
        [CLI], [CLI, "nonsense", SECRET_KEY], [CLI, "--help"],
        [CLI, "get"], [CLI, "get", "--application", SESSION_TOKEN], [CLI, "get"] + IDS + ["--min-poll-interval", SECRET_KEY],
        [CLI, "get"] + IDS + ["--endpoint-url", SESSION_TOKEN], [CLI, "get"] + IDS + ["--region", SESSION_TOKEN],
        [CLI, "watch"] + IDS + ["--max-polls", SESSION_TOKEN], [CLI, "watch", "--json", "--" + SECRET_KEY],
        [CLI, "endpoint", "--region", SESSION_TOKEN], [CLI, "endpoint", "--endpoint-url", SECRET_KEY], [CLI, "endpoint", "--" + SESSION_TOKEN],
        sign + ["--session-token", SESSION_TOKEN], sign + ["--session-token", SESSION_TOKEN, "--json"],
        sign + ["--session-token", SESSION_TOKEN, "--presign"], sign + ["--session-token", SESSION_TOKEN + "\x01"],
        sign + ["--time", SESSION_TOKEN], sign + ["--header", "Bad Name: " + SECRET_KEY], [CLI, "sign", "--secret-key", SECRET_KEY],
    ]
    # A secret typed where another value belongs (--time TOKEN, --TOKEN) may be echoed back as the
    # user's own typo, as the AWS CLI does; such a run gets no secrets in its environment and is
    # checked for the other secret. A secret given where it belongs must never show.
    for argv in bad:
        misplaced = set()
        for i, a in enumerate(argv):
            for name, value in (("secret access key", SECRET_KEY), ("session token", SESSION_TOKEN)):
                if value in a and not (a == value and argv[i - 1] in ("--secret-key", "--session-token")):
                    misplaced.add(name)
        env = clean_env(home) if misplaced else wrong
        rc, out, err = run(argv, env)
        shown = " ".join("<secret>" if SECRET_KEY in a or SESSION_TOKEN in a else a for a in argv[1:])[:120]
        check_clean("appconfigdata %s (exit %d)" % (shown, rc), out + err, skip=misplaced)

    # 5. The in-process examples (their stand-ins sign with the documentation's example key).
    for path, args in IN_PROCESS_EXAMPLES:
        if os.path.exists(path):
            rc, out, err = run([path] + args, wrong, timeout=120)
            check_clean("example %s (exit %d)" % (os.path.basename(path), rc), out + err, also=(EXAMPLE_SECRET,))

    print("hygiene sweep: %d runs, %d checks, %d failures" % (stats["runs"], stats["checks"], stats["failures"]))
    return 1 if stats["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
