// sigv4::redactor (issue 19): what a service quotes back loses the request's secrets and keeps the
// rest, so a quoted canonical request still shows where the token was.
#include <catch2/catch.hpp>

#include <appconfigdata/http/percent_encoding.hpp>
#include <appconfigdata/sigv4/redact.hpp>

#include <string>

using namespace appconfigdata;

namespace {

// A token with the bytes real ones have ('/', '+', '='), so its percent-encoded form differs.
const std::string token = "IQoJb3JpZ2luX2VjEDoaCXVzLWVhc3QtMSJHMEUC+Token/With=Padding/DO-NOT-LEAK-TOK";
const std::string secret_key = "wJalrXUtnFEMI/K7MDENG+DO-NOT-LEAK-KEY";
const std::string signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

credentials creds() {
    credentials c;
    c.access_key_id = "ASIAEXAMPLE";
    c.secret_access_key = secret_key;
    c.session_token = token;
    return c;
}

http::request signed_request() {
    http::request r;
    r.host = "appconfigdata.us-east-1.amazonaws.com";
    r.path = "/configuration";
    r.query = "configuration_token=abc";
    r.headers.add("X-Amz-Date", "20261126T080000Z");
    r.headers.add("X-Amz-Security-Token", token);
    r.headers.add("Authorization", "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261126/us-east-1/appconfig/aws4_request, "
                                   "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=" + signature);
    return r;
}

std::string redacted(std::string text, const http::request& r = signed_request(), const credentials* c = nullptr) {
    const credentials own = creds();
    sigv4::redactor(r, c ? c : &own)(text);
    return text;
}

bool has(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

std::string label(std::size_t n) { return "<redacted, " + std::to_string(n) + " chars>"; }

} // namespace

TEST_CASE("redact: the quoted canonical request keeps its shape, the token is gone") {
    const std::string quoted = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
                               "Key and signing method.\n\nThe Canonical String for this request should have been\n'GET\n/configuration\n"
                               "configuration_token=abc\nhost:appconfigdata.us-east-1.amazonaws.com\nx-amz-date:20261126T080000Z\n"
                               "x-amz-security-token:" + token + "\n\nhost;x-amz-date;x-amz-security-token\n"
                               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n";
    const std::string out = redacted(quoted);
    INFO(out);
    CHECK_FALSE(has(out, token));
    CHECK_FALSE(has(out, "DO-NOT-LEAK"));
    CHECK(has(out, "x-amz-security-token:" + label(token.size()) + "\n"));
    CHECK(has(out, "host;x-amz-date;x-amz-security-token\n")); // the signed-headers list stays
    CHECK(has(out, "The request signature we calculated does not match the signature you provided."));
    CHECK(has(out, "x-amz-date:20261126T080000Z\n"));
}

TEST_CASE("redact: the token in several positions, and a copy cut short at the end") {
    const std::string text = token + " at the start, in the middle (" + token + ") and at the end " + token;
    const std::string out = redacted(text);
    INFO(out);
    CHECK_FALSE(has(out, "DO-NOT-LEAK"));
    CHECK(out == label(token.size()) + " at the start, in the middle (" + label(token.size()) + ") and at the end " + label(token.size()));
    // A service message cut by a length limit in the middle of the token.
    const std::string cut = "x-amz-security-token:" + token.substr(0, 30);
    CHECK(redacted(cut) == "x-amz-security-token:" + label(30));
    const std::string cut_free = "as received: " + token.substr(0, 20);
    CHECK(redacted(cut_free) == "as received: " + label(20));
    CHECK_FALSE(has(redacted("text " + token.substr(0, 40)), token.substr(0, 40)));
}

TEST_CASE("redact: percent-encoded token, any hex case, and the labelled value of an unknown token") {
    const std::string encoded = http::percent_encode(token);
    REQUIRE(encoded != token);
    std::string lower = encoded;
    for (std::size_t i = 0; i + 2 < lower.size(); ++i)
        if (lower[i] == '%') {
            lower[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[i + 1])));
            lower[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[i + 2])));
        }
    for (const std::string& form : {encoded, lower, http::percent_encode(encoded)}) {
        const std::string out = redacted("query was a=b&token=" + form + "&c=d");
        INFO(out);
        CHECK_FALSE(has(out, "DO-NOT-LEAK"));
        CHECK(has(out, "&c=d"));
    }
}

TEST_CASE("redact: labelled values of secrets the redactor was not told about") {
    const sigv4::redactor none; // no known secret at all
    std::string text = "x-amz-security-token: FwoGZXIvYXdzEOther\nX-Amz-Security-Token=Fwo%2FOther&X-Amz-Date=1\n"
                       "Authorization: AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/appconfig/aws4_request, SignedHeaders=host, "
                       "Signature=abcdef0123\nhttps://h/?X-Amz-Signature=0123abcd&X-Amz-SignedHeaders=host\n"
                       "x-amz-sso_bearer_token:aoaBearer\nAction=AssumeRoleWithWebIdentity&WebIdentityToken=eyJhbGciOi.x.y&Version=1";
    none(text);
    INFO(text);
    CHECK(text == "x-amz-security-token: " + label(18) + "\nX-Amz-Security-Token=" + label(11) + "&X-Amz-Date=1\n"
                  "Authorization: AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/appconfig/aws4_request, SignedHeaders=host, "
                  "Signature=" + label(10) + "\nhttps://h/?X-Amz-Signature=" + label(8) + "&X-Amz-SignedHeaders=host\n"
                  "x-amz-sso_bearer_token:" + label(9) + "\nAction=AssumeRoleWithWebIdentity&WebIdentityToken=" + label(14) + "&Version=1");
}

