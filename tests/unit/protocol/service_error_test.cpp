#include <appconfigdata/protocol/service_error.hpp>

#include <catch2/catch.hpp>

#include <sstream>

using namespace appconfigdata;
using namespace appconfigdata::protocol;

namespace {
http::response error_response(int status, std::string body, std::string header_type = "") {
    http::response r;
    r.status = status;
    r.body = std::move(body);
    if (!header_type.empty()) r.headers.add("X-Amzn-ErrorType", header_type);
    r.headers.add("x-amzn-RequestId", "rid-9");
    return r;
}
} // namespace

TEST_CASE("restJson1 error code sanitising (Smithy examples)") {
    CHECK(sanitize_error_code("FooError") == "FooError");
    CHECK(sanitize_error_code("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/") == "FooError");
    CHECK(sanitize_error_code("aws.protocoltests.restjson#FooError") == "FooError");
    CHECK(sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/") ==
          "FooError");
    CHECK(sanitize_error_code("InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/") ==
          "InvalidSignatureException");
    CHECK(sanitize_error_code("") == "");
}

TEST_CASE("error code precedence: header, then body code, then __type") {
    service_error e;
    auto r = error_response(400, R"({"code":"BodyCode","__type":"TypeCode"})", "HeaderCode:http://x");
    CHECK(parse_service_error(r, e) == errc::service_error);
    CHECK(e.diag.error_type == "HeaderCode");
    r.headers.erase("X-Amzn-ErrorType");
    parse_service_error(r, e);
    CHECK(e.diag.error_type == "BodyCode");
    r.body = R"({"__type":"ns#TypeCode"})";
    parse_service_error(r, e);
    CHECK(e.diag.error_type == "TypeCode");
    SECTION("header name in any case, comma-joined value") {
        http::response h = error_response(429, "", "");
        h.headers.add("x-amzn-errortype", "ThrottlingException,ThrottlingException");
        CHECK(parse_service_error(h, e) == errc::throttling);
        CHECK(e.diag.error_type == "ThrottlingException");
    }
}

TEST_CASE("BadRequestException with InvalidParameters problems") {
    service_error e;
    for (auto [text, problem] : {std::pair<const char*, invalid_parameter_problem>{"Corrupted", invalid_parameter_problem::corrupted},
                                 {"Expired", invalid_parameter_problem::expired},
                                 {"PollIntervalNotSatisfied", invalid_parameter_problem::poll_interval_not_satisfied},
                                 {"SomethingNew", invalid_parameter_problem::unknown}}) {
        auto r = error_response(400, std::string(R"({"__type":"BadRequestException","Details":{"InvalidParameters":{"ConfigurationToken":{"Problem":")") +
                                         text + R"("}}},"Message":"Request too early","Reason":"InvalidParameters"})");
        CHECK(parse_service_error(r, e) == errc::bad_request);
        CHECK(e.diag.error_type == "BadRequestException");
        CHECK(e.diag.message == "Request too early");
        CHECK(e.diag.request_id == "rid-9");
        CHECK(e.diag.http_status == 400);
        CHECK(e.reason == "InvalidParameters");
        REQUIRE(e.invalid_parameters.size() == 1);
        CHECK(e.invalid_parameters[0].name == "ConfigurationToken");
        CHECK(e.invalid_parameters[0].problem == problem);
        CHECK(e.invalid_parameters[0].problem_text == text);
        CHECK(e.has_problem(problem));
    }
}

TEST_CASE("every named error type maps to its errc") {
    const std::pair<const char*, errc> cases[] = {
        {"BadRequestException", errc::bad_request},
        {"ResourceNotFoundException", errc::resource_not_found},
        {"ThrottlingException", errc::throttling},
        {"InternalServerException", errc::internal_server},
        {"AccessDeniedException", errc::access_denied},
        {"UnrecognizedClientException", errc::unrecognized_client},
        {"InvalidSignatureException", errc::invalid_signature},
        {"ExpiredTokenException", errc::expired_token},
        {"ServiceUnavailableException", errc::service_unavailable},
        {"SomeFutureException", errc::service_error},
    };
    for (const auto& c : cases) {
        service_error e;
        auto r = error_response(400, std::string("{\"message\":\"m\",\"__type\":\"") + c.first + "\"}");
        INFO(c.first);
        CHECK(parse_service_error(r, e) == c.second);
        CHECK(e.code == c.second);
        CHECK(e.diag.error_type == c.first);
        CHECK(e.diag.message == "m");
    }
}

TEST_CASE("non-JSON error bodies are typed by status") {
    service_error e;
    const std::pair<int, errc> cases[] = {{429, errc::throttling},        {500, errc::internal_server},
                                          {502, errc::service_unavailable}, {503, errc::service_unavailable},
                                          {504, errc::service_unavailable}, {403, errc::unexpected_status},
                                          {302, errc::unexpected_status}};
    for (const auto& c : cases) {
        auto r = error_response(c.first, "<html><body>Bad Gateway</body></html>");
        CHECK(parse_service_error(r, e) == c.second);
        CHECK(e.diag.http_status == c.first);
        CHECK(e.diag.error_type.empty());
        CHECK(e.diag.message.find("non-JSON body") != std::string::npos);
        CHECK(e.diag.message.find("Bad Gateway") == std::string::npos); // sizes, not bodies
    }
    auto r = error_response(500, "");
    CHECK(parse_service_error(r, e) == errc::internal_server);
    CHECK(e.diag.message.find("empty body") != std::string::npos);
    r = error_response(503, "{\"x\":1}");
    CHECK(parse_service_error(r, e) == errc::service_unavailable);
    r = error_response(400, "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}");
    CHECK(parse_service_error(r, e) == errc::unexpected_status); // too deep: not JSON to us
}

TEST_CASE("service_error prints its diagnostics") {
    service_error e;
    auto r = error_response(404, R"({"__type":"ResourceNotFoundException","Message":"nope","ResourceType":"Application"})");
    parse_service_error(r, e);
    std::ostringstream os;
    os << e;
    CHECK(os.str().find("ResourceNotFoundException") != std::string::npos);
    CHECK(os.str().find("404") != std::string::npos);
    CHECK(os.str().find("rid-9") != std::string::npos);
    CHECK(os.str().find("Application") != std::string::npos);
    service_error copy = e;
    CHECK(copy == e);
    copy.reason = "x";
    CHECK(copy != e);
}
