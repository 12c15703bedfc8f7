#pragma once
// Sends finished messages (see mime.hpp) over SMTP with libcurl. curl_easy_perform blocks, so each
// send runs on a small thread pool of the mailer's own; the awaiting coroutine is resumed on its own
// executor, and the event loop never waits for an SMTP server.
//
// TLS policy (SmtpConfig::require_tls):
//   smtps://host:465        implicit TLS, always.
//   smtp:// + true          STARTTLS is required (CURLUSESSL_ALL): the send fails when the server does
//                           not offer it or the handshake fails; credentials never travel in clear.
//   smtp:// + false         STARTTLS when the server offers it, plain text otherwise (CURLUSESSL_TRY).
//   unset (the default)     true, except for a loopback host (127.0.0.0/8, ::1, localhost), where
//                           nothing can be overheard and the local capture server speaks no TLS.
// Certificates are always verified (CA bundle of the system, or ca_file).
//
// Errors: a failed send throws std::runtime_error with the server endpoint and libcurl's error text;
// never the password, the recipients or the message.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mail/mime.hpp"
#include "app/task.hpp"

namespace bookstore::mail {

// Proposed environment variables (read by adapters/config): BOOKSTORE_SMTP_URL, BOOKSTORE_SMTP_USERNAME,
// BOOKSTORE_SMTP_PASSWORD, BOOKSTORE_MAIL_FROM, BOOKSTORE_SMTP_REQUIRE_TLS (1, 0 or empty: automatic),
// BOOKSTORE_SMTP_CA_FILE, BOOKSTORE_SMTP_TIMEOUT_MS.
struct SmtpConfig {
  std::string url = "smtp://127.0.0.1:8025";  // smtp://host[:port] or smtps://host[:port]; no credentials
  std::string username;                       // empty: no AUTH
  std::string password;
  std::string from = "Bookstore <no-reply@bookstore.local>";  // From header and envelope sender
  std::optional<bool> require_tls;                            // see above; std::nullopt: automatic
  std::string ca_file;                                        // PEM bundle to trust; empty: the system's
  // Whole transaction. A send in flight at shutdown keeps the event loop (and the process) alive until it
  // ends, so this stays below the 25 s the dev stack waits after SIGTERM.
  std::chrono::milliseconds timeout{20000};
  std::chrono::milliseconds connect_timeout{10000};
  std::size_t threads = 2;  // sends at once
};

class SmtpMailer {
 public:
  // Throws std::invalid_argument for a URL that is not smtp(s)://, holds credentials, or a bad `from`.
  explicit SmtpMailer(SmtpConfig config);
  // Waits for sends in progress (at most config.timeout each).
  ~SmtpMailer();
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  // Sends `message` (CRLF lines, as build_message() makes it) to the envelope recipients. Throws
  // std::invalid_argument for a malformed recipient and std::runtime_error when the send fails.
  Task<void> send(std::string message, std::string to);
  Task<void> send(std::string message, std::vector<std::string> recipients);

  const Mailbox& from() const noexcept;
  bool tls_required() const noexcept;
  const std::string& endpoint() const noexcept;  // "host:port", for logs and errors

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// 127.0.0.0/8, ::1 (with or without brackets) and "localhost".
bool is_loopback_host(std::string_view host);

}  // namespace bookstore::mail
