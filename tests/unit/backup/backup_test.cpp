#include <appconfigdata/adapters/file_backup_store.hpp>
#include "test_crypto.hpp"
#include <appconfigdata/backup/format.hpp>
#include <appconfigdata/backup/record.hpp>
#include <appconfigdata/backup/store.hpp>

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

using namespace appconfigdata;
using namespace std::chrono_literals;
using file_store = adapters::file_backup_store<test_crypto>;

namespace {

const backup::identity app_id{"shop", "prod", "flags", ""};

backup::record sample_record() {
    backup::record r;
    r.identity = app_id;
    r.content = R"({"dark_mode":{"enabled":true}})";
    r.content_type = "application/json";
    r.version_label = "v7";
    r.saved_at = time_point(1764140400s) + 123ms; // 2025-11-26T07:00:00.123Z
    return r;
}

std::string encoded(const backup::record& r) {
    test_crypto crypto;
    std::string out;
    diagnostics diag;
    REQUIRE(backup::encode(r, crypto, out, diag) == std::error_code());
    return out;
}

std::error_code decoded(std::string_view bytes, backup::record& out, diagnostics& diag, const backup::backup_limits& limits = {}) {
    test_crypto crypto;
    return backup::decode(bytes, crypto, out, diag, limits);
}

// A fresh directory under TMPDIR, removed with its files at the end of the test.
class temp_dir {
public:
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/appconfigdata-backup-XXXXXX";
        std::vector<char> buf(pattern.begin(), pattern.end());
        buf.push_back('\0');
        REQUIRE(::mkdtemp(buf.data()) != nullptr);
        path_ = buf.data();
    }
    ~temp_dir() {
        for (const std::string& f : files()) ::unlink((path_ + "/" + f).c_str());
        ::rmdir(path_.c_str());
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::vector<std::string> files() const {
        std::vector<std::string> out;
        if (DIR* d = ::opendir(path_.c_str())) {
            while (dirent* e = ::readdir(d)) {
                const std::string n = e->d_name;
                if (n != "." && n != "..") out.push_back(n);
            }
            ::closedir(d);
        }
        return out;
    }

private:
    std::string path_;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

void write_all(const std::string& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

TEST_CASE("backup format: round trip of text, unicode and binary content") {
    std::vector<backup::record> records;
    records.push_back(sample_record());
    backup::record unicode = sample_record();
    unicode.content = "gr\xc3\xbc\xc3\x9f dich \xf0\x9f\x98\x80\n\r\n";
    unicode.version_label = "v\xc3\xa9 rsion: 2\nsecond line";
    unicode.content_type = "text/plain; charset=utf-8";
    unicode.identity = {"app with spaces", "env/slash", "prof%ile", "123456789012/eu-west-1"};
    records.push_back(unicode);
    backup::record binary = sample_record();
    binary.content = std::string("\0\x01\xff\n\nsha256: \n", 14);
    binary.content.append(1000, '\0');
    binary.content_type = "application/octet-stream";
    binary.version_label.clear();
    records.push_back(binary);
    backup::record empty = sample_record();
    empty.content.clear();
    records.push_back(empty);
    backup::record old = sample_record();
    old.saved_at = time_point(-86400s) + 5ms; // before 1970
    records.push_back(old);

    for (const backup::record& r : records) {
        INFO(r);
        const std::string bytes = encoded(r);
        backup::record back;
        diagnostics diag;
        REQUIRE(decoded(bytes, back, diag) == std::error_code());
        CHECK(back == r);
        CHECK(diag.empty());
    }
}

TEST_CASE("backup format: saved_at is kept to the millisecond") {
    backup::record r = sample_record();
    r.saved_at += std::chrono::microseconds(456);
    backup::record back;
    diagnostics diag;
    REQUIRE(decoded(encoded(r), back, diag) == std::error_code());
    CHECK(back.saved_at == std::chrono::floor<std::chrono::milliseconds>(r.saved_at));
    CHECK(encoded(r).find("saved-at: 2025-11-26T07:00:00.123Z\n") != std::string::npos);
}

TEST_CASE("backup format: every cut of a valid file is reported as truncated") {
    const std::string bytes = encoded(sample_record());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        INFO("first " << n << " bytes");
        backup::record out = sample_record();
        out.content = "untouched";
        diagnostics diag;
        CHECK(decoded(std::string_view(bytes).substr(0, n), out, diag) == errc::backup_truncated);
        CHECK_FALSE(diag.message.empty());
        CHECK(out.content == "untouched");
    }
}

TEST_CASE("backup format: every flipped byte is caught") {
    const backup::record r = sample_record();
    const std::string bytes = encoded(r);
    const std::size_t content_at = bytes.find(r.content);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        INFO("byte " << i << " of " << bytes.size());
        backup::record out;
        diagnostics diag;
        const std::error_code ec = decoded(bad, out, diag);
        REQUIRE(ec);
        if (i >= content_at) CHECK(ec == errc::backup_corrupt); // content and trailer: checksum or framing
        else CHECK((ec == errc::backup_corrupt || ec == errc::backup_truncated)); // a changed length can look cut
    }
}

TEST_CASE("backup format: bad files are typed errors saying what was wrong") {
    const std::string good = encoded(sample_record());
    struct bad {
        std::string bytes;
        errc code;
        const char* says;
    };
    std::string other_version = good;
    other_version.replace(good.find(" 1\n"), 3, " 2\n");
    std::string extra = good + "x";
    std::string no_length = good;
    no_length.replace(good.find("content-length:"), 15, "content-lenxth:");
    std::string bad_time = good;
    bad_time.replace(good.find("2025-11-26"), 10, "2025-13-26");
    std::string bad_length = good;
    bad_length.replace(good.find("content-length: ") + 16, 1, "x");
    std::string no_colon = good;
    no_colon.replace(good.find("scope:"), 6, "scope ");
    const bad cases[] = {
        {"hello world, not a backup", errc::backup_corrupt, "not an appconfigdata backup"},
        {"{\"dark_mode\":{\"enabled\":true}}", errc::backup_corrupt, "not an appconfigdata backup"},
        {"appconfig", errc::backup_truncated, "first line"},
        {other_version, errc::backup_corrupt, "unsupported backup format version '2'"},
        {extra, errc::backup_corrupt, "content-length"},
        {no_length, errc::backup_corrupt, "lacks a required field"},
        {bad_time, errc::backup_corrupt, "saved-at"},
        {bad_length, errc::backup_corrupt, "content-length"},
        {no_colon, errc::backup_corrupt, "without ':'"},
    };
    for (const bad& c : cases) {
        INFO(c.bytes.substr(0, 40));
        backup::record out;
        diagnostics diag;
        CHECK(decoded(c.bytes, out, diag) == c.code);
        INFO(diag.message);
        CHECK(diag.message.find(c.says) != std::string::npos);
    }
}

TEST_CASE("backup format: an edited header fails the checksum") {
    const backup::record r = sample_record();
    std::string bytes = encoded(r);
    bytes.replace(bytes.find("version-label: v7"), 17, "version-label: v8");
    backup::record out;
    diagnostics diag;
    CHECK(decoded(bytes, out, diag) == errc::backup_corrupt);
    CHECK(diag.message.find("checksum") != std::string::npos);
}

TEST_CASE("backup format: size limits on save and on load") {
    backup::backup_limits small;
    small.max_content = 16;
    test_crypto crypto;
    backup::record big = sample_record();
    big.content.assign(17, 'x');
    std::string out = "untouched";
    diagnostics diag;
    CHECK(backup::encode(big, crypto, out, diag, small) == errc::limit_exceeded);
    CHECK(out == "untouched");
    CHECK(diag.message.find("17 bytes") != std::string::npos);
    big.content.assign(16, 'x');
    CHECK(backup::encode(big, crypto, out, diag, small) == std::error_code());

    big.content.assign(17, 'x');
    const std::string bytes = encoded(big);
    backup::record back;
    CHECK(decoded(bytes, back, diag, small) == errc::limit_exceeded);
    backup::backup_limits tiny_field;
    tiny_field.max_field = 3;
    CHECK(backup::encode(sample_record(), crypto, out, diag, tiny_field) == errc::limit_exceeded);
}

TEST_CASE("backup format: identity check tells a foreign backup apart") {
    diagnostics diag;
    const backup::record r = sample_record();
    CHECK(backup::check_identity(r, app_id, diag) == std::error_code());
    CHECK(backup::check_identity(r, backup::identity{}, diag) == std::error_code());
    backup::identity other = app_id;
    other.configuration_profile = "settings";
    CHECK(backup::check_identity(r, other, diag) == errc::backup_foreign);
    CHECK(diag.message == "backup belongs to shop/prod/flags, not shop/prod/settings");
    other = app_id;
    other.scope = "111122223333";
    CHECK(backup::check_identity(r, other, diag) == errc::backup_foreign);
}

TEST_CASE("backup record prints sizes and labels, never the content") {
    std::ostringstream os;
    os << sample_record();
    CHECK(os.str() == "backup::record{shop/prod/flags, 30 bytes, content_type=application/json, version_label=v7, "
                      "saved_at=2025-11-26T07:00:00Z}");
}

TEST_CASE("memory store: not found, then the last saved record") {
    backup::memory_store store;
    backup::record out;
    diagnostics diag;
    CHECK(store.load(out, diag) == errc::backup_not_found);
    CHECK(store.empty());
    CHECK(store.save(sample_record()) == std::error_code());
    CHECK(store.load(out) == std::error_code());
    CHECK(out == sample_record());
    CHECK(store.saves() == 1);
}

TEST_CASE("file store: round trip, mode 0600, nothing left behind") {
    temp_dir dir;
    file_store store(dir.file("config.backup"), app_id);
    backup::record out;
    diagnostics diag;
    CHECK(store.load(out, diag) == errc::backup_not_found);
    CHECK(diag.message.find("config.backup") != std::string::npos);

    REQUIRE(store.save(sample_record(), diag) == std::error_code());
    REQUIRE(store.load(out, diag) == std::error_code());
    CHECK(out == sample_record());
    CHECK(dir.files() == std::vector<std::string>{"config.backup"});
    struct stat st {};
    REQUIRE(::stat(dir.file("config.backup").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    backup::record newer = sample_record();
    newer.content = std::string("binary\0\xff", 8);
    newer.version_label = "v8";
    REQUIRE(store.save(newer, diag) == std::error_code());
    REQUIRE(store.load(out, diag) == std::error_code());
    CHECK(out == newer);
    CHECK(dir.files().size() == 1);

    // A reader that does not know the identity loads it too.
    file_store reader(dir.file("config.backup"));
    REQUIRE(reader.load(out) == std::error_code());
    CHECK(out == newer);
}

TEST_CASE("file store: corrupt, truncated and empty files are reported and left in place") {
    temp_dir dir;
    const std::string path = dir.file("config.backup");
    file_store store(path, app_id);
    REQUIRE(store.save(sample_record()) == std::error_code());
    const std::string good = read_all(path);

    struct bad {
        std::string bytes;
        errc code;
    };
    std::string flipped = good;
    flipped[good.find("dark_mode")] = 'D';
    const bad cases[] = {
        {flipped, errc::backup_corrupt},
        {good.substr(0, good.size() / 2), errc::backup_truncated},
        {good.substr(0, good.size() - 1), errc::backup_truncated},
        {"", errc::backup_truncated},
        {"not a backup at all\n", errc::backup_corrupt},
    };
    for (const bad& c : cases) {
        write_all(path, c.bytes);
        backup::record out = sample_record();
        out.content = "untouched";
        diagnostics diag;
        CHECK(store.load(out, diag) == c.code);
        CHECK(diag.message.find(path) != std::string::npos);
        CHECK(out.content == "untouched");
        CHECK(read_all(path) == c.bytes); // never deleted, never rewritten by a load
    }
    // A good save replaces a corrupt file.
    write_all(path, flipped);
    CHECK(store.save(sample_record()) == std::error_code());
    backup::record out;
    CHECK(store.load(out) == std::error_code());
}

TEST_CASE("file store: a foreign backup is reported on load and kept on save") {
    temp_dir dir;
    const std::string path = dir.file("shared.backup");
    backup::identity other_id = app_id;
    other_id.environment = "staging";
    file_store other(path, other_id);
    backup::record theirs = sample_record();
    theirs.identity = other_id;
    REQUIRE(other.save(theirs) == std::error_code());
    const std::string before = read_all(path);

    file_store mine(path, app_id);
    backup::record out;
    diagnostics diag;
    CHECK(mine.load(out, diag) == errc::backup_foreign);
    CHECK(diag.message.find("shop/staging/flags") != std::string::npos);
    CHECK(mine.save(sample_record(), diag) == errc::backup_foreign);
    CHECK(diag.message.find("refusing to overwrite") != std::string::npos);
    CHECK(read_all(path) == before);

    // A record of the wrong identity is refused before anything is written.
    CHECK(mine.save(theirs, diag) == errc::backup_foreign);
    CHECK(diag.message.find("refusing to save") != std::string::npos);
    CHECK(read_all(path) == before);
    CHECK(dir.files().size() == 1);
}

TEST_CASE("file store: a power cut between write and rename keeps the old backup") {
    temp_dir dir;
    const std::string path = dir.file("config.backup");
    file_store store(path, app_id);
    REQUIRE(store.save(sample_record()) == std::error_code());

    backup::record newer = sample_record();
    newer.content = "{\"new\":{\"enabled\":false}}";
    newer.version_label = "v8";
    for (adapters::save_stop stop : {adapters::save_stop::after_temp_write, adapters::save_stop::after_temp_fsync}) {
        diagnostics diag;
        REQUIRE(store.save_interrupted(newer, diag, stop) == std::error_code());
        // the temporary file is left behind, the backup itself is the old one and loads
        backup::record out;
        REQUIRE(store.load(out, diag) == std::error_code());
        CHECK(out == sample_record());
        // a fresh store (the restarted program) sees the same
        file_store restarted(path, app_id);
        REQUIRE(restarted.load(out, diag) == std::error_code());
        CHECK(out == sample_record());
    }
    CHECK(dir.files().size() == 3); // the backup and two stale temporary files

    // A temporary file cut short by the crash does not matter either; the next save succeeds.
    REQUIRE(store.save(newer) == std::error_code());
    backup::record out;
    REQUIRE(store.load(out) == std::error_code());
    CHECK(out == newer);
}

TEST_CASE("file store: a huge configuration is refused and the old backup kept") {
    temp_dir dir;
    const std::string path = dir.file("config.backup");
    backup::backup_limits limits;
    limits.max_content = 1024;
    file_store store(path, app_id, limits);
    REQUIRE(store.save(sample_record()) == std::error_code());
    backup::record huge = sample_record();
    huge.content.assign(4096, 'x');
    diagnostics diag;
    CHECK(store.save(huge, diag) == errc::limit_exceeded);
    backup::record out;
    REQUIRE(store.load(out) == std::error_code());
    CHECK(out == sample_record());
    CHECK(dir.files().size() == 1);

    // A huge file on disk is refused before it is read.
    write_all(path, std::string(100000, 'x'));
    CHECK(store.load(out, diag) == errc::limit_exceeded);
    CHECK(diag.message.find("over the limit") != std::string::npos);
}

TEST_CASE("file store: I/O problems are io_failed, never a crash") {
    temp_dir dir;
    diagnostics diag;
    backup::record out;
    file_store on_dir(dir.file(""), app_id); // the directory itself
    CHECK(on_dir.load(out, diag) == errc::io_failed);
    file_store missing_dir(dir.file("no/such/dir/config.backup"), app_id);
    CHECK(missing_dir.load(out, diag) == errc::backup_not_found);
    CHECK(missing_dir.save(sample_record(), diag) == errc::io_failed);
    CHECK(diag.message.find("cannot create temporary backup file") != std::string::npos);
}

TEST_CASE("file store: concurrent saves and loads always see a whole backup") {
    temp_dir dir;
    const std::string path = dir.file("config.backup");
    file_store store(path, app_id);
    REQUIRE(store.save(sample_record()) == std::error_code());
    file_store reader(path, app_id); // a second object: no shared mutex
    int bad_loads = 0;
    std::thread writer([&] {
        for (int i = 0; i < 50; ++i) {
            backup::record r = sample_record();
            r.version_label = "v" + std::to_string(i);
            r.content.assign(static_cast<std::size_t>(100 + i * 37), static_cast<char>('a' + i % 26));
            if (store.save(r)) ++bad_loads;
        }
    });
    for (int i = 0; i < 200; ++i) {
        backup::record out;
        if (reader.load(out)) ++bad_loads;
    }
    writer.join();
    CHECK(bad_loads == 0);
}
