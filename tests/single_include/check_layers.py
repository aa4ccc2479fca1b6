#!/usr/bin/env python3
"""Checks the architecture rules of DESIGN.md on the headers themselves:
1. the core is pure: outside adapters/ no header uses Botan, threads, sockets, clocks' now(),
   sleeping, getenv or file APIs;
2. an inner layer never includes an outer one;
3. the umbrella appconfigdata.hpp includes every public core header (not detail/, not adapters/);
4. the core builds where game engines build: no try/throw/catch, typeid or dynamic_cast, no console
   output, and the generated core header includes only the C++ standard library, Boost.JSON and
   compiler intrinsics (no crypto library, no POSIX or Windows header);
5. every adapter is in a dependency's umbrella (adapters/<dependency>.hpp), so it is in a generated header.
"""
import os
import pathlib
import re
import sys

ROOT = pathlib.Path(os.environ.get("APPCONFIGDATA_SOURCE_ROOT", pathlib.Path(__file__).resolve().parents[2]))
INC = ROOT / "include" / "appconfigdata"

FORBIDDEN = [
    (re.compile(r"#\s*include\s*<botan/"), "Botan"),
    (re.compile(r"#\s*include\s*<(thread|future|fstream|filesystem)>"), "threads or files"),
    (re.compile(r"#\s*include\s*<(sys/socket\.h|netinet/|arpa/|unistd\.h|curl/|boost/asio|boost/beast)"), "sockets or OS calls"),
    (re.compile(r"\b(system_clock|steady_clock|high_resolution_clock)::now\s*\("), "reading a clock"),
    (re.compile(r"\bthis_thread::sleep_(for|until)\b|\busleep\s*\(|\bnanosleep\s*\("), "sleeping"),
    (re.compile(r"\b(std::)?getenv\s*\("), "reading the environment"),
    (re.compile(r"\bfopen\s*\(|\bstd::ifstream\b|\bstd::ofstream\b"), "reading files"),
    (re.compile(r"\bstd::random_device\b|\brand\s*\(\s*\)"), "drawing randomness"),
    (re.compile(r"#\s*include\s*<(openssl/|mbedtls/|windows\.h|bcrypt\.h|sys/|fcntl\.h|poll\.h|spawn\.h|signal\.h)"),
     "a crypto library or platform header"),
    (re.compile(r"\b(try|throw)\b|\bcatch\s*\(|\btypeid\b|\bdynamic_cast\b"), "exceptions or RTTI"),
    (re.compile(r"\bstd::(cout|cerr|clog)\b|\bprintf\s*\("), "console output"),
]

# What the generated core header may include besides its own text: the C++ standard library
# (names without a dot or slash), Boost.JSON, and SSE2 intrinsics (guarded by the compiler's macro).
CORE_EXTERNAL_OK = re.compile(r"^(boost/json\.hpp|boost/json/[A-Za-z0-9_/]+\.hpp|emmintrin\.h|[a-z_]+)$")
DEPENDENCIES = ["botan", "openssl", "mbedtls", "windows", "posix", "curl", "beast"]

# layer -> rank; a header may include only its own layer or lower ranks.
RANK = {"basics": 0, "detail": 0, "http": 1, "crypto": 1, "sigv4": 2, "endpoint": 2, "protocol": 3, "retry": 3,
        "credentials": 4, "feature_flags": 4, "backup": 4, "session": 5, "driver": 6, "adapters": 7}


def layer(rel):
    if rel == "action.hpp":
        return "http"  # the "what next" value carries an http::request
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else "basics"


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def main():
    problems = []
    headers = sorted(p for p in INC.rglob("*.hpp"))
    for path in headers:
        rel = path.relative_to(INC).as_posix()
        text = strip_comments(path.read_text(encoding="utf-8"))
        here = layer(rel)
        forwarder = re.fullmatch(r"appconfigdata_[a-z]+\.hpp", rel) is not None  # same name as a generated header
        if here != "adapters" and rel != "appconfigdata.hpp" and not forwarder:
            for pattern, what in FORBIDDEN:
                if pattern.search(text):
                    problems.append(f"{rel}: {what} in the core (only adapters/ may)")
            for inc in re.findall(r"#\s*include\s*<appconfigdata/([^>]+)>", text):
                there = layer(inc)
                if RANK.get(there, 99) > RANK.get(here, 99):
                    problems.append(f"{rel}: the {here} layer includes the outer {there} layer ({inc})")
    umbrella = (INC / "appconfigdata.hpp").read_text(encoding="utf-8")
    listed = set(re.findall(r"#\s*include\s*<appconfigdata/([^>]+)>", umbrella))
    for path in headers:
        rel = path.relative_to(INC).as_posix()
        if rel == "appconfigdata.hpp" or rel.startswith("adapters/") or "/detail/" in rel or rel.startswith("detail/"):
            continue
        if re.fullmatch(r"appconfigdata_[a-z]+\.hpp", rel):
            dep = rel[len("appconfigdata_"):-len(".hpp")]
            if dep not in DEPENDENCIES:
                problems.append(f"{rel} forwards to no known dependency")
            continue
        if rel not in listed:
            problems.append(f"appconfigdata.hpp does not include <appconfigdata/{rel}>")
        if "adapters/" in " ".join(listed):
            problems.append("appconfigdata.hpp includes an adapter")
    # Every adapter belongs to a dependency umbrella.
    reachable = set()

    def walk(rel):
        if rel in reachable or not (INC / rel).is_file():
            return
        reachable.add(rel)
        for inc in re.findall(r"#\s*include\s*<appconfigdata/([^>]+)>", strip_comments((INC / rel).read_text(encoding="utf-8"))):
            walk(inc)

    for dep in DEPENDENCIES:
        walk(f"adapters/{dep}.hpp")
    for path in headers:
        rel = path.relative_to(INC).as_posix()
        if rel.startswith("adapters/") and rel not in reachable:
            problems.append(f"{rel} is in no dependency umbrella (adapters/<dependency>.hpp for one of {', '.join(DEPENDENCIES)})")
    # The generated core header: only the standard library, Boost.JSON and intrinsics.
    core = ROOT / "single_include" / "appconfigdata" / "appconfigdata.hpp"
    externals = set(re.findall(r"^\s*#\s*include\s*<([^>]+)>", core.read_text(encoding="utf-8"), flags=re.M))
    for inc in sorted(externals):
        if not CORE_EXTERNAL_OK.match(inc):
            problems.append(f"single_include/appconfigdata/appconfigdata.hpp includes <{inc}> (the core may include only the standard library and Boost.JSON)")
    print(f"generated core header: {len(externals)} distinct external includes, all standard library or Boost.JSON" if not any("single_include" in p for p in problems) else "generated core header: see above")
    for p in problems:
        print("FAILED:", p)
    print(f"layer rules: {len(headers)} headers checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
