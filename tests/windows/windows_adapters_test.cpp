// The Windows adapters (adapters/windows.hpp) on Windows itself (tools/run test-windows runs this under
// Wine): cng_crypto against the FIPS 180-2 SHA-256 and RFC 4231 HMAC-SHA-256 vectors, the file reader,
// the environment reader, the credential_process runner (child_process.exe beside this executable) and
// the backup store.
#include <appconfigdata/adapters/windows.hpp>
#include <appconfigdata/credentials/process.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace acd = appconfigdata;
namespace adapters = appconfigdata::adapters;
using acd::errc;

namespace {

std::string hex(const acd::crypto::digest& d) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (auto b : d) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

std::string sha(adapters::cng_crypto& c, std::string_view data) {
    acd::crypto::digest d{};
    c.sha256(data, d);
    return hex(d);
}

std::string mac(adapters::cng_crypto& c, std::string_view key, std::string_view data) {
    acd::crypto::digest d{};
    c.hmac_sha256(acd::crypto::byte_view(key), data, d);
    return hex(d);
}

std::string bytes(std::size_t n, char c) { return std::string(n, c); }

// A fresh directory under %TEMP%, removed (with its files) at the end of the test.
struct temp_dir {
    std::string path;
    temp_dir() {
        wchar_t base[MAX_PATH + 1];
        const DWORD n = ::GetTempPathW(MAX_PATH + 1, base);
        REQUIRE(n > 0);
        std::string utf8;
        REQUIRE(adapters::win32::to_utf8(std::wstring_view(base, n), utf8));
        for (unsigned i = 0;; ++i) {
            path = utf8 + "acd-win-test-" + std::to_string(::GetCurrentProcessId()) + "-" + std::to_string(i);
            std::wstring w;
            REQUIRE(adapters::win32::to_wide(path, w));
            if (::CreateDirectoryW(w.c_str(), nullptr)) break;
            REQUIRE(::GetLastError() == ERROR_ALREADY_EXISTS);
        }
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        for (const auto& f : files()) remove(f);
        std::wstring w;
        adapters::win32::to_wide(path, w);
        ::RemoveDirectoryW(w.c_str());
    }
    std::string file(const std::string& name) const { return path + "\\" + name; }
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        std::wstring pattern;
        adapters::win32::to_wide(path + "\\*", pattern);
        WIN32_FIND_DATAW fd;
        HANDLE h = ::FindFirstFileW(pattern.c_str(), &fd);
        if (h == INVALID_HANDLE_VALUE) return out;
        do {
            std::string name;
            adapters::win32::to_utf8(fd.cFileName, name);
            if (name != "." && name != "..") out.push_back(name);
        } while (::FindNextFileW(h, &fd));
        ::FindClose(h);
        return out;
    }
    void remove(const std::string& name) const {
        std::wstring w;
        adapters::win32::to_wide(file(name), w);
        ::DeleteFileW(w.c_str());
    }
};

