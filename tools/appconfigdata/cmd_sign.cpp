// appconfigdata sign: signs one HTTP request with AWS Signature Version 4 and shows every step
// (canonical request, string to sign, signature, signed headers). --json prints them as one object,
// identical to what botocore's SigV4Auth computes for the same request.
#include "args.hpp"
#include "commands.hpp"
#include "crypto_choice.hpp"

#include <appconfigdata/http/time_format.hpp>
#include <appconfigdata/sigv4/signer.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace acd = appconfigdata;

namespace {

void print_usage(std::ostream& os) {
    os << "usage: appconfigdata sign --method M --url URL [--header 'Name: value']... [--body TEXT | --body-file F]\n"
          "                          --region R --service S --time 20261126T061314Z\n"
          "                          --access-key K --secret-key S [--session-token T]\n"
          "                          [--presign [--expires N]] [--json] [--crypto NAME]\n"
          "\n"
          "Signs a request with AWS Signature Version 4 and prints the canonical request, the string to\n"
          "sign, the signature and the signed headers: what to compare when AWS answers\n"
          "'The request signature we calculated does not match the signature you provided'.\n"
          "\n"
          "options:\n"
          "  --method M            HTTP method (GET, POST, ...)\n"
          "  --url URL             absolute http(s) URL; its query is taken as percent-encoded text\n"
          "  --header 'Name: value'  a request header (repeatable, order kept)\n"
          "  --body TEXT           the request body; or --body-file F to read it from a file\n"
          "  --region R            signing region, e.g. us-east-1\n"
          "  --service S           signing name, e.g. appconfig (AppConfig Data signs as 'appconfig')\n"
          "  --time T              signing time, 20261126T061314Z or 2026-11-26T06:13:14Z (no clock is read)\n"
          "  --access-key K        access key id\n"
          "  --secret-key S        secret access key (never printed)\n"
          "  --session-token T     session token of temporary credentials (signed as X-Amz-Security-Token)\n"
          "  --presign             sign in the query string (a presigned URL) instead of the headers\n"
          "  --expires N           presigned URL lifetime in seconds, 1..604800 (default 3600)\n"
          "  --no-normalize-path   sign the path as written (S3 style; default: remove dot segments, merge '//')\n"
          "  --single-encode-path  encode the path once (S3 style; default: encode the encoded path again)\n"
          "  --content-sha256      add and sign an x-amz-content-sha256 header (S3 style)\n"
          "  --json                print one JSON object: canonical_request, string_to_sign, signature,\n"
          "                        authorization (empty with --presign), headers ([name, value] pairs, as\n"
          "                        botocore's request holds them: the Host header the HTTP client sends is\n"
          "                        signed but not listed unless given with --header), and url with --presign\n"
       << cli::crypto_usage()
       << "\n"
          "exit status: 0 signed, 2 bad arguments (also: a --crypto backend this build lacks)\n";
}

std::string read_body_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw cli::usage_error("cannot read --body-file '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

acd::time_point parse_time(const std::string& text) {
    acd::time_point t;
    if (!acd::http::parse_amz_date(text, t) || !acd::http::parse_iso8601(text, t)) return t;
    throw cli::usage_error("--time must look like 20261126T061314Z or 2026-11-26T06:13:14Z, got '" + text + "'");
}

void add_header(acd::http::request& req, const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0) throw cli::usage_error("--header must look like 'Name: value', got '" + text + "'");
    const std::string name = text.substr(0, colon);
    const std::string_view value = acd::detail::trim(std::string_view(text).substr(colon + 1));
    req.headers.add(name, value);
}

} // namespace

