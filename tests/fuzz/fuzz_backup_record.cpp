// The backup record decoder. Input: one mode byte, then bytes. Mode 0 decodes the bytes as a file;
// mode 1 appends the correct checksum trailer first (so the fuzzer reaches the header and content
// rules past the checksum).
// Invariants: decode gives {} or backup_truncated / backup_corrupt / limit_exceeded with a message,
// `out` untouched on error; a decoded record encodes to bytes that decode to the same record, and
// operator<< prints the size, not the content.
#include "fuzz_check.hpp"

#include <appconfigdata/adapters/botan_crypto.hpp>
#include <appconfigdata/backup/format.hpp>
#include <appconfigdata/detail/hex.hpp>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace appconfigdata;
    if (size == 0) return 0;
    std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    adapters::botan_crypto crypto;
    if (data[0] & 1) {
        crypto::digest sum{};
        crypto.sha256(bytes, sum);
        bytes.append("\nsha256: ");
        appconfigdata::detail::append_hex(bytes, sum.data(), sum.size());
        bytes.push_back('\n');
    }
    backup::record out;
    out.content = "untouched";
    diagnostics diag;
    const std::error_code ec = backup::decode(bytes, crypto, out, diag);
    if (ec) {
        fuzz::check_typed(ec, {errc::backup_truncated, errc::backup_corrupt, errc::limit_exceeded}, "backup: untyped error");
        fuzz::check(!diag.message.empty(), "backup: error without a message");
        fuzz::check(out.content == "untouched" && out.identity.empty(), "backup: out changed on error");
        return 0;
    }
    std::string encoded;
    const std::error_code eec = backup::encode(out, crypto, encoded, diag);
    if (eec) {
        fuzz::check_typed(eec, {errc::limit_exceeded}, "backup: a decoded record does not encode");
        return 0;
    }
    backup::record again;
    fuzz::check(!backup::decode(encoded, crypto, again, diag), "backup: an encoded record does not decode");
    fuzz::check(again == out, "backup: round trip changed the record");
    const std::string printed_fields = out.identity.application + out.identity.environment + out.identity.configuration_profile +
                                       out.identity.scope + out.content_type + out.version_label;
    if (out.content.size() >= 8 && !fuzz::contains(printed_fields, out.content)) {
        std::ostringstream os;
        os << out;
        fuzz::check(!fuzz::contains(os.str(), out.content), "backup: operator<< printed the content");
    }
    return 0;
}
