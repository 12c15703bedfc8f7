// The book files on a real temporary directory: content checks (EPUB OCF, PDF markers), what lands on
// disk (content, SHA-256, key shape, modes), nothing left behind by refused content, key validation in
// remove(), and callers resuming on their own thread.
#include "adapters/catalog/file_storage.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "domain/error.hpp"

namespace {

using namespace bookstore;
using bookstore::catalog::LocalBookFiles;
namespace net = boost::asio;
namespace fs = std::filesystem;

template <class T>
T run(Task<T> task) {
  net::io_context ioc;
  auto result = net::co_spawn(ioc, std::move(task), net::use_future);
  ioc.run();
  return result.get();
}

void put16(std::string& out, unsigned v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& out, unsigned v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}

// A ZIP local file header for one entry, then its data (the CRC is not checked by the storage).
std::string zip_entry(std::string_view name, std::string_view data, unsigned method = 0, unsigned flags = 0,
                      unsigned crc = 0, std::string_view extra = {}) {
  std::string out = "PK\x03\x04";
  put16(out, 20);  // version needed
  put16(out, flags);
  put16(out, method);
  put16(out, 0);  // time
  put16(out, 0);  // date
  put32(out, crc);
  put32(out, static_cast<unsigned>(data.size()));
  put32(out, static_cast<unsigned>(data.size()));
  put16(out, static_cast<unsigned>(name.size()));
  put16(out, static_cast<unsigned>(extra.size()));
  out += name;
  out += extra;
  out += data;
  return out;
}

const std::string kEndOfCentralDirectory = std::string("PK\x05\x06", 4) + std::string(18, '\0');

// The smallest EPUB the OCF rule accepts: the stored "mimetype" entry first (its real CRC-32).
std::string minimal_epub() {
  return zip_entry("mimetype", "application/epub+zip", 0, 0, 0x2cab616f) + kEndOfCentralDirectory;
}
constexpr std::string_view kMinimalEpubSha256 =
    "90109b1987f6c0f7007d51dfa5f9e69f29cfdf8823f919a6ef8f306b2dd086bf";

const std::string kMinimalPdf =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
constexpr std::string_view kMinimalPdfSha256 =
    "68d3dbe223d4659eb030429ecc280a437eb6e9b042a59797cbbd9e16f56c1d56";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class CatalogFileStorage : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("bookstore-files-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    dir_ = root_ / "books";
  }
  void TearDown() override { fs::remove_all(root_); }

  // Everything under the storage directory (files and subdirectories), relative to it.
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(dir_))
      out.push_back(fs::relative(e.path(), dir_).string());
    std::sort(out.begin(), out.end());
    return out;
  }

  void expect_refused(LocalBookFiles& files, std::string format, std::string content,
                      std::string_view field = "file") {
    try {
      run(files.store(std::move(format), std::move(content)));
      ADD_FAILURE() << "expected a validation error";
    } catch (const domain::Error& e) {
      EXPECT_EQ(e.code(), domain::ErrorCode::kValidation);
      ASSERT_EQ(e.fields().size(), 1u);
      EXPECT_EQ(e.fields()[0].field, field);
      EXPECT_FALSE(e.fields()[0].message.empty());
    }
  }

  fs::path root_;
  fs::path dir_;
};

// "ab/<32 lowercase hex>.epub|pdf" split into its directory, name and extension (all "" when the shape
// is wrong). Plain string work: std::regex trips a false -Wmaybe-uninitialized in g++ 12 at -O1.
struct KeyParts {
  std::string dir, name, ext;
};
KeyParts key_parts(const std::string& key) {
  auto hex = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  };
  if (key.size() < 37 || key[2] != '/' || key[35] != '.') return {};
  KeyParts p{key.substr(0, 2), key.substr(3, 32), key.substr(36)};
  if (!hex(p.dir) || !hex(p.name) || (p.ext != "epub" && p.ext != "pdf")) return {};
  return p;
}

TEST_F(CatalogFileStorage, CreatesAMissingDirectoryWithMode0700) {
  ASSERT_FALSE(fs::exists(dir_));
  LocalBookFiles files(dir_);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_EQ(mode_of(dir_), 0700u);
  EXPECT_EQ(files.directory(), dir_);
  EXPECT_TRUE(entries().empty());  // the writability probe is gone
  // Missing parents are made as well; an existing directory is used as it is.
  LocalBookFiles nested(root_ / "a" / "b" / "c");
  EXPECT_EQ(mode_of(root_ / "a" / "b" / "c"), 0700u);
  LocalBookFiles again(dir_);
  EXPECT_EQ(again.directory(), dir_);
}