void write_file(const std::string& path, const std::string& contents) {
    std::wstring w;
    REQUIRE(adapters::win32::to_wide(path, w));
    adapters::win32::handle f(::CreateFileW(w.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
    REQUIRE(f.valid());
    DWORD n = 0;
    REQUIRE(::WriteFile(f.get(), contents.data(), static_cast<DWORD>(contents.size()), &n, nullptr));
    REQUIRE(n == contents.size());
}

std::string read_whole(const std::string& path) {
    std::string s;
    REQUIRE(!adapters::read_file(path, s, 1u << 24));
    return s;
}

// child_process.exe, beside this test executable.
std::string child_program() {
    wchar_t self[MAX_PATH + 1];
    const DWORD n = ::GetModuleFileNameW(nullptr, self, MAX_PATH + 1);
    REQUIRE((n > 0 && n <= MAX_PATH));
    std::wstring dir(self, n);
    dir.resize(dir.find_last_of(L"\\/") + 1);
    std::string out;
    REQUIRE(adapters::win32::to_utf8(dir + L"child_process.exe", out));
    return out;
}

acd::process_outcome run(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(20),
                         std::size_t max_stdout = 1u << 20, std::error_code* error = nullptr) {
    acd::process_request r;
    r.argv = std::move(argv);
    r.timeout = timeout;
    r.max_stdout = max_stdout;
    acd::process_outcome o;
    const std::error_code ec = adapters::run_process(r, o);
    if (error)
        *error = ec;
    else
        REQUIRE_FALSE(ec);
    return o;
}

} // namespace

TEST_CASE("cng_crypto: SHA-256 vectors of FIPS 180-2", "[windows][cng]") {
    adapters::cng_crypto c;
    REQUIRE_FALSE(c.init_error());
    INFO("reusable hash objects: " << c.reusable());
    CHECK(sha(c, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha(c, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha(c, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha(c, bytes(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(sha(c, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // the reused object starts afresh
    CHECK_FALSE(c.last_error());
}

TEST_CASE("cng_crypto: HMAC-SHA-256 vectors of RFC 4231", "[windows][cng]") {
    adapters::cng_crypto c;
    REQUIRE_FALSE(c.init_error());
    const std::string tc1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    const std::string tc2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    std::string key4;
    for (char i = 1; i <= 25; ++i) key4 += i;
    CHECK(mac(c, bytes(20, '\x0b'), "Hi There") == tc1);
    CHECK(mac(c, "Jefe", "what do ya want for nothing?") == tc2);
    CHECK(mac(c, bytes(20, '\xaa'), bytes(50, '\xdd')) == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    CHECK(mac(c, key4, bytes(50, '\xcd')) == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    CHECK(mac(c, bytes(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(mac(c, bytes(131, '\xaa'),
              "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed "
              "before being used by the HMAC algorithm.") == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    CHECK_FALSE(c.last_error());

    SECTION("the cached key: the same key twice, then another, then back") {
        CHECK(mac(c, "Jefe", "what do ya want for nothing?") == tc2);
        CHECK(mac(c, "Jefe", "what do ya want for nothing?") == tc2);
        CHECK(mac(c, bytes(20, '\x0b'), "Hi There") == tc1);
        CHECK(mac(c, "Jefe", "what do ya want for nothing?") == tc2);
        // A key that differs from the cached one only in its last byte is a different key.
        std::string other_key = bytes(20, '\x0b');
        other_key.back() = '\x0c';
        CHECK(mac(c, other_key, "Hi There") != tc1);
        CHECK(mac(c, bytes(20, '\x0b'), "Hi There") == tc1);
    }
    SECTION("copies and moves have their own handles") {
        adapters::cng_crypto copy(c);
        CHECK(mac(copy, "Jefe", "what do ya want for nothing?") == tc2);
        adapters::cng_crypto moved(std::move(copy));
        CHECK(mac(moved, bytes(20, '\x0b'), "Hi There") == tc1);
        CHECK(mac(c, "Jefe", "what do ya want for nothing?") == tc2);
        adapters::cng_crypto assigned;
        assigned = moved;
        CHECK(sha(assigned, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

TEST_CASE("file reader: ok, missing, a directory, too large, NUL", "[windows][file]") {
    temp_dir dir;
    const std::string path = dir.file("config");
    write_file(path, "[default]\nregion = eu-west-1\n");
    std::string s = "stale";
    acd::diagnostics d;

    CHECK_FALSE(adapters::read_file(path, s, 1000, &d));
    CHECK(s == "[default]\nregion = eu-west-1\n");
    CHECK(adapters::make_file_reader()(path, s) == std::error_code());
    CHECK(s.size() == 29);

    CHECK(adapters::read_file(dir.file("missing"), s, 1000, &d) == errc::file_not_found);
    CHECK(s.empty());
    CHECK(d.message.find("missing") != std::string::npos);
    CHECK(adapters::read_file(dir.file("no-dir\\config"), s) == errc::file_not_found);
    CHECK(adapters::read_file("", s) == errc::file_not_found);
    CHECK(adapters::read_file(std::string("bad\xff\xfe", 5), s) == errc::file_not_found); // not UTF-8

    CHECK(adapters::read_file(dir.path, s, 1000, &d) == errc::io_failed);

    CHECK(adapters::read_file(path, s, 28, &d) == errc::limit_exceeded);
    CHECK(s.empty());
    CHECK(d.message.find("limit") != std::string::npos);
    CHECK(adapters::make_file_reader(10)(path, s) == errc::limit_exceeded);
    CHECK_FALSE(adapters::read_file(path, s, 29)); // exactly the limit is fine

    CHECK_FALSE(adapters::read_file("NUL", s)); // AWS_CONFIG_FILE=NUL: an empty file
    CHECK(s.empty());

    // A UTF-8 path outside ASCII.
    const std::string unicode = dir.file("konfigur\xc3\xa4tion");
    write_file(unicode, "x");
    CHECK_FALSE(adapters::read_file(unicode, s));
    CHECK(s == "x");
}

TEST_CASE("environment reader: set, unset, empty, UTF-8", "[windows][environment]") {
    REQUIRE(::SetEnvironmentVariableW(L"APPCONFIGDATA_WINDOWS_TEST", L"caf\u00e9"));
    auto env = adapters::system_environment();
    CHECK(env("APPCONFIGDATA_WINDOWS_TEST") == std::optional<std::string>("caf\xc3\xa9"));
    CHECK(env("appconfigdata_windows_test") == std::optional<std::string>("caf\xc3\xa9")); // names are case-insensitive
    const std::wstring longer(3000, L'v');
    REQUIRE(::SetEnvironmentVariableW(L"APPCONFIGDATA_WINDOWS_TEST", longer.c_str()));
    CHECK(env("APPCONFIGDATA_WINDOWS_TEST") == std::optional<std::string>(std::string(3000, 'v')));
    REQUIRE(::SetEnvironmentVariableW(L"APPCONFIGDATA_WINDOWS_TEST", L""));
    CHECK(env("APPCONFIGDATA_WINDOWS_TEST") == std::optional<std::string>(""));
    REQUIRE(::SetEnvironmentVariableW(L"APPCONFIGDATA_WINDOWS_TEST", nullptr));
    CHECK(env("APPCONFIGDATA_WINDOWS_TEST") == std::nullopt);
    CHECK(env("") == std::nullopt);
    CHECK(env("A=B") == std::nullopt);
    CHECK(adapters::getenv_value("PATH").has_value());
}

TEST_CASE("process runner: credentials, exit codes, arguments", "[windows][process]") {
    const std::string child = child_program();

    SECTION("a credential_process run end to end") {
        const auto r = acd::credentials_from_process("\"" + child + "\" credentials", adapters::make_process_runner());
        REQUIRE(r.ready());
        CHECK(r.value.access_key_id == "AKIDWINDOWSTEST");
        CHECK(r.value.secret_access_key.reveal() == "windows-secret");
        CHECK(r.value.session_token.reveal() == "windows-token");
    }
    SECTION("a failing process: its exit code, stderr counted, not kept") {
        const auto o = run({child, "exit", "7"});
        CHECK(o.exited);
        CHECK(o.exit_code == 7);
        CHECK(o.stderr_bytes > 0);
        CHECK(o.stdout_text.empty());
        const auto r = acd::credentials_from_process("\"" + child + "\" exit 3", adapters::make_process_runner());
        CHECK_FALSE(r.ready());
        CHECK(r.error == errc::process_failed);
        CHECK(r.diag.message.find("code 3") != std::string::npos);
    }
    SECTION("a program cmd cannot find: exit code 9009") {
        const auto o = run({"appconfigdata-no-such-program-here"});
        CHECK(o.exited);
        CHECK(o.exit_code == 9009);
    }
    SECTION("arguments reach the program as they were, cmd metacharacters included") {
        const auto o = run({child, "args", "a b", "x&y", "p|q", "<in>", "^caret", "", "back\\slash\\", "plain"});
        CHECK(o.exit_code == 0);
        CHECK(o.stdout_text == "a b\r\nx&y\r\np|q\r\n<in>\r\n^caret\r\n\r\nback\\slash\\\r\nplain\r\n");
    }
    SECTION("what cmd would expand even in quotes is refused") {
        std::error_code ec;
        run({child, "args", "%PATH%"}, std::chrono::seconds(5), 1000, &ec);
        CHECK(ec == errc::invalid_argument);
        run({child, "args", "say \"hi\""}, std::chrono::seconds(5), 1000, &ec);
        CHECK(ec == errc::invalid_argument);
        run({}, std::chrono::seconds(5), 1000, &ec);
        CHECK(ec == errc::invalid_argument);
        CHECK(acd::credentials_from_process("\"" + child + "\" args %USERNAME%", adapters::make_process_runner()).error ==
              errc::process_failed);
    }
    SECTION("both pipes full at once: no deadlock; stdout over the limit is dropped") {
        const auto o = run({child, "flood", "300000", "1000000"}, std::chrono::seconds(30), 1000);
        CHECK(o.exited);
        CHECK(o.exit_code == 0);
        CHECK(o.stderr_bytes == 1000000);
        CHECK(o.stdout_too_large);
        CHECK(o.stdout_text.empty());
        const auto all = run({child, "flood", "300000", "0"}, std::chrono::seconds(30), 300000);
        CHECK_FALSE(all.stdout_too_large);
        CHECK(all.stdout_text.size() == 300000);
    }
    SECTION("a process past its timeout is killed") {
        const auto start = std::chrono::steady_clock::now();
        const auto o = run({child, "sleep", "60000"}, std::chrono::milliseconds(700));
        const auto took = std::chrono::steady_clock::now() - start;
        CHECK(o.timed_out);
        CHECK_FALSE(o.exited);
        CHECK(o.stdout_text.empty());
        CHECK(took >= std::chrono::milliseconds(650));
        CHECK(took < std::chrono::seconds(15));
        const auto r = acd::credentials_from_process("\"" + child + "\" sleep 60000", adapters::make_process_runner(),
                                                     {}, acd::process_options{std::chrono::milliseconds(300)});
        CHECK(r.error == errc::process_failed);
        CHECK(r.diag.message.find("did not finish") != std::string::npos);
    }
}

TEST_CASE("backup store: round trip, corrupt, truncated, missing, foreign", "[windows][backup]") {
    temp_dir dir;
    const std::string path = dir.file("config.backup");
    const acd::backup::identity id{"shop", "prod", "flags", ""};
    acd::backup::record r;
    r.identity = id;
    r.content = "{\"dark_mode\":{\"enabled\":true}}";
    r.content_type = "application/json";
    r.version_label = "v7";
    r.saved_at = acd::time_point(std::chrono::milliseconds(1760000000123));
    adapters::file_backup_store store(path, id);
    acd::diagnostics d;
    acd::backup::record out;

    CHECK(store.load(out, d) == errc::backup_not_found);
    REQUIRE_FALSE(store.save(r, d));
    CHECK(dir.files() == std::vector<std::string>{"config.backup"}); // no temporary file left behind
    REQUIRE_FALSE(store.load(out, d));
    CHECK(out == r);

    // The same bytes the POSIX store writes: the shared format.
    adapters::cng_crypto crypto;
    std::string expected;
    REQUIRE_FALSE(acd::backup::encode(r, crypto, expected, d));
    CHECK(read_whole(path) == expected);

    SECTION("a newer save replaces the backup") {
        acd::backup::record newer = r;
        newer.content = "{}";
        newer.version_label = "v8";
        REQUIRE_FALSE(store.save(newer, d));
        REQUIRE_FALSE(store.load(out, d));
        CHECK(out.version_label == "v8");
        CHECK(dir.files().size() == 1);
    }
    SECTION("a flipped byte is corrupt, a cut file truncated; neither is changed by load") {
        std::string bytes = read_whole(path);
        std::string flipped = bytes;
        flipped[flipped.size() - 90] ^= 1;
        write_file(path, flipped);
        acd::backup::record untouched;
        CHECK(store.load(untouched, d) == errc::backup_corrupt);
        CHECK(untouched == acd::backup::record{});
        CHECK(read_whole(path) == flipped);
        write_file(path, bytes.substr(0, bytes.size() / 2));
        CHECK(store.load(untouched, d) == errc::backup_truncated);
        write_file(path, "");
        CHECK(store.load(untouched, d) == errc::backup_truncated);
    }
    SECTION("another configuration's backup is foreign and is kept") {
        adapters::file_backup_store other(path, {"shop", "staging", "flags", ""});
        CHECK(other.load(out, d) == errc::backup_foreign);
        acd::backup::record theirs = r;
        theirs.identity = {"shop", "staging", "flags", ""};
        CHECK(other.save(theirs, d) == errc::backup_foreign);
        CHECK(read_whole(path) == expected);
    }
    SECTION("a save interrupted before the move leaves the old backup whole") {
        acd::backup::record newer = r;
        newer.content = "interrupted";
        REQUIRE_FALSE(store.save_interrupted(newer, d, adapters::save_stop::after_temp_write));
        REQUIRE_FALSE(store.load(out, d));
        CHECK(out == r);
        CHECK(dir.files().size() == 2); // the stale temporary file, which load ignored
    }
    SECTION("a directory where the backup should be") {
        adapters::file_backup_store at_dir(dir.path, id);
        CHECK(at_dir.load(out, d) == errc::io_failed);
    }
}

TEST_CASE("system_random_seed: from BCryptGenRandom, different every call", "[windows][random]") {
    bool ok = false;
    const std::uint64_t a = appconfigdata::adapters::system_random_seed(&ok);
    CHECK(ok);
    const std::uint64_t b = appconfigdata::adapters::system_random_seed();
    const std::uint64_t c = appconfigdata::adapters::system_random_seed();
    CHECK_FALSE((a == b && b == c));
}
