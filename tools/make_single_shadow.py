#!/usr/bin/env python3
"""Write a shadow include tree where every public header <appconfigdata/X.hpp> only includes the
generated single header that contains it. Building the unit tests against this tree (meson
-Dsingle_header=true) runs them a second time against single_include/ instead of include/.

usage: make_single_shadow.py OUTPUT_DIR
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include"
SINGLE = ROOT / "single_include" / "appconfigdata"
SEPARATE = {
    "appconfigdata/adapters/curl.hpp": "appconfigdata_curl.hpp",
    "appconfigdata/adapters/curl_transport.hpp": "appconfigdata_curl.hpp",
    "appconfigdata/adapters/curl_multi_transport.hpp": "appconfigdata_curl.hpp",
    "appconfigdata/adapters/detail/curl_easy.hpp": "appconfigdata_curl.hpp",
    "appconfigdata/adapters/beast_transport.hpp": "appconfigdata_beast.hpp",
}


def main():
    out = pathlib.Path(sys.argv[1])
    for header in sorted(INCLUDE.rglob("*.hpp")):
        rel = header.relative_to(INCLUDE).as_posix()
        single = SINGLE / SEPARATE.get(rel, "appconfigdata.hpp")
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = f'// generated: stands for <{rel}> in single-header test builds\n#include "{single}"\n'
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