TEST_F(CatalogFileStorage, RefusesToStartWithoutAWritableDirectory) {
  EXPECT_THROW(LocalBookFiles(""), std::runtime_error);
  { std::ofstream(root_ / "plain-file") << "x"; }
  try {
    LocalBookFiles files(root_ / "plain-file");
    FAIL() << "a regular file was taken for the directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("plain-file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a directory"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LocalBookFiles(root_ / "plain-file" / "books"), std::runtime_error);
  if (::geteuid() != 0) {  // root writes anywhere; only an unprivileged user can see this refusal
    fs::create_directories(root_ / "read-only");
    fs::permissions(root_ / "read-only", fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_THROW(LocalBookFiles(root_ / "read-only"), std::runtime_error);
    fs::permissions(root_ / "read-only", fs::perms::owner_all);
  }
}

TEST_F(CatalogFileStorage, StoresAMinimalEpub) {
  LocalBookFiles files(dir_);
  const std::string epub = minimal_epub();
  const app::StoredFile stored = run(files.store("epub", epub));
  const KeyParts key = key_parts(stored.storage_key);
  ASSERT_FALSE(key.ext.empty()) << stored.storage_key;
  EXPECT_EQ(key.ext, "epub");
  EXPECT_EQ(key.dir, key.name.substr(0, 2));  // the subdirectory is the name's first two characters
  EXPECT_EQ(stored.size, static_cast<std::int64_t>(epub.size()));
  EXPECT_EQ(stored.sha256, kMinimalEpubSha256);
  EXPECT_EQ(read_file(dir_ / stored.storage_key), epub);
  EXPECT_EQ(mode_of(dir_ / stored.storage_key), 0600u);
  EXPECT_EQ(mode_of(dir_ / key.dir), 0700u);
  // Only the file and its subdirectory: no temporary file left.
  EXPECT_EQ(entries(), (std::vector<std::string>{key.dir, stored.storage_key}));
  EXPECT_TRUE(LocalBookFiles::valid_key(stored.storage_key));
}

TEST_F(CatalogFileStorage, AcceptsEpubVariantsTheOcfRuleAllows) {
  LocalBookFiles files(dir_);
  // An extra field in the mimetype header (written by some tools), and sizes in a data descriptor.
  const std::string with_extra =
      zip_entry("mimetype", "application/epub+zip", 0, 0, 0x2cab616f, std::string("\x55\x54\x01\x00\x00", 5));
  EXPECT_EQ(run(files.store("epub", with_extra)).size, static_cast<std::int64_t>(with_extra.size()));
  std::string descriptor = zip_entry("mimetype", "application/epub+zip", 0, 8);
  for (std::size_t at = 14; at < 26; ++at) descriptor[at] = '\0';  // crc and sizes follow the data
  EXPECT_EQ(run(files.store("epub", descriptor)).size, static_cast<std::int64_t>(descriptor.size()));
}

TEST_F(CatalogFileStorage, StoresAPdf) {
  LocalBookFiles files(dir_);
  const app::StoredFile stored = run(files.store("pdf", kMinimalPdf));
  const KeyParts key = key_parts(stored.storage_key);
  ASSERT_FALSE(key.ext.empty()) << stored.storage_key;
  EXPECT_EQ(key.ext, "pdf");
  EXPECT_EQ(stored.size, static_cast<std::int64_t>(kMinimalPdf.size()));
  EXPECT_EQ(stored.sha256, kMinimalPdfSha256);
  EXPECT_EQ(read_file(dir_ / stored.storage_key), kMinimalPdf);

  // Several MiB arrive whole; %%EOF may be followed by a little trailing whitespace or an update.
  std::string big = "%PDF-1.7\n";
  for (int i = 0; big.size() < 5 * 1024 * 1024; ++i) big += "stream " + std::to_string(i) + " endstream\n";
  big += "%%EOF\n" + std::string(900, ' ');
  const app::StoredFile large = run(files.store("pdf", big));
  EXPECT_EQ(large.size, static_cast<std::int64_t>(big.size()));
  EXPECT_EQ(read_file(dir_ / large.storage_key), big);
}

TEST_F(CatalogFileStorage, RefusesContentThatIsNotOfItsFormatAndLeavesNothing) {
  LocalBookFiles files(dir_);
  expect_refused(files, "epub", "");
  expect_refused(files, "pdf", "");
  expect_refused(files, "epub", kMinimalPdf);               // a PDF is not an EPUB
  expect_refused(files, "pdf", minimal_epub());             // nor the other way round
  expect_refused(files, "pdf", "just some text\n%%EOF\n");  // no %PDF- header
  expect_refused(files, "epub", "PK\x03\x04");              // a ZIP header cut short
  // ZIP archives that are not EPUBs: another first entry, the mimetype compressed, encrypted, the
  // wrong media type, a trailing newline in it, a name that only starts with "mimetype".
  expect_refused(
      files, "epub",
      zip_entry("META-INF/container.xml", "<container/>") + zip_entry("mimetype", "application/epub+zip"));
  expect_refused(files, "epub", zip_entry("mimetype", "application/epub+zip", 8));
  expect_refused(files, "epub", zip_entry("mimetype", "application/epub+zip", 0, 1));
  expect_refused(files, "epub", zip_entry("mimetype", "application/zip") + kEndOfCentralDirectory);
  expect_refused(files, "epub", zip_entry("mimetype", "application/epub+zip\n"));
  expect_refused(files, "epub", zip_entry("mimetypes", "application/epub+zip"));
  // A "PDF" without its end marker (a cut-short upload), or with it buried before the last 1024 bytes.
  expect_refused(files, "pdf", "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n");
  expect_refused(files, "pdf", "%PDF-1.4\n%%EOF\n" + std::string(1024, 'x'));
  // A format the shop does not sell.
  expect_refused(files, "mobi", kMinimalPdf, "format");
  EXPECT_TRUE(entries().empty());
}

TEST_F(CatalogFileStorage, TwoStoresOfTheSameContentGetTwoKeys) {
  LocalBookFiles files(dir_);
  const app::StoredFile a = run(files.store("pdf", kMinimalPdf));
  const app::StoredFile b = run(files.store("pdf", kMinimalPdf));
  EXPECT_NE(a.storage_key, b.storage_key);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_TRUE(fs::exists(dir_ / a.storage_key));
  EXPECT_TRUE(fs::exists(dir_ / b.storage_key));
}

TEST_F(CatalogFileStorage, RemoveDeletesAStoredFileAndToleratesAMissingOne) {
  LocalBookFiles files(dir_);
  const app::StoredFile kept = run(files.store("epub", minimal_epub()));
  const app::StoredFile gone = run(files.store("pdf", kMinimalPdf));
  run(files.remove(gone.storage_key));
  EXPECT_FALSE(fs::exists(dir_ / gone.storage_key));
  EXPECT_TRUE(fs::exists(dir_ / kept.storage_key));
  EXPECT_NO_THROW(run(files.remove(gone.storage_key)));                           // already gone
  EXPECT_NO_THROW(run(files.remove("ab/ab000000000000000000000000000000.pdf")));  // never there
}

TEST_F(CatalogFileStorage, RemoveRefusesKeysItDidNotMake) {
  LocalBookFiles files(dir_);
  { std::ofstream(root_ / "x") << "outside"; }
  for (std::string key :
       {"../x", "/etc/passwd", "", "ab/../../x", "ab/ab000000000000000000000000000000.exe",
        "ab/AB000000000000000000000000000000.pdf", "cd/ab000000000000000000000000000000.pdf",
        "ab/ab00000000000000000000000000000.pdf", "ab\\ab000000000000000000000000000000.pdf",
        "../ab000000000000000000000000000000.pdf", "ab/ab0000000000000000000000000000/0.pdf"}) {
    EXPECT_FALSE(LocalBookFiles::valid_key(key)) << key;
    EXPECT_THROW(run(files.remove(key)), std::invalid_argument) << key;
  }
  EXPECT_TRUE(fs::exists(root_ / "x"));
  EXPECT_TRUE(fs::exists("/etc/passwd"));
}

Task<std::thread::id> store_then_report_thread(LocalBookFiles* files, std::string content) {
  (void)co_await files->store("pdf", std::move(content));
  co_return std::this_thread::get_id();
}

TEST_F(CatalogFileStorage, CallersResumeOnTheirOwnThread) {
  LocalBookFiles files(dir_, 1, 4);
  EXPECT_EQ(run(store_then_report_thread(&files, kMinimalPdf)), std::this_thread::get_id());
  EXPECT_EQ(files.stats().completed, 1u);
  EXPECT_EQ(files.stats().workers, 1u);
}

}  // namespace
