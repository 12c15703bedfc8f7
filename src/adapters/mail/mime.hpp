#pragma once
// RFC 5322 / MIME messages for the rendered mails: headers (RFC 2047 encoded-words for non-ASCII
// text, folded to 76 columns), a multipart/alternative body with a text/plain and a text/html part,
// both UTF-8 in quoted-printable, CRLF line endings everywhere. A CR, LF or NUL in any header value
// (header injection) is refused with std::invalid_argument.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/mail/templates.hpp"

namespace bookstore::mail {

struct Mailbox {
  Mailbox() = default;
  explicit Mailbox(std::string address_, std::string display_name_ = {})
      : address(std::move(address_)), display_name(std::move(display_name_)) {}
  std::string address;       // local@domain
  std::string display_name;  // may be empty
};

// "Name <local@domain>", "\"Name, Inc.\" <local@domain>" or "local@domain". Throws std::invalid_argument
// for anything else (no address, CR/LF, characters not allowed in an address).
Mailbox parse_mailbox(std::string_view text);
// Throws std::invalid_argument unless `address` looks like local@domain without spaces, controls,
// brackets or quotes (non-ASCII UTF-8 is let through for SMTPUTF8 servers).
void check_address(std::string_view address);
// The domain of an address ("bookstore.local" of "no-reply@bookstore.local").
std::string address_domain(std::string_view address);

// The header form of a mailbox: the display name as is (atoms), quoted, or as RFC 2047 encoded-words.
std::string format_mailbox(const Mailbox& mailbox);

struct MessageOptions {
  MessageOptions() = default;
  // Defaults (empty / epoch) mean: now, a random boundary, a random id at the From address's domain.
  std::chrono::system_clock::time_point date{};
  std::string boundary;
  std::string message_id;                                          // without angle brackets
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. {"X-Bookstore-Template", "..."}
};

// The whole message (headers and body) as sent in SMTP DATA, CRLF line endings, ending in CRLF.
std::string build_message(const Mailbox& from, const Mailbox& to, const RenderedMail& mail,
                          const MessageOptions& options = {});

// Quoted-printable (RFC 2045 6.7) of UTF-8 text: LF or CRLF in the input are hard line breaks (CRLF),
// encoded lines are at most 76 characters with "=" soft breaks, trailing white space and a leading '.'
// are encoded.
std::string quoted_printable_encode(std::string_view text);
// The reverse, for tests and tools: soft breaks removed, =XX decoded, CRLF kept as CRLF.
std::string quoted_printable_decode(std::string_view encoded);

// One header line "Name: value\r\n", folded at 76 columns. Unstructured text (Subject): sent as is when it
// is printable ASCII, otherwise as UTF-8 "B" encoded-words of at most 75 characters.
std::string header_line(std::string_view name, std::string_view value);
// RFC 2047 encoded-words for `text` (several, separated by a space, when long).
std::string encode_words(std::string_view text, std::size_t first_budget = 75);

// "Thu, 01 Jan 2026 12:00:00 +0000"
std::string rfc5322_date(std::chrono::system_clock::time_point t);

}  // namespace bookstore::mail
