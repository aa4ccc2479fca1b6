#!/usr/bin/env python3
"""Run by with_emulator.sh (see meson.build): checks the environment it exports and that the
emulator behind it answers, with the AWS error an unsigned request gets, and serves the sample data."""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emulator_support import Client  # noqa: E402

url = os.environ["APPCONFIGDATA_EMULATOR_URL"]
assert os.environ["AWS_ENDPOINT_URL_APPCONFIGDATA"] == url
port = int(os.environ["APPCONFIGDATA_EMULATOR_PORT"])
try:
    urllib.request.urlopen(urllib.request.Request(url + "/configurationsessions", data=b"{}", method="POST"))
    sys.exit("an unsigned request was accepted")
except urllib.error.HTTPError as e:
    assert e.code == 403, e.code
    assert e.headers["X-Amzn-ErrorType"].startswith("MissingAuthenticationTokenException"), e.headers["X-Amzn-ErrorType"]

c = Client("127.0.0.1", port, os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
for app, env, profile, ctype in (("demo", "dev", "settings", "application/json"), ("demo", "dev", "flags", "application/x-yaml")):
    status, _, body = c.start_session(app, env, profile)
    assert status == 201, status
    status, headers, body = c.get_latest(json.loads(body)["InitialConfigurationToken"])
    assert status == 200 and body and headers["content-type"] == ctype, (status, headers)
print("with_emulator.sh: ok at", url)
