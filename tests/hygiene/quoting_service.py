#!/usr/bin/env python3
"""A stand-in for AWS AppConfig Data that quotes the request back in its errors, as AWS does.

Real AWS services answer a signature mismatch with an InvalidSignatureException whose message holds
the canonical request they expected, `x-amz-security-token:<the session token>` line included; a
proxy may echo the headers it received. This fake does that on purpose, so that the secret hygiene
sweep (sweep_test.py) can prove that none of it reaches the user through the library.

    quoting_service.py --answer invalid-signature [--fail-on start|poll]

The first line on stdout is `listening on http://127.0.0.1:PORT`. The operation named by --fail-on
(StartConfigurationSession or GetLatestConfiguration) is answered with the --answer error; the other
one succeeds. Answers:
    invalid-signature  403 InvalidSignatureException quoting the canonical request and Authorization
    echo-headers       400 (a proxy's words) echoing every header, and the request as a presigned URL
    expired-token      403 ExpiredTokenException naming the token
    unrecognized       403 UnrecognizedClientException naming the token, percent-encoded
    throttle           429 ThrottlingException quoting the token line
    server-error       500 InternalServerException quoting the canonical request
Python 3 standard library only.
"""
import argparse
import http.server
import json
import sys
import urllib.parse


def canonical_request(handler, body):
    lines = [handler.command, urllib.parse.urlsplit(handler.path).path, urllib.parse.urlsplit(handler.path).query]
    for name in sorted(k.lower() for k in handler.headers.keys()):
        if name in ("host", "x-amz-date", "x-amz-security-token", "content-type", "x-amz-content-sha256"):
            lines.append("%s:%s" % (name, handler.headers.get(name, "").strip()))
    lines += ["", "content-type;host;x-amz-date;x-amz-security-token", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]
    return "\n".join(lines)


def error_message(answer, handler, body):
    token = handler.headers.get("x-amz-security-token", "")
    auth = handler.headers.get("Authorization", "")
    if answer == "invalid-signature":
        return ("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
                "and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request "
                "should have been\n'" + canonical_request(handler, body) + "'\n\nThe String-to-Sign should have been\n"
                "'AWS4-HMAC-SHA256\n20261126T080000Z\n20261126/us-east-1/appconfig/aws4_request\n" + "0" * 64 + "'\n"
                "(Authorization received: " + auth + ")")
    if answer == "echo-headers":
        echoed = "; ".join("%s: %s" % (k, v) for k, v in handler.headers.items())
        signature = auth.rpartition("Signature=")[2]
        presigned = ("https://%s%s?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=%s&X-Amz-Signature=%s"
                     % (handler.headers.get("Host", ""), handler.path, urllib.parse.quote(token, safe=""), signature))
        return "Bad request through proxy; headers were: " + echoed + "; as a URL: " + presigned
    if answer == "expired-token":
        return "The security token included in the request is expired: " + token
    if answer == "unrecognized":
        return "The security token included in the request is invalid: " + urllib.parse.quote(token, safe="")
    if answer == "throttle":
        return "Rate exceeded for x-amz-security-token:" + token
    return "Internal failure while checking\n" + canonical_request(handler, body)


STATUS = {"invalid-signature": (403, "InvalidSignatureException"), "echo-headers": (400, ""), "expired-token": (403, "ExpiredTokenException"),
          "unrecognized": (403, "UnrecognizedClientException"), "throttle": (429, "ThrottlingException"),
          "server-error": (500, "InternalServerException")}


def make_handler(args):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # the fake's own log is not under test; keep stderr quiet
            pass

        def reply(self, status, headers, body):
            data = body.encode()
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "fake-request-id")
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(length).decode(errors="replace") if length else ""
            start = self.path.startswith("/configurationsessions")
            if (args.fail_on == "start") == start:
                status, error_type = STATUS[args.answer]
                message = error_message(args.answer, self, body)
                headers = [("Content-Type", "application/json")]
                if error_type:  # a proxy's answer names no AWS error type
                    headers.append(("X-Amzn-ErrorType", error_type + ":http://internal.amazon.com/coral/com.amazon.coral.service/"))
                return self.reply(status, headers, json.dumps({"message": message}))
            if start:
                return self.reply(201, [("Content-Type", "application/json")], json.dumps({"InitialConfigurationToken": "token-1"}))
            return self.reply(200, [("Content-Type", "application/json"), ("Next-Poll-Configuration-Token", "token-2"),
                                    ("Next-Poll-Interval-In-Seconds", "1"), ("Version-Label", "v1")], '{"ok": true}')

        do_GET = handle_any
        do_POST = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--answer", choices=sorted(STATUS), default="invalid-signature")
    p.add_argument("--fail-on", choices=["start", "poll"], default="start")
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args))
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
