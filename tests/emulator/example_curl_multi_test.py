#!/usr/bin/env python3
"""example-curl-multi: examples/curl_multi_frame_loop against a fresh appconfigdata-emulator.

Two profiles are followed at once (their requests share one curl_multi_transport); once both arrived,
one is replaced on disk (atomically: the emulator reads the file at every poll), and the example must report the new version too, then exit 0 by itself.

usage: example_curl_multi_test.py PATH_TO_EXAMPLE   (the emulator as emulator_support finds it)
"""
import hashlib
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulator_support import ACCESS_KEY, REGION, SECRET_KEY, Emulator, write_config  # noqa: E402


def label(content):
    """The emulator's Version-Label without a sidecar: the first 12 hex digits of the content's SHA-256."""
    return hashlib.sha256(content.encode()).hexdigest()[:12]


def main():
    example = sys.argv[1]
    with tempfile.TemporaryDirectory() as root:
        settings_1, settings_2 = '{"gravity": 9.81}', '{"gravity": 1.62, "note": "moon"}'
        flags_1 = '{"dark_mode": {"enabled": false}}'
        write_config(root, "demo/dev/settings.json", settings_1)
        write_config(root, "demo/dev/flags.json", flags_1)
        with Emulator(root, "--poll-interval", "1") as emu:
            env = dict(os.environ)
            for k in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
                env.pop(k, None)
            env.update({
                "AWS_ENDPOINT_URL_APPCONFIGDATA": emu.url,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "AWS_REGION": REGION,
                "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            })
            started = time.monotonic()
            proc = subprocess.Popen([example, "--changes", "3", "--seconds", "40", "demo", "dev", "settings", "flags"],
                                    stdout=subprocess.PIPE, env=env, text=True)
            lines, edited = [], False
            for line in proc.stdout:  # the example stops by itself (--seconds)
                line = line.rstrip("\n")
                print(line, flush=True)
                lines.append(line)
                seen = "\n".join(lines)
                if not edited and "settings version %s" % label(settings_1) in seen and "flags version %s" % label(flags_1) in seen:
                    # An operator deploys a new version: the emulator serves it on the next poll.
                    write_config(root, "demo/dev/settings.json.new", settings_2)
                    os.replace(os.path.join(root, "demo/dev/settings.json.new"), os.path.join(root, "demo/dev/settings.json"))
                    edited = True
            status = proc.wait(timeout=30)
            took = time.monotonic() - started
            emu_status = emu.stop()
            problems = []
            if status != 0:
                problems.append("the example exited %d" % status)
            if not edited:
                problems.append("the first configurations never both arrived")
            want = ["settings version %s, %d bytes, application/json" % (label(settings_1), len(settings_1)),
                    "flags version %s, %d bytes, application/json" % (label(flags_1), len(flags_1)),
                    "settings version %s, %d bytes, application/json" % (label(settings_2), len(settings_2))]
            for w in want:
                if sum(w in l for l in lines) != 1:
                    problems.append("expected exactly one line with %r" % w)
            # (the next poll is usually in flight at the end: the transport cancels it when destroyed)
            if not lines or "3 configuration(s) received" not in lines[-1]:
                problems.append("unexpected summary line: %r" % (lines[-1] if lines else None))
            if any(": error" in l or "retrying" in l for l in lines):
                problems.append("the sessions reported errors")
            if emu_status != 0:
                problems.append("the emulator exited %s: %s" % (emu_status, emu.stderr_text()))
            if problems:
                print("FAILED: " + "; ".join(problems), file=sys.stderr)
                return 1
            print("example-curl-multi: ok (%d lines, %.1f s)" % (len(lines), took))
            return 0


if __name__ == "__main__":
    sys.exit(main())
