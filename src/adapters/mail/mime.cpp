#include "adapters/mail/mime.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <stdexcept>

namespace bookstore::mail {
namespace {

constexpr std::size_t kMaxLine = 76;  // encoded and folded lines stay within this
constexpr char kHex[] = "0123456789ABCDEF";

void check_header_value(std::string_view what, std::string_view value) {
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0')
      throw std::invalid_argument("mail header " + std::string(what) + " contains CR, LF or NUL");
}

bool printable_ascii(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c >= 0x7F) return false;
  }
  return true;
}

std::string random_hex(std::size_t bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  out.reserve(bytes * 2);
  for (std::size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned>(rng() & 0xFF);
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Folds "Name: value" at spaces so that lines stay within kMaxLine where the value allows it; returns
// the line with its CRLF. Never breaks right after the colon.
std::string fold(std::string_view name, std::string_view value) {
  std::string line = std::string(name) + ": " + std::string(value);
  std::string out;
  std::size_t min_break = name.size() + 2;
  std::string_view rest = line;
  while (rest.size() > kMaxLine) {
    auto sp = rest.rfind(' ', kMaxLine);
    if (sp == std::string_view::npos || sp < min_break) {
      sp = rest.find(' ', std::max(min_break, kMaxLine));
      if (sp == std::string_view::npos) break;
    }
    out.append(rest.substr(0, sp));
    out += "\r\n";
    rest.remove_prefix(sp);  // the space stays: it is the folding white space of the next line
    min_break = 1;
  }
  out.append(rest);
  out += "\r\n";
  return out;
}

bool needs_encoding(std::string_view text) {
  return !printable_ascii(text) || text.find("=?") != std::string_view::npos;
}

bool atext(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

std::string display_name_phrase(std::string_view name) {
  if (needs_encoding(name)) return encode_words(name, kMaxLine - 4);
  bool plain = !name.empty() && name.front() != ' ' && name.back() != ' ';
  for (char c : name)
    if (!atext(c) && c != ' ') plain = false;
  if (plain) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void check_boundary(std::string_view b) {
  static constexpr std::string_view kAllowed = "'()+_,-./:=? ";
  bool ok = !b.empty() && b.size() <= 70 && b.back() != ' ';
  for (char c : b)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          kAllowed.find(c) != std::string_view::npos))
      ok = false;
  if (!ok) throw std::invalid_argument("invalid MIME boundary");
}

void check_header_name(std::string_view name) {
  bool ok = !name.empty();
  for (char c : name)
    if (c <= 0x20 || c >= 0x7F || c == ':') ok = false;
  if (!ok) throw std::invalid_argument("invalid mail header name");
}

}  // namespace

void check_address(std::string_view address) {
  auto at = address.rfind('@');
  if (address.empty() || address.size() > 254 || at == std::string_view::npos || at == 0 ||
      at + 1 == address.size())
    throw std::invalid_argument("not a mail address");
  for (char ch : address) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F || std::string_view("<>()[],;:\\\"").find(ch) != std::string_view::npos)
      throw std::invalid_argument("a mail address contains a character that is not allowed");
  }
}

std::string address_domain(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

Mailbox parse_mailbox(std::string_view text) {
  check_header_value("mailbox", text);
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  auto lt = text.rfind('<');
  if (lt == std::string_view::npos) {
    check_address(text);
    return Mailbox(std::string(text));
  }
  if (text.back() != '>') throw std::invalid_argument("a mailbox must end with '>'");
  auto address = text.substr(lt + 1, text.size() - lt - 2);
  check_address(address);
  auto name = trim(text.substr(0, lt));
  std::string display;
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (name[i] == '\\' && i + 1 < name.size()) ++i;
      display += name[i];
    }
  } else {
    display = std::string(name);
  }
  return Mailbox(std::string(address), display);
}

std::string format_mailbox(const Mailbox& mailbox) {
  check_header_value("address", mailbox.address);
  check_header_value("display name", mailbox.display_name);
  check_address(mailbox.address);
  if (mailbox.display_name.empty()) return mailbox.address;
  return display_name_phrase(mailbox.display_name) + " <" + mailbox.address + ">";
}

