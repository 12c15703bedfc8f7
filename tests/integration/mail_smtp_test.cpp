// The mail adapter against the real SMTP capture server (tools/smtp-capture, started here as a child
// process on a port of its own and a temporary directory) and the real job queue: messages arrive
// byte for byte, the mail.send job delivers without storing secrets in clear, and a failing SMTP server
// makes the job retry instead of crashing anything.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "adapters/mail/mail_jobs.hpp"
#include "adapters/mail/mime.hpp"
#include "adapters/mail/smtp_mailer.hpp"
#include "adapters/mail/templates.hpp"
#include "adapters/metrics/metrics.hpp"
#include "jobs_fixture.hpp"

extern char** environ;

namespace bookstore::mail_testing {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace bookstore::mail;
using jobs_testing::eventually;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// tools/smtp-capture/server.mjs as a child process: node on port 0 (the system picks a free one, which
// the server prints), writing into a fresh temporary directory that is removed afterwards.
class CaptureServer {
 public:
  explicit CaptureServer(std::vector<std::string> extra_args = {}) {
    std::string tmpl = (fs::temp_directory_path() / "bookstore-mail-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    mail_dir_ = dir_ / "mail";
    log_ = dir_ / "server.log";

    std::vector<std::string> args = {
        "node",   std::string(BOOKSTORE_SOURCE_DIR) + "/tools/smtp-capture/server.mjs",
        "--host", "127.0.0.1",
        "--port", "0",
        "--dir",  mail_dir_.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start node: " + std::string(strerror(rc)));

    const std::string listening = "smtp-capture listening on 127.0.0.1:";
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (port_ == 0) {
      std::string log = read_file(log_);
      if (auto at = log.find(listening); at != std::string::npos && log.find('\n', at) != std::string::npos) {
        port_ = std::stoi(log.substr(at + listening.size()));
        break;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
      if (pid_ < 0 || std::chrono::steady_clock::now() > deadline) {
        stop();
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw std::runtime_error("the capture server did not start: " + log);
      }
      std::this_thread::sleep_for(20ms);
    }
  }
  ~CaptureServer() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  CaptureServer(const CaptureServer&) = delete;
  CaptureServer& operator=(const CaptureServer&) = delete;

  // SIGTERM and wait; returns the wait status (or -1 when already stopped).
  int stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const fs::path& mail_dir() const { return mail_dir_; }
  std::string log() const { return read_file(log_); }

  std::vector<fs::path> messages() const {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(mail_dir_, ec))
      if (e.path().extension() == ".eml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }

  // Blocks (outside any io_context) until at least n messages are there.
  std::vector<fs::path> wait_for(std::size_t n, std::chrono::milliseconds timeout = 10s) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto found = messages();
    while (found.size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      found = messages();
    }
    return found;
  }

 private:
  fs::path dir_, mail_dir_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A loopback port nobody listens on (bound, then released).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// The capture file minus the X-Capture-Rcpt lines on top; the recipients go to `rcpt`.
std::string strip_capture_headers(const std::string& eml, std::vector<std::string>* rcpt = nullptr) {
  std::size_t pos = 0;
  const std::string prefix = "X-Capture-Rcpt: ";
  while (eml.compare(pos, prefix.size(), prefix) == 0) {
    auto end = eml.find("\r\n", pos);
    if (rcpt) rcpt->push_back(eml.substr(pos + prefix.size(), end - pos - prefix.size()));
    pos = end + 2;
  }
  return eml.substr(pos);
}

// The decoded body of the part of `message` whose Content-Type starts with `type`.
std::string decoded_part(const std::string& message, const std::string& type) {
  auto b = message.find("boundary=\"");
  if (b == std::string::npos) return {};
  std::string boundary = message.substr(b + 10, message.find('"', b + 10) - b - 10);
  std::string delimiter = "\r\n--" + boundary;
  std::size_t pos = message.find(delimiter);
  while (pos != std::string::npos) {
    auto start = pos + delimiter.size() + 2;
    auto next = message.find(delimiter, start);
    if (next == std::string::npos) break;
    std::string part = message.substr(start, next - start);
    if (part.rfind("Content-Type: " + type, 0) == 0) {
      auto blank = part.find("\r\n\r\n");
      return quoted_printable_decode(part.substr(blank + 4));
    }
    pos = next;
  }
  return {};
}

std::string crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

PayloadSealer fake_sealer() {
  PayloadSealer s;
  s.seal = [](std::string_view plain) {
    std::string out = "fake:";
    for (char c : plain) {
      char buf[3];
      std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(c) ^ 0x5A);
      out += buf;
    }
    return out;
  };
  s.open = [](std::string_view sealed) -> std::optional<std::string> {
    if (sealed.substr(0, 5) != "fake:") return std::nullopt;
    std::string out;
    for (std::size_t i = 5; i + 1 < sealed.size(); i += 2)
      out += static_cast<char>(std::stoi(std::string(sealed.substr(i, 2)), nullptr, 16) ^ 0x5A);
    return out;
  };
  return s;
}

app::OutgoingMail verify_mail(std::string to) {
  return app::OutgoingMail(std::move(to), "Zoë", "verify_email",
                           {{"name", "Zoë"}, {"code", "620481"}, {"token", "tok_ABCdef-0123456789"}});
}

// --- SmtpMailer against the capture server ----------------------------------------------------------------

TEST(MailSmtp, ARenderedMessageArrivesByteForByteAndBothPartsDecode) {
  CaptureServer server;
  SmtpConfig cfg;
  cfg.url = server.url();
  SmtpMailer mailer(cfg);
  EXPECT_FALSE(mailer.tls_required());  // loopback

  TemplateContext ctx;
  ctx.public_base_url = "https://shop.example";
  auto rendered = render(verify_mail("zoe@example.com"), ctx);
  MessageOptions options;
  options.extra_headers.emplace_back("X-Bookstore-Template", "verify_email");
  std::string message = build_message(mailer.from(), Mailbox("zoe@example.com", "Zoë"), rendered, options);

  asio::io_context io;
  testing::run(io, [&]() -> Task<void> {
    std::string copy = message;
    std::string to = "zoe@example.com";
    co_await mailer.send(std::move(copy), std::move(to));
  });
  auto files = server.wait_for(1);
  ASSERT_EQ(files.size(), 1u) << server.log();
  std::vector<std::string> rcpt;
  std::string eml = read_file(files[0]);
  std::string received = strip_capture_headers(eml, &rcpt);
  EXPECT_EQ(rcpt, std::vector<std::string>{"zoe@example.com"});
  EXPECT_EQ(received, message);
  EXPECT_NE(received.find("From: Bookstore <no-reply@bookstore.local>\r\n"), std::string::npos);
  EXPECT_NE(received.find("To: =?UTF-8?B?Wm/Dqw==?= <zoe@example.com>\r\n"), std::string::npos);
  EXPECT_NE(received.find("Subject: Confirm your email address\r\n"), std::string::npos);
  EXPECT_EQ(decoded_part(received, "text/plain"), crlf(rendered.text));
  EXPECT_EQ(decoded_part(received, "text/html"), crlf(rendered.html));
  EXPECT_NE(decoded_part(received, "text/plain").find("620481"), std::string::npos);
}

TEST(MailSmtp, DotsAreStuffedAndUnstuffedAndEveryRecipientIsRecorded) {
  CaptureServer server;
  SmtpConfig cfg;
  cfg.url = server.url();
  SmtpMailer mailer(cfg);
  std::string message =
      "From: no-reply@bookstore.local\r\nTo: a@example.com\r\nSubject: dots\r\n\r\n.leading "
      "dot\r\n..two\r\n.\r\n"
      "last line\r\n";
  asio::io_context io;
  testing::run(io, [&]() -> Task<void> {
    std::vector<std::string> recipients{"a@example.com", "b@example.org"};
    std::string copy = message;
    co_await mailer.send(std::move(copy), std::move(recipients));
  });
  auto files = server.wait_for(1);
  ASSERT_EQ(files.size(), 1u) << server.log();
  std::vector<std::string> rcpt;
  EXPECT_EQ(strip_capture_headers(read_file(files[0]), &rcpt), message);
  EXPECT_EQ(rcpt, (std::vector<std::string>{"a@example.com", "b@example.org"}));
}

// A free coroutine, not a lambda: its arguments live in its own frame.
Task<void> send_numbered(SmtpMailer& mailer, int i, int total, int& sent, bool& done) {
  RenderedMail m("Mail " + std::to_string(i), "Body " + std::to_string(i) + "\n",
                 "<p>" + std::to_string(i) + "</p>\n");
  std::string to = "c" + std::to_string(i) + "@example.com";
  std::string msg = build_message(mailer.from(), Mailbox(to), m);
  co_await mailer.send(std::move(msg), std::move(to));
  if (++sent == total) done = true;
}

TEST(MailSmtp, ConcurrentSendsAllArriveWithoutBlockingTheEventLoop) {
  CaptureServer server;
  SmtpConfig cfg;
  cfg.url = server.url();
  SmtpMailer mailer(cfg);
  constexpr int kMails = 12;
  asio::io_context io;
  int sent = 0, ticks = 0;
  bool done = false;
  for (int i = 0; i < kMails; ++i) {
    asio::co_spawn(io, send_numbered(mailer, i, kMails, sent, done), [](std::exception_ptr e) {
      if (e) ADD_FAILURE() << "a send failed";
    });
  }
  // A ticker on the same single-threaded loop keeps running while the sends are under way.
  auto ticker = [&]() -> Task<void> {
    while (!done) {
      ++ticks;
      co_await testing::sleep_for(1ms);
    }
  };
  asio::co_spawn(io, ticker(), asio::detached);
  io.run();
  EXPECT_EQ(sent, kMails);
  EXPECT_GT(ticks, 1);
  auto files = server.wait_for(kMails);
  ASSERT_EQ(files.size(), static_cast<std::size_t>(kMails));
  std::vector<std::string> all;
  for (const auto& f : files) {
    std::vector<std::string> rcpt;
    strip_capture_headers(read_file(f), &rcpt);
    all.insert(all.end(), rcpt.begin(), rcpt.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::unique(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kMails));
}

TEST(MailSmtp, CredentialsAreAcceptedAndErrorsShowNeitherThePasswordNorTheBody) {
  CaptureServer server({"--max-bytes", "4000"});
  SmtpConfig cfg;
  cfg.url = server.url();
  cfg.username = "mailer";
  cfg.password = "pa55-S3CRET-word";
  SmtpMailer mailer(cfg);
  asio::io_context io;
  testing::run(io, [&]() -> Task<void> {
    std::string small = "Subject: small\r\n\r\nhello\r\n";
    std::string to = "a@example.com";
    co_await mailer.send(std::move(small), std::move(to));
  });
  EXPECT_EQ(server.wait_for(1).size(), 1u) << server.log();

  std::string big = "Subject: big\r\n\r\n";
  while (big.size() < 10000) big += "BODY-MARKER-0123456789 BODY-MARKER-0123456789\r\n";
  try {
    testing::run(io, [&]() -> Task<void> {
      std::string to = "a@example.com";
      co_await mailer.send(big, std::move(to));
    });
    ADD_FAILURE() << "a message over the server's size limit was accepted";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("SMTP 127.0.0.1:"), std::string::npos) << what;
    EXPECT_EQ(what.find("pa55-S3CRET-word"), std::string::npos) << what;
    EXPECT_EQ(what.find("BODY-MARKER"), std::string::npos) << what;
    EXPECT_EQ(what.find("a@example.com"), std::string::npos) << what;
  }
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(MailSmtp, NothingListeningFailsWithCurlsErrorAndRequiredTlsIsNeverSkipped) {
  asio::io_context io;
  SmtpConfig down;
  down.url = "smtp://127.0.0.1:" + std::to_string(closed_port());
  down.connect_timeout = 2s;
  SmtpMailer unreachable(down);
  try {
    testing::run(io, [&]() -> Task<void> {
      std::string msg = "Subject: x\r\n\r\nx\r\n", to = "a@example.com";
      co_await unreachable.send(std::move(msg), std::move(to));
    });
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("SMTP 127.0.0.1:"), std::string::npos) << e.what();
  }

  // The capture server offers no STARTTLS: with TLS required, nothing is sent in clear.
  CaptureServer server;
  SmtpConfig tls;
  tls.url = server.url();
  tls.require_tls = true;
  tls.username = "u";
  tls.password = "p";
  SmtpMailer strict(tls);
  EXPECT_TRUE(strict.tls_required());
  EXPECT_THROW(testing::run(io,
                            [&]() -> Task<void> {
                              std::string msg = "Subject: x\r\n\r\nx\r\n", to = "a@example.com";
                              co_await strict.send(std::move(msg), std::move(to));
                            }),
               std::runtime_error);
  EXPECT_TRUE(server.messages().empty());
}

TEST(MailSmtp, ConfigurationIsCheckedUpFront) {
  auto with_url = [](std::string url) {
    SmtpConfig c;
    c.url = std::move(url);
    return c;
  };
  EXPECT_THROW(SmtpMailer(with_url("http://127.0.0.1:25")), std::invalid_argument);
  EXPECT_THROW(SmtpMailer(with_url("smtp://user:secret@mail.example.com")), std::invalid_argument);
  EXPECT_THROW(SmtpMailer(with_url("not a url")), std::invalid_argument);
  SmtpConfig bad_from;
  bad_from.from = "Bookstore <nobody>";
  EXPECT_THROW(SmtpMailer{bad_from}, std::invalid_argument);

  EXPECT_TRUE(SmtpMailer(with_url("smtp://mail.example.com:587")).tls_required());
  EXPECT_TRUE(SmtpMailer(with_url("smtps://mail.example.com")).tls_required());
  EXPECT_FALSE(SmtpMailer(with_url("smtp://localhost:2525")).tls_required());
  SmtpConfig relaxed = with_url("smtp://mail.example.com");
  relaxed.require_tls = false;
  EXPECT_FALSE(SmtpMailer(relaxed).tls_required());
  EXPECT_EQ(SmtpMailer(with_url("smtps://mail.example.com")).endpoint(), "mail.example.com:465");
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
  EXPECT_FALSE(is_loopback_host("127.example.com"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
}

TEST(MailSmtp, TheCaptureServerStopsCleanlyOnSigterm) {
  CaptureServer server;
  int status = server.stop();
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// --- the mail.send job through a real worker ----------------------------------------------------------

class MailJobs : public jobs_testing::JobsTest {
 protected:
  std::string database_name() const override { return "bookstore_mail_test"; }

  Task<std::int64_t> enqueue(app::OutgoingMail mail, PayloadSealer sealer) {
    auto body = [&](pg::Connection& tx) -> Task<std::int64_t> {
      co_return co_await enqueue_mail(tx, mail, sealer);
    };
    co_return co_await pool_->transaction(body);
  }

  Task<std::string> job_state(std::int64_t id) {
    auto r = co_await pool_->query(
        "SELECT state || '|' || attempt || '|' || coalesce(last_error, '') || '|' || (run_at > now()) FROM "
        "jobs "
        "WHERE id = $1",
        id);
    co_return r.rows() ? std::string(r.text(0, 0)) : std::string("missing");
  }
};

TEST_F(MailJobs, TheJobDeliversTheMailAndTheStoredPayloadHoldsNoSecretInClear) {
  CaptureServer server;
  MailJobConfig cfg;
  cfg.smtp.url = server.url();
  cfg.templates.public_base_url = "https://shop.example";
  cfg.sealer = fake_sealer();
  metrics::Registry registry;
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("mail-w1"));
  register_mail_jobs(worker, cfg, &registry);

  auto [id, payload, state] =
      testing::run(io_, [&]() -> Task<std::tuple<std::int64_t, std::string, std::string>> {
        auto done = start(worker);
        auto mail = verify_mail("zoe-job@example.com");
        auto sealer = fake_sealer();
        auto job_id = co_await enqueue(mail, sealer);
        std::function<Task<bool>()> completed = [&]() -> Task<bool> {
          co_return (co_await job_state(job_id)).rfind("completed|", 0) == 0;
        };
        EXPECT_TRUE(co_await eventually(completed));
        EXPECT_TRUE(co_await stop(worker, done));
        auto stored = co_await text("SELECT payload::text FROM jobs WHERE id = " + std::to_string(job_id));
        auto final_state = co_await job_state(job_id);
        co_return std::make_tuple(job_id, stored, final_state);
      });
  EXPECT_EQ(state.substr(0, 12), "completed|1|") << state;
  EXPECT_EQ(payload.find("620481"), std::string::npos) << payload;
  EXPECT_EQ(payload.find("tok_ABCdef"), std::string::npos) << payload;
  EXPECT_NE(payload.find("\"sealed\""), std::string::npos) << payload;
  EXPECT_NE(payload.find("zoe-job@example.com"), std::string::npos) << payload;

  auto files = server.wait_for(1);
  ASSERT_EQ(files.size(), 1u) << server.log();
  std::vector<std::string> rcpt;
  std::string received = strip_capture_headers(read_file(files[0]), &rcpt);
  EXPECT_EQ(rcpt, std::vector<std::string>{"zoe-job@example.com"});
  EXPECT_NE(received.find("X-Bookstore-Template: verify_email\r\n"), std::string::npos);
  auto text = decoded_part(received, "text/plain");
  EXPECT_NE(text.find("620481"), std::string::npos) << text;
  EXPECT_NE(text.find("https://shop.example/verify-email?token=tok_ABCdef-0123456789"), std::string::npos)
      << text;
  EXPECT_NE(registry.render().find("bookstore_mail_total{template=\"verify_email\",outcome=\"sent\"} 1"),
            std::string::npos)
      << registry.render();
  (void)id;
}

TEST_F(MailJobs, AFailingSmtpServerMakesTheJobRetryLater) {
  MailJobConfig cfg;
  cfg.smtp.url = "smtp://127.0.0.1:" + std::to_string(closed_port());
  cfg.smtp.connect_timeout = 2s;
  cfg.sealer = fake_sealer();
  metrics::Registry registry;
  auto wc = worker_config("mail-w2");
  wc.retry_base = 60s;  // so that attempt 2 is visibly scheduled, not already running
  wc.retry_cap = 60s;
  jobs::Worker worker(io_.get_executor(), *pool_, wc);
  register_mail_jobs(worker, cfg, &registry);

  auto state = testing::run(io_, [&]() -> Task<std::string> {
    auto done = start(worker);
    auto mail = verify_mail("retry@example.com");
    auto sealer = fake_sealer();
    auto job_id = co_await enqueue(mail, sealer);
    std::function<Task<bool>()> retried = [&]() -> Task<bool> {
      co_return (co_await job_state(job_id)).rfind("available|1|", 0) == 0;
    };
    EXPECT_TRUE(co_await eventually(retried));
    EXPECT_TRUE(co_await stop(worker, done));
    co_return co_await job_state(job_id);
  });
  // available again, one attempt made, the curl error recorded, the next attempt in the future.
  EXPECT_EQ(state.rfind("available|1|SMTP 127.0.0.1:", 0), 0u) << state;
  EXPECT_EQ(state.substr(state.size() - 5), "|true") << state;
  EXPECT_EQ(worker.stats().retried, 1u);
  EXPECT_NE(registry.render().find("bookstore_mail_total{template=\"verify_email\",outcome=\"failed\"} 1"),
            std::string::npos);
}

TEST_F(MailJobs, APayloadThatCannotBeOpenedIsCancelled) {
  CaptureServer server;
  MailJobConfig cfg;
  cfg.smtp.url = server.url();
  cfg.sealer = fake_sealer();
  cfg.sealer.open = [](std::string_view) -> std::optional<std::string> {
    return std::nullopt;
  };  // key rotated away
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("mail-w3"));
  register_mail_jobs(worker, cfg);

  auto state = testing::run(io_, [&]() -> Task<std::string> {
    auto done = start(worker);
    auto mail = verify_mail("cancel@example.com");
    auto sealer = fake_sealer();
    auto job_id = co_await enqueue(mail, sealer);
    std::function<Task<bool>()> cancelled = [&]() -> Task<bool> {
      co_return (co_await job_state(job_id)).rfind("cancelled|", 0) == 0;
    };
    EXPECT_TRUE(co_await eventually(cancelled));
    EXPECT_TRUE(co_await stop(worker, done));
    co_return co_await job_state(job_id);
  });
  EXPECT_NE(state.find("cannot be opened"), std::string::npos) << state;
  EXPECT_TRUE(server.messages().empty());
}

}  // namespace
}  // namespace bookstore::mail_testing
