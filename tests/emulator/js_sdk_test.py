#!/usr/bin/env python3
"""The AWS SDK for JavaScript v3 (@aws-sdk/client-appconfigdata) as a client of the emulator, through
the core cases (js_sdk_client.mjs): once with long-term keys, once with AWS_SESSION_TOKEN set against
--any-session-token, and a session against a pair configured with its session token; a strict
emulator refuses the token.

The SDK is installed with npm when missing, outside the repository: into $APPCONFIGDATA_NPM_DIR, else
${XDG_CACHE_HOME:-~/.cache}/appconfigdata-cpp/node. Skips (exit 77) loudly when node or npm is
absent or the install fails."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulator_support import ACCESS_KEY, SECRET_KEY, Emulator, write_config  # noqa: E402

POLL = 2
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE+session/token=="
PACKAGE = "@aws-sdk/client-appconfigdata"
results = {"passed": 0, "failed": 0}


def skip(why):
    print("\n*** SKIPPED: %s ***\n" % why)
    return 77


def sdk_dir():
    d = os.environ.get("APPCONFIGDATA_NPM_DIR")
    if not d:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(cache, "appconfigdata-cpp", "node")
    return d


def ensure_sdk(d):
    """True when d/node_modules holds the SDK (installing it if needed)."""
    if os.path.isfile(os.path.join(d, "node_modules", PACKAGE, "package.json")):
        return True
    os.makedirs(d, exist_ok=True)
    print("installing %s into %s" % (PACKAGE, d), flush=True)
    try:
        p = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", d, PACKAGE + "@3"],
                           capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("npm install failed: %r" % e)
        return False
    if p.returncode != 0:
        print("npm install failed (exit %d): %s" % (p.returncode, p.stderr.strip()[-600:]))
        return False
    return os.path.isfile(os.path.join(d, "node_modules", PACKAGE, "package.json"))


def run(script, emu, cfg_file, mode, session_token=None, expect_ok=True, what=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true", EMULATOR_URL=emu.url,
               CONFIG_FILE=cfg_file, POLL=str(POLL), MODE=mode)
    if session_token:
        env["AWS_SESSION_TOKEN"] = session_token
    p = subprocess.run(["node", script], env=env, capture_output=True, text=True, timeout=120)
    lines = [l for l in p.stdout.splitlines() if l.startswith(("ok    ", "FAIL  "))]
    if expect_ok:
        for l in lines:
            print(l)
            results["passed" if l.startswith("ok") else "failed"] += 1
        if p.returncode != 0 and not any(l.startswith("FAIL") for l in lines):
            print("FAIL  node exited %d: %s" % (p.returncode, (p.stderr or p.stdout).strip()[-600:]))
            results["failed"] += 1
    else:
        refused = p.returncode != 0 and any("FAIL  start-configuration-session" in l and "UnrecognizedClientException" in l for l in lines)
        print(("ok    " if refused else "FAIL  ") + what)
        results["passed" if refused else "failed"] += 1


def main():
    if shutil.which("node") is None or shutil.which("npm") is None:
        return skip("node and npm are needed for the JS SDK v3 test; install nodejs and npm to run it")
    d = sdk_dir()
    if not ensure_sdk(d):
        return skip("npm could not install %s (no registry access?)" % PACKAGE)
    print(subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(), PACKAGE,
          open(os.path.join(d, "node_modules", PACKAGE, "package.json")).read().split('"version": "')[1].split('"')[0])
    # ES modules resolve packages from the script's folder: run a copy that sits beside node_modules.
    script = os.path.join(d, "js_sdk_client.mjs")
    shutil.copyfile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "js_sdk_client.mjs"), script)

    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "cfg")
        cfg_file = write_config(cfg, "app/env/prof.json", '{"feature":"on"}')
        print("-- long-term keys, default emulator")
        with Emulator(cfg, "--poll-interval", str(POLL)) as emu:
            run(script, emu, cfg_file, "core")
            run(script, emu, cfg_file, "quick", SESSION_TOKEN, expect_ok=False,
                what="with AWS_SESSION_TOKEN set, the strict default refuses: UnrecognizedClientException")
        print("-- AWS_SESSION_TOKEN set, --any-session-token")
        with Emulator(cfg, "--poll-interval", str(POLL), "--any-session-token") as emu:
            run(script, emu, cfg_file, "core", SESSION_TOKEN)
        print("-- AWS_SESSION_TOKEN set, the pair configured with it (--session-token)")
        with Emulator(cfg, "--poll-interval", str(POLL), "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY,
                      "--session-token", SESSION_TOKEN) as emu:
            run(script, emu, cfg_file, "quick", SESSION_TOKEN)

    print("\nJS SDK v3: %d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