std::string encode_words(std::string_view text, std::size_t first_budget) {
  std::string out;
  std::size_t budget = first_budget;
  std::size_t pos = 0;
  do {
    // "=?UTF-8?B?" + base64 + "?=" within the budget: 12 characters of frame, 4 of base64 per 3 bytes.
    std::size_t max_bytes = std::max<std::size_t>(budget > 12 ? (budget - 12) / 4 * 3 : 0, 6);
    std::size_t end = std::min(text.size(), pos + max_bytes);
    // Never split a UTF-8 sequence: back off while the next byte is a continuation byte.
    while (end < text.size() && end > pos + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + base64(text.substr(pos, end - pos)) + "?=";
    pos = end;
    budget = kMaxLine - 1;  // later words start a folded line after one space
  } while (pos < text.size());
  return out;
}

std::string header_line(std::string_view name, std::string_view value) {
  check_header_name(name);
  check_header_value(name, value);
  if (!needs_encoding(value)) {
    std::string line = fold(name, value);
    // Folding worked unless some unbreakable run is still too long: then encode it instead.
    bool fits = true;
    std::size_t start = 0;
    while (start < line.size()) {
      auto end = line.find("\r\n", start);
      if (end - start > kMaxLine + 2) fits = false;
      start = end + 2;
    }
    if (fits) return line;
  }
  return fold(name, encode_words(value, kMaxLine - name.size() - 2));
}

std::string quoted_printable_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    bool last = nl == std::string_view::npos;
    std::string_view line = text.substr(pos, last ? std::string_view::npos : nl - pos);
    if (!last && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t col = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      auto token = [&](std::size_t at_col) {
        bool trailing_space = (c == ' ' || c == '\t') && i + 1 == line.size();
        bool literal = ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') && !trailing_space &&
                       !(c == '.' && at_col == 0);
        if (literal) return std::string(1, static_cast<char>(c));
        return std::string{'=', kHex[c >> 4], kHex[c & 0xF]};
      };
      std::string t = token(col);
      // Keep room for the '=' of a soft break unless this token ends the line.
      std::size_t limit = i + 1 == line.size() ? kMaxLine : kMaxLine - 1;
      if (col + t.size() > limit) {
        out += "=\r\n";
        col = 0;
        t = token(col);
      }
      out += t;
      col += t.size();
    }
    if (last) break;
    out += "\r\n";
    pos = nl + 1;
  }
  return out;
}

std::string quoted_printable_decode(std::string_view in) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
      continue;
    }
    if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else if (in.substr(i + 1, 1) == "\n") {
      i += 1;
    } else if (i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else {
      out += '=';  // malformed: keep it, as RFC 2045 suggests
    }
  }
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string build_message(const Mailbox& from, const Mailbox& to, const RenderedMail& mail,
                          const MessageOptions& options) {
  auto date = options.date == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now()
                                                                      : options.date;
  std::string boundary = options.boundary.empty() ? "=_bookstore_" + random_hex(16) : options.boundary;
  check_boundary(boundary);
  std::string message_id =
      options.message_id.empty() ? random_hex(16) + "@" + address_domain(from.address) : options.message_id;
  check_header_value("Message-ID", message_id);

  std::string out;
  out.reserve(mail.text.size() * 2 + mail.html.size() * 2 + 1024);
  out += header_line("Date", rfc5322_date(date));
  out += "Message-ID: <" + message_id + ">\r\n";
  out += fold("From", format_mailbox(from));
  out += fold("To", format_mailbox(to));
  out += header_line("Subject", mail.subject);
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  for (const auto& [name, value] : options.extra_headers) out += header_line(name, value);
  out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "This is a multi-part message in MIME format.\r\n";
  auto part = [&](std::string_view type, std::string_view body) {
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: " + std::string(type) + "; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable_encode(body);
  };
  part("text/plain", mail.text);
  part("text/html", mail.html);
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace bookstore::mail