TEST_CASE("redact: the Authorization signature, presigned parameters, the secret key") {
    std::string text = "got Authorization " + signed_request().headers.find("Authorization")->substr(0, 81) + "... sig " + signature +
                       " key " + secret_key + " and " + http::percent_encode(secret_key);
    sigv4::redactor(signed_request(), nullptr)(text); // the signature is known from the request alone
    CHECK_FALSE(has(text, signature));
    CHECK(has(text, secret_key)); // not told about the key: left alone
    text = redacted(text);
    INFO(text);
    CHECK_FALSE(has(text, "DO-NOT-LEAK"));
    CHECK(has(text, "got Authorization AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261126/us-east-1/appconfig/aws4_request"));

    // A quoted SigV4 Authorization keeps its public parts.
    const std::string auth = *signed_request().headers.find("Authorization");
    std::string quoted_auth = "(Authorization received: " + auth + ")";
    sigv4::redactor(signed_request(), nullptr)(quoted_auth);
    CHECK(quoted_auth == "(Authorization received: " + auth.substr(0, auth.size() - signature.size()) + label(signature.size()) + ")");

    // A presigned request: the secrets are query parameters.
    http::request presigned;
    presigned.host = "h";
    presigned.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=" + http::percent_encode(token) + "&X-Amz-Signature=" + signature;
    std::string quoted = "token " + token + " signature " + signature + " encoded " + http::percent_encode(token);
    sigv4::redact(quoted, presigned);
    INFO(quoted);
    CHECK_FALSE(has(quoted, "DO-NOT-LEAK"));
    CHECK_FALSE(has(quoted, signature));
    CHECK(quoted == "token " + label(token.size()) + " signature " + label(signature.size()) + " encoded " +
                        label(http::percent_encode(token).size()));

    // A form body (STS AssumeRoleWithWebIdentity).
    http::request form;
    form.headers.add("Content-Type", "application/x-www-form-urlencoded");
    form.body = "Action=AssumeRoleWithWebIdentity&WebIdentityToken=" + http::percent_encode(token) + "&Version=2011-06-15";
    std::string echoed = "the token " + token + " is not valid";
    sigv4::redact(echoed, form);
    CHECK(echoed == "the token " + label(token.size()) + " is not valid");
}

TEST_CASE("redact: text without secrets is unchanged; short and empty secrets do not redact everything") {
    const std::string plain = "The security token included in the request is invalid. Signature expired: 20261126T080000Z is now earlier "
                              "than 20261126T081000Z. signature: none; x-amz-security-token is a signed header; Signature= ;";
    CHECK(redacted(plain) == plain);
    std::string empty;
    sigv4::redactor(signed_request(), nullptr)(empty);
    CHECK(empty.empty());

    credentials shorty;
    shorty.access_key_id = "A";
    shorty.secret_access_key = "a";
    shorty.session_token = "e";
    http::request r;
    r.headers.add("X-Amz-Security-Token", "e");
    sigv4::redactor tiny(r, &shorty);
    CHECK(tiny.empty());
    std::string text = "every letter e and a stays where it is";
    tiny(text);
    CHECK(text == "every letter e and a stays where it is");
    // ... while the labelled value is still caught.
    text = "x-amz-security-token:e\n";
    tiny(text);
    CHECK(text == "x-amz-security-token:<redacted, 1 char>\n");

    credentials none;
    sigv4::redactor nothing(http::request{}, &none);
    CHECK(nothing.empty());
    text = plain;
    nothing(text);
    CHECK(text == plain);
}

TEST_CASE("redact: diagnostics, and bad input never crashes") {
    diagnostics d;
    d.http_status = 403;
    d.error_type = "InvalidSignatureException";
    d.message = "x-amz-security-token:" + token;
    d.request_id = token;
    sigv4::redactor(signed_request(), nullptr)(d);
    CHECK(d.message == "x-amz-security-token:" + label(token.size()));
    CHECK(d.request_id == label(token.size()));
    CHECK(d.error_type == "InvalidSignatureException");

    // Labels at the very end, binary bytes, a text made of the label only.
    const sigv4::redactor r(signed_request());
    for (std::string text : {std::string("x-amz-security-token"), std::string("x-amz-security-token:"), std::string("Signature="),
                             std::string("X-Amz-Signature%3D"), std::string("\0\xff x-amz-security-token:\xff\0", 27), token.substr(0, 7),
                             std::string(5000, 'x') + token.substr(0, 9)}) {
        r(text);
        CHECK(text.find(token.substr(0, 9)) == std::string::npos);
    }
    std::string encoded_label = "X-Amz-Security-Token%3DFwoAbc%2F";
    r(encoded_label);
    CHECK(encoded_label == "X-Amz-Security-Token%3D" + label(9));
}
