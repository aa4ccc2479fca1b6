#!/usr/bin/env python3
"""Signs requests with botocore's SigV4Auth, for differential tests of the C++ signer.

Reads one JSON object per line on stdin:
  {"method": "GET", "url": "https://...", "headers": [["Name", "value"], ...], "body": "text",
   "region": "us-east-1", "service": "appconfig", "time": "20261126T061314Z",
   "access_key": "AKID...", "secret_key": "...", "session_token": "..." (optional)}
and prints one JSON object per line on stdout:
  {"canonical_request": ..., "string_to_sign": ..., "signature": ..., "authorization": ...,
   "headers": [["Name", "value"], ...]}   (the request's headers after signing, in botocore's order)
Exit status 3 when botocore is not importable.
"""
import datetime
import json
import sys

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:  # pragma: no cover
    sys.stderr.write("botocore_sign.py: botocore is not installed\n")
    sys.exit(3)


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """SigV4Auth that remembers the canonical request and string to sign it computed."""

    def canonical_request(self, request):
        self.recorded_canonical_request = super().canonical_request(request)
        return self.recorded_canonical_request

    def string_to_sign(self, request, canonical_request):
        self.recorded_string_to_sign = super().string_to_sign(request, canonical_request)
        return self.recorded_string_to_sign

    def signature(self, string_to_sign, request):
        self.recorded_signature = super().signature(string_to_sign, request)
        return self.recorded_signature


def sign(job):
    when = datetime.datetime.strptime(job["time"], "%Y%m%dT%H%M%SZ")
    # botocore reads the clock through get_current_datetime(); pin it to the job's time.
    botocore.auth.get_current_datetime = lambda *args, **kwargs: when
    creds = Credentials(job["access_key"], job["secret_key"], job.get("session_token") or None)
    body = job.get("body", "")
    request = AWSRequest(method=job["method"], url=job["url"], data=body.encode("utf-8") if body else b"")
    for name, value in job.get("headers", []):
        request.headers[name] = value  # HTTPHeaders: assignment appends, duplicates kept
    auth = RecordingSigV4Auth(creds, job["service"], job["region"])
    auth.add_auth(request)
    return {
        "canonical_request": auth.recorded_canonical_request,
        "string_to_sign": auth.recorded_string_to_sign,
        "signature": auth.recorded_signature,
        "authorization": request.headers["Authorization"],
        "headers": [[k, v] for k, v in request.headers.items()],
    }


def main():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        out.write(json.dumps(sign(json.loads(line)), ensure_ascii=True) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