int cli::cmd_sign(int argc, char** argv) {
    for (int i = 2; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            print_usage(std::cout);
            return 0;
        }
    const cli::args a(argc, argv, 2,
                      {"method", "url", "header", "body", "body-file", "region", "service", "time", "access-key", "secret-key",
                       "session-token", "expires", "crypto"},
                      {"presign", "json", "no-normalize-path", "single-encode-path", "content-sha256"});

    acd::http::request req;
    req.method = a.required("method");
    const std::string url = a.required("url");
    if (req.set_url(url)) throw cli::usage_error("--url must be an absolute http(s) URL without spaces or fragment, got '" + url + "'");
    for (const auto& h : a.all("header")) add_header(req, h);
    if (a.has("body") && a.has("body-file")) throw cli::usage_error("give either --body or --body-file, not both");
    if (auto body = a.get("body")) req.body = *body;
    if (auto file = a.get("body-file")) req.body = read_body_file(*file);

    const std::string region = a.required("region");
    const std::string service = a.required("service");
    acd::credentials creds;
    creds.access_key_id = a.required("access-key");
    creds.secret_access_key = a.required("secret-key");
    if (auto t = a.get("session-token")) creds.session_token = *t;

    acd::sigv4::signing_params p;
    p.region = region;
    p.service = service;
    p.time = parse_time(a.required("time"));
    p.normalize_path = !a.flag("no-normalize-path");
    p.double_encode_path = !a.flag("single-encode-path");
    p.add_content_sha256_header = a.flag("content-sha256");
    const bool presign = a.flag("presign");
    if (a.has("expires") && !presign) throw cli::usage_error("--expires needs --presign");
    const auto expires = std::chrono::seconds(a.integer("expires", 1, acd::sigv4::max_presign_expires).value_or(3600));

    // Like botocore, headers the signer writes are replaced at the end rather than in place.
    req.headers.erase("Authorization");
    if (!presign) {
        req.headers.erase("X-Amz-Date");
        if (!creds.session_token.empty()) req.headers.erase("X-Amz-Security-Token");
        if (p.add_content_sha256_header) req.headers.erase("x-amz-content-sha256");
    }
    const bool had_host = req.headers.contains("host");

    acd::sigv4::signer<cli::any_crypto> signer(cli::any_crypto(cli::parse_crypto(a)));
    acd::sigv4::signing_details d;
    const std::error_code ec = presign ? signer.presign(req, creds, p, expires, &d) : signer.sign(req, creds, p, &d);
    if (ec) throw cli::usage_error("cannot sign: " + ec.message());

    if (a.flag("json")) {
        boost::json::object o;
        o["canonical_request"] = d.canonical_request;
        o["string_to_sign"] = d.string_to_sign;
        o["signature"] = d.signature;
        o["authorization"] = d.authorization;
        boost::json::array headers;
        const auto& fields = req.headers.fields();
        for (std::size_t i = had_host ? 0 : 1; i < fields.size(); ++i)
            headers.push_back(boost::json::array{boost::json::string(fields[i].name), boost::json::string(fields[i].value)});
        o["headers"] = std::move(headers);
        if (presign) o["url"] = req.url_string();
        std::cout << boost::json::serialize(o) << "\n";
        return 0;
    }

    std::cout << "Canonical request:\n--------\n";
    acd::sigv4::signing_details::print_redacted(std::cout, d.canonical_request);
    std::cout << "\n--------\n\nString to sign:\n--------\n"
              << d.string_to_sign << "\n--------\n\nSignature: " << d.signature << "\n\nSigned request:\n"
              << req.method << " " << req.url_string() << "\n";
    for (const auto& f : req.headers) {
        const bool token = acd::detail::iequals(f.name, "x-amz-security-token");
        std::cout << f.name << ": " << (token ? std::string_view("<session token>") : std::string_view(f.value)) << "\n";
    }
    std::cout << "(body: " << req.body.size() << " bytes";
    if (!req.body.empty()) std::cout << ", SHA-256 " << d.canonical_request.substr(d.canonical_request.rfind('\n') + 1);
    std::cout << ")\n";
    if (!creds.session_token.empty()) std::cout << "(the session token is not shown; --json prints the exact bytes)\n";
    return 0;
}
