#!/usr/bin/env python3
"""Write a shadow include tree where every public header <appconfigdata/X.hpp> only includes the
generated single header that contains it. Building the unit tests against this tree (meson
-Dsingle_header=true) runs them a second time against single_include/ instead of include/.

The mapping comes from tools/amalgamate itself: a header of the core maps to appconfigdata.hpp, an
adapter to the dependency header that inlines it (appconfigdata_botan.hpp, appconfigdata_posix.hpp, ...).

usage: make_single_shadow.py OUTPUT_DIR
"""
import importlib.machinery
import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include"
SINGLE = ROOT / "single_include" / "appconfigdata"


def load_amalgamate():
    loader = importlib.machinery.SourceFileLoader("amalgamate", str(ROOT / "tools" / "amalgamate"))
    spec = importlib.util.spec_from_loader("amalgamate", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def main():
    out = pathlib.Path(sys.argv[1])
    amalgamate = load_amalgamate()
    home = {}
    for output in amalgamate.available_outputs():
        for name in amalgamate.contents(output):
            home.setdefault(name, output)
    # The single-header names themselves (include/ has forwarders of the same names).
    for output in amalgamate.available_outputs():
        home.setdefault("appconfigdata/" + output, output)
    for header in sorted(INCLUDE.rglob("*.hpp")):
        rel = header.relative_to(INCLUDE).as_posix()
        if rel not in home:
            # Not part of any generated header (an umbrella whose dependency header is not generated).
            continue
        single = SINGLE / home[rel]
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = f'// generated: stands for <{rel}> in single-header test builds\n#include "{single}"\n'
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
