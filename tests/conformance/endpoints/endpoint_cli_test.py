#!/usr/bin/env python3
"""Runs `appconfigdata endpoint` over the 44 endpoint rule tests (read from the conformance
directory, never copied) and over the command's own rules: option / environment precedence and
exit codes (0 resolved, 1 rule error, 2 bad arguments or settings).

usage: endpoint_cli_test.py <path to appconfigdata>"""
import json
import os
import subprocess
import sys

cli = sys.argv[1]
failures = []


def run(args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy")}
    env.update(env_extra or {})
    p = subprocess.run([cli, "endpoint"] + args, env=env, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def check(name, got, want):
    if got != want:
        failures.append(f"{name}: got {got!r}, want {want!r}")


# 1. The rule tests through the command line.
base = os.environ.get("APPCONFIGDATA_CONFORMANCE_DIR") or "../shared/conformance"
tests_file = os.path.join(base, "endpoints", "appconfigdata-endpoint-tests.json")
if os.path.isfile(tests_file):
    with open(tests_file, encoding="utf-8") as f:
        cases = json.load(f)["testCases"]
    passed = 0
    for case in cases:
        params = case.get("params", {})
        args = []
        if "Region" in params:
            args += ["--region", params["Region"]]
        if params.get("UseFIPS"):
            args.append("--fips")
        if params.get("UseDualStack"):
            args.append("--dualstack")
        if "Endpoint" in params:
            args += ["--endpoint-url", params["Endpoint"]]
        rc, out, err = run(args)
        expect = case["expect"]
        if "endpoint" in expect:
            ok = rc == 0 and out == expect["endpoint"]["url"]
        else:
            ok = rc == 1 and out == "" and expect["error"] in err
        if ok:
            passed += 1
        else:
            failures.append(f"{case['documentation']}: rc={rc} out={out!r} err={err!r}")
    print(f"endpoint rules via the CLI: {passed}/{len(cases)}")
else:
    print(f"\n*** SKIPPED: conformance data not found at {tests_file} ***\n")

# 2. The command's own rules.
check("region from AWS_REGION", run([], {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-west-2"})[:2],
      (0, "https://appconfigdata.eu-west-1.amazonaws.com"))
check("region from AWS_DEFAULT_REGION", run([], {"AWS_DEFAULT_REGION": "us-west-2"})[:2],
      (0, "https://appconfigdata.us-west-2.amazonaws.com"))
check("--region wins", run(["--region", "ap-south-1"], {"AWS_REGION": "eu-west-1"})[:2],
      (0, "https://appconfigdata.ap-south-1.amazonaws.com"))
check("--region=value form", run(["--region=us-gov-west-1", "--fips"])[:2], (0, "https://appconfigdata.us-gov-west-1.amazonaws.com"))
check("FIPS from the environment", run(["--region", "us-east-1"], {"AWS_USE_FIPS_ENDPOINT": "True"})[:2],
      (0, "https://appconfigdata-fips.us-east-1.amazonaws.com"))
check("dual-stack from the environment", run(["--region", "us-east-1"], {"AWS_USE_DUALSTACK_ENDPOINT": "true"})[:2],
      (0, "https://appconfigdata.us-east-1.api.aws"))
check("service endpoint variable wins", run(["--region", "us-east-1"], {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_APPCONFIGDATA": "http://b:2"})[:2],
      (0, "http://b:2"))
check("ignore configured endpoints", run(["--region", "us-east-1"], {"AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"})[:2],
      (0, "https://appconfigdata.us-east-1.amazonaws.com"))
check("--endpoint-url wins over the environment", run(["--endpoint-url", "http://127.0.0.1:8080"], {"AWS_ENDPOINT_URL": "http://a:1"})[:2],
      (0, "http://127.0.0.1:8080"))
check("missing region", run([])[0], 1)
check("invalid region", run(["--region", "us-east-1.evil"])[0], 2)
check("invalid custom URL", run(["--endpoint-url", "not a url"])[0], 2)
check("bad boolean in the environment", run(["--region", "us-east-1"], {"AWS_USE_FIPS_ENDPOINT": "yes"})[0], 2)
check("unknown option", run(["--bogus"])[0], 2)
check("missing option value", run(["--region"])[0], 2)
check("flag with a value", run(["--region", "us-east-1", "--fips=1"])[0], 2)
check("eusc-de-east-1 in its own partition", run(["--region", "eusc-de-east-1"])[:2],
      (0, "https://appconfigdata.eusc-de-east-1.amazonaws.eu"))
check("eusc-de-east-1 dual-stack", run(["--region", "eusc-de-east-1", "--dualstack"])[:2],
      (0, "https://appconfigdata.eusc-de-east-1.api.amazonwebservices.eu"))
rc, out, _ = run(["--help"])
check("--help", (rc, out.startswith("usage: appconfigdata endpoint")), (0, True))
rc, out, err = run(["--region", "cn-north-1", "--verbose"])
check("--verbose", (rc, out, "signing region: cn-north-1" in err, "signing name: appconfig" in err),
      (0, "https://appconfigdata.cn-north-1.amazonaws.com.cn", True, True))

for f in failures:
    print("FAIL", f)
print(f"endpoint CLI checks: {'ok' if not failures else str(len(failures)) + ' failed'}")
sys.exit(1 if failures else 0)
