#!/usr/bin/env python3
"""CLI-level differential check: `appconfigdata sign --json` against botocore's SigV4Auth.

usage: cli_botocore_check.py <path to appconfigdata> <path to tools/botocore_sign.py> [crypto backend]

With a backend name (botan, openssl, mbedtls) every signing run passes `--crypto NAME`, so the same
comparison holds for each backend the CLI was built with.

Signs seeded random AppConfig Data requests (both operations, every partition, unicode and +/=%~
in tokens, JSON bodies in several styles, with and without a session token) with the built CLI and
with botocore, and requires identical canonical_request, string_to_sign, signature, authorization
and headers. Also checks --presign, --help, bad arguments (exit 2) that the secret key is never
printed, and that a bad --crypto value exits 2. Exits 77 (meson: skipped) with a loud message when botocore is not importable.
"""
import importlib.util
import json
import random
import subprocess
import sys
import urllib.parse

REGIONS = [
    ("us-east-1", "amazonaws.com"), ("eu-west-3", "amazonaws.com"), ("cn-north-1", "amazonaws.com.cn"),
    ("cn-northwest-1", "amazonaws.com.cn"), ("us-gov-west-1", "amazonaws.com"), ("us-iso-east-1", "c2s.ic.gov"),
    ("us-isob-east-1", "sc2s.sgov.gov"),
]
UNICODE = ["é", "ß", "日本", "🚀", "Ω", "\u00a0", "Ж"]
TOKEN_ASCII = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%~-_.!*'() "
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def load_botocore_sign(path):
    try:
        import botocore  # noqa: F401
    except ImportError:
        print("\n*** SKIPPED: python3 with botocore not found; the CLI botocore check did not run ***\n")
        sys.exit(77)
    spec = importlib.util.spec_from_file_location("botocore_sign", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.sign


def text(rng, alphabet, lo, hi, unicode_rate=0.0):
    return "".join(rng.choice(UNICODE) if rng.random() < unicode_rate else rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def random_job(rng):
    region, suffix = rng.choice(REGIONS)
    host = f"appconfigdata.{region}.{suffix}"
    job = {
        "region": region, "service": "appconfig",
        "time": f"{rng.randint(2020, 2035)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}T"
                f"{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}Z",
        "access_key": "ASIA" + text(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
        "secret_key": text(rng, B64, 40, 40),
        "headers": [],
        "body": "",
    }
    if rng.random() < 0.5:
        job["session_token"] = text(rng, B64 + "=", 20, 400)
    if rng.random() < 0.5:
        body = {
            "ApplicationIdentifier": text(rng, "abcdefXYZ0123 -_", 1, 30, 0.2),
            "EnvironmentIdentifier": text(rng, "abcdefXYZ0123 -_", 1, 30, 0.2),
            "ConfigurationProfileIdentifier": text(rng, "abcdefXYZ0123 -_", 1, 30, 0.2),
        }
        if rng.random() < 0.5:
            body["RequiredMinimumPollIntervalInSeconds"] = rng.randint(15, 86400)
        style = rng.randrange(3)
        job["body"] = (json.dumps(body, separators=(",", ":"), ensure_ascii=False) if style == 0
                       else json.dumps(body, indent=2, ensure_ascii=True) if style == 1
                       else json.dumps(body, ensure_ascii=False) + "\n")
        job["method"] = "POST"
        job["url"] = f"https://{host}/configurationsessions"
        job["headers"].append(["Content-Type", "application/json"])
    else:
        token = text(rng, TOKEN_ASCII, 1, 200, 0.1)
        job["method"] = "GET"
        job["url"] = f"https://{host}/configuration?configuration_token=" + urllib.parse.quote(token, safe="-_.~")
    return job


CRYPTO = []  # ["--crypto", NAME] when a backend is named on the command line


def cli_args(cli, job):
    args = [cli, "sign", *CRYPTO, "--json", "--method", job["method"], "--url", job["url"], "--region", job["region"],
            "--service", job["service"], "--time", job["time"], "--access-key", job["access_key"],
            "--secret-key", job["secret_key"]]
    for name, value in job["headers"]:
        args += ["--header", f"{name}: {value}"]
    if job["body"]:
        args += ["--body", job["body"]]
    if job.get("session_token"):
        args += ["--session-token", job["session_token"]]
    return args


def main():
    cli, script = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        CRYPTO[:] = ["--crypto", sys.argv[3]]
    sign = load_botocore_sign(script)
    rng = random.Random(20261126)
    failures = 0
    identical = 0
    count = 60
    for i in range(count):
        job = random_job(rng)
        run = subprocess.run(cli_args(cli, job), capture_output=True)
        if run.returncode != 0:
            print(f"request {i}: appconfigdata sign exited {run.returncode}: {run.stderr.decode(errors='replace')}")
            failures += 1
            continue
        ours = json.loads(run.stdout.decode("utf-8"))
        theirs = sign(job)
        identical += all(ours[k] == theirs[k] for k in ("canonical_request", "string_to_sign", "signature", "authorization", "headers"))
        for key in ("canonical_request", "string_to_sign", "signature", "authorization", "headers"):
            if ours[key] != theirs[key]:
                print(f"request {i} ({job['method']} {job['url']}): {key} differs\n  ours:     {ours[key]!r}\n  botocore: {theirs[key]!r}")
                failures += 1
        if job["secret_key"] in run.stdout.decode("utf-8"):
            print(f"request {i}: the secret key was printed")
            failures += 1

    # Readable mode never shows the secret key or the session token.
    job = random_job(rng)
    job["session_token"] = "SessionTokenThatMustNotPrint0123456789"
    readable = subprocess.run([a for a in cli_args(cli, job) if a != "--json"], capture_output=True)
    out = readable.stdout.decode("utf-8")
    if readable.returncode != 0 or job["secret_key"] in out or job["session_token"] in out or "Signature:" not in out:
        print("readable output: bad exit status or a secret was printed")
        failures += 1

    # --presign gives a URL carrying the signature.
    pre = subprocess.run(cli_args(cli, job) + ["--presign", "--expires", "900"], capture_output=True)
    if pre.returncode != 0:
        print("--presign failed: " + pre.stderr.decode(errors="replace"))
        failures += 1
    else:
        result = json.loads(pre.stdout)
        if result["authorization"] != "" or not result["url"].endswith("&X-Amz-Signature=" + result["signature"]) \
                or "X-Amz-Expires=900" not in result["url"]:
            print("--presign: unexpected output " + pre.stdout.decode())
            failures += 1

    # --help exits 0; bad arguments exit 2 with a message.
    help_run = subprocess.run([cli, "sign", "--help"], capture_output=True)
    if help_run.returncode != 0 or b"--crypto NAME" not in help_run.stdout:
        print("--help did not exit 0 or does not describe --crypto")
        failures += 1
    base = cli_args(cli, random_job(rng))
    bad_cases = [
        [cli, "sign", "--json"],
        base + ["--bogus"],
        base + ["--time", "yesterday"],
        base + ["--header", "no colon here"],
        base + ["--expires", "10"],
        base + ["--presign", "--expires", "0"],
        base + ["--body", "x", "--body-file", "/nonexistent"],
        base + ["--header", "Bad Name: x"],
        [a if not a.startswith("https://") else "ftp://example.com/" for a in base],
        base + ["--crypto", "rot13"],
        base + ["--crypto", "OpenSSL"],
        base + ["--crypto", ""],
        base + ["--crypto"],
    ]
    for args in bad_cases:
        run = subprocess.run(args, capture_output=True)
        if run.returncode != 2 or not run.stderr:
            print(f"bad arguments {args[2:]} gave exit {run.returncode}, stderr {run.stderr!r}")
            failures += 1

    backend = CRYPTO[1] if CRYPTO else "the default backend"
    print(f"appconfigdata sign --json ({backend}) vs botocore: {identical}/{count} requests identical; "
          f"{failures} failure(s) in all")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
