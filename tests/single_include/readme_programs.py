#!/usr/bin/env python3
"""The README teaches by programs that compile: every fenced `cpp` block with `int main` is saved under
the file name its build command names, built with the first g++/clang++ line of the `sh` block right
after it, exactly as written (from a scratch folder where `single_include` is the repository's), and the
frame-loop program is run against the local emulator until it prints the configuration.

Environment: APPCONFIGDATA_SOURCE_ROOT, APPCONFIGDATA_BUILD_ROOT (for the emulator binary).
"""
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(os.environ.get("APPCONFIGDATA_SOURCE_ROOT", pathlib.Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

BLOCK = re.compile(r"^```([A-Za-z0-9+_-]*)\n(.*?)^```\s*$", re.S | re.M)


def programs(readme):
    blocks = [(m.group(1), m.group(2)) for m in BLOCK.finditer(readme)]
    found = []
    for i, (lang, text) in enumerate(blocks):
        if lang != "cpp" or not re.search(r"\bint\s+main\s*\(", text):
            continue
        command = None
        if i + 1 < len(blocks) and blocks[i + 1][0] == "sh":
            for line in blocks[i + 1][1].splitlines():
                if re.match(r"^\s*(g\+\+|clang\+\+)\s", line):
                    command = line.strip()
                    break
        found.append((text, command))
    return found


def main():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = programs(readme)
    failures = 0
    if not found:
        print("FAILED: the README has no complete program (a cpp block with int main)")
        return 1
    for n, (text, command) in enumerate(found, 1):
        if command is None:
            print(f"FAILED: README program {n} has no build command (a g++/clang++ line in the sh block after it)")
            failures += 1
            continue
        sources = [w for w in shlex.split(command) if w.endswith(".cpp")]
        outputs = shlex.split(command)
        exe = outputs[outputs.index("-o") + 1] if "-o" in outputs else "a.out"
        if len(sources) != 1:
            print(f"FAILED: README program {n}: its command names {len(sources)} .cpp files: {command}")
            failures += 1
            continue
        with tempfile.TemporaryDirectory() as work:
            work = pathlib.Path(work)
            (work / sources[0]).write_text(text, encoding="utf-8")
            os.symlink(ROOT / "single_include", work / "single_include")
            built = subprocess.run(command, shell=True, cwd=work, capture_output=True, text=True)
            if built.returncode != 0:
                print(f"FAILED: README program {n} does not build with `{command}`:\n{built.stderr[-4000:]}")
                failures += 1
                continue
            print(f"ok: README program {n} builds with `{command}`")
            if "tick_driver" in text:
                failures += run_against_emulator(n, work / exe)
    print(f"readme programs: {len(found)} found, {len(found) - failures} passed, {failures} failed")
    return 1 if failures else 0


def run_against_emulator(n, exe):
    from emulator_support import ACCESS_KEY, SECRET_KEY, REGION, Emulator, emulator_binary, write_config

    if not os.path.exists(emulator_binary()):
        print(f"SKIPPED (loudly): README program {n} not run: no emulator binary at {emulator_binary()}")
        return 0
    with tempfile.TemporaryDirectory() as configs:
        write_config(configs, "readme-app/prod/flags.json", '{"dark_mode": true}')
        with Emulator(configs, "--poll-interval", "1") as emu:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"AWS_REGION": REGION, "AWS_ENDPOINT_URL_APPCONFIGDATA": emu.url,
                        "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
            run = subprocess.run([str(exe), "readme-app", "prod", "flags", "3"], env=env, capture_output=True, text=True, timeout=60)
    expected = "configuration "
    if run.returncode != 0 or expected not in run.stdout or "19 bytes of application/json" not in run.stdout:
        print(f"FAILED: README program {n} against the emulator: exit {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}")
        return 1
    print(f"ok: README program {n} ran against the emulator: {run.stdout.strip().splitlines()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
