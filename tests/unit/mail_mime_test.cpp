#include "adapters/mail/mime.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {
using namespace bookstore::mail;

std::vector<std::string> crlf_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find("\r\n", start);
    if (end == std::string::npos) end = s.size();
    lines.push_back(s.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string base64_decode(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    auto v = kAlphabet.find(c);
    if (v == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// Decodes a header value made of "=?UTF-8?B?...?=" words separated by folding white space.
std::string decode_words(std::string value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = value.find("?=", pos + 10);
    out += base64_decode(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) return false;
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n + 1;
  }
  return true;
}

TEST(MailQuotedPrintable, LongLinesGetSoftBreaksWithin76Columns) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "word" + std::to_string(i) + " ";
  text += "end";
  auto qp = quoted_printable_encode(text);
  auto lines = crlf_lines(qp);
  ASSERT_GT(lines.size(), 2u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 76u) << lines[i];
    if (i + 1 < lines.size()) {
      EXPECT_EQ(lines[i].back(), '=') << "soft break expected";
    }
  }
  EXPECT_EQ(quoted_printable_decode(qp), text);
}

TEST(MailQuotedPrintable, NonAsciiEqualsTrailingSpaceAndLeadingDotAreEncoded) {
  EXPECT_EQ(quoted_printable_encode("Grüße"), "Gr=C3=BC=C3=9Fe");
  EXPECT_EQ(quoted_printable_encode("a=b"), "a=3Db");
  EXPECT_EQ(quoted_printable_encode("end \nnext\t"), "end=20\r\nnext=09");
  EXPECT_EQ(quoted_printable_encode(".\n.x"), "=2E\r\n=2Ex");
  EXPECT_EQ(quoted_printable_encode("a\r\nb\n"), "a\r\nb\r\n");
  EXPECT_EQ(quoted_printable_encode(""), "");
  EXPECT_EQ(quoted_printable_encode("tab\tin the middle"), "tab\tin the middle");
}

TEST(MailQuotedPrintable, EscapesAreNeverSplitAndEverythingRoundTrips) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "é";  // 600 bytes, 1800 encoded characters on one line
  text += "\n";
  for (int i = 0; i < 256; ++i) text += static_cast<char>(i == '\n' || i == '\r' ? 'x' : i);
  text += "\n" + std::string(75, 'a') + "\n" + std::string(76, 'b') + "\n" + std::string(77, 'c');
  auto qp = quoted_printable_encode(text);
  for (const auto& line : crlf_lines(qp)) {
    EXPECT_LE(line.size(), 76u);
    auto eq = line.rfind('=');
    if (eq != std::string::npos) {
      EXPECT_TRUE(eq + 3 <= line.size() || eq + 1 == line.size()) << line;
    }
  }
  // Decoding yields the text with CRLF line breaks.
  std::string expected;
  for (char c : text) {
    if (c == '\n') expected += '\r';
    expected += c;
  }
  EXPECT_EQ(quoted_printable_decode(qp), expected);
  // A line of exactly 76 characters needs no soft break.
  EXPECT_EQ(quoted_printable_encode(std::string(76, 'b')), std::string(76, 'b'));
}

TEST(MailHeaders, AsciiIsKeptNonAsciiBecomesEncodedWords) {
  EXPECT_EQ(header_line("Subject", "Reset your password"), "Subject: Reset your password\r\n");
  EXPECT_EQ(header_line("Subject", "Grüße"), "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n");
  // Text that looks like an encoded word is encoded, so that it reads back as itself.
  auto tricky = header_line("Subject", "=?UTF-8?B?eA==?=");
  EXPECT_EQ(decode_words(tricky), "=?UTF-8?B?eA==?=");
}

TEST(MailHeaders, LongValuesAreFoldedAndEncodedWordsNeverSplitACharacter) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "Ünïcödé ";
  auto line = header_line("Subject", subject);
  ASSERT_EQ(line.substr(line.size() - 2), "\r\n");
  auto lines = crlf_lines(line);
  ASSERT_GT(lines.size(), 3u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 76u) << lines[i];
    if (i > 0) {
      EXPECT_EQ(lines[i][0], ' ');
    }
  }
  // Each encoded word decodes to whole characters, and together to the subject.
  std::string value = line.substr(9);
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = value.find("?=", pos + 10);
    EXPECT_LE(end + 2 - pos, 75u);
    EXPECT_TRUE(valid_utf8(base64_decode(value.substr(pos + 10, end - pos - 10))));
    pos = end + 2;
  }
  EXPECT_EQ(decode_words(value), subject);

  std::string ascii;
  for (int i = 0; i < 20; ++i) ascii += "plain words ";
  auto folded = header_line("Subject", ascii);
  for (const auto& l : crlf_lines(folded)) EXPECT_LE(l.size(), 76u);
  std::string unfolded = folded.substr(0, folded.size() - 2);
  for (std::size_t p; (p = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(p, 2);
  EXPECT_EQ(unfolded, "Subject: " + ascii);
}

TEST(MailHeaders, Mailboxes) {
  EXPECT_EQ(format_mailbox(Mailbox("a@example.com")), "a@example.com");
  EXPECT_EQ(format_mailbox(Mailbox("a@example.com", "Jane Doe")), "Jane Doe <a@example.com>");
  EXPECT_EQ(format_mailbox(Mailbox("a@example.com", "Doe, Jane \"JD\"")),
            "\"Doe, Jane \\\"JD\\\"\" <a@example.com>");
  EXPECT_EQ(format_mailbox(Mailbox("a@example.com", "J. Doe")), "\"J. Doe\" <a@example.com>");
  EXPECT_EQ(format_mailbox(Mailbox("a@example.com", "Zoë")), "=?UTF-8?B?Wm/Dqw==?= <a@example.com>");

  auto from = parse_mailbox("Bookstore <no-reply@bookstore.local>");
  EXPECT_EQ(from.display_name, "Bookstore");
  EXPECT_EQ(from.address, "no-reply@bookstore.local");
  EXPECT_EQ(parse_mailbox("x@y.z").address, "x@y.z");
  EXPECT_EQ(parse_mailbox("\"Shop, Inc.\" <x@y.z>").display_name, "Shop, Inc.");
  EXPECT_EQ(address_domain("no-reply@bookstore.local"), "bookstore.local");
  EXPECT_THROW(parse_mailbox("nobody"), std::invalid_argument);
  EXPECT_THROW(parse_mailbox("Name <x@y.z"), std::invalid_argument);
  EXPECT_THROW(parse_mailbox("a b@y.z"), std::invalid_argument);
}

TEST(MailHeaders, Date) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1767268800));  // 2026-01-01 12:00 UTC
  EXPECT_EQ(rfc5322_date(t), "Thu, 01 Jan 2026 12:00:00 +0000");
}

TEST(MailMessage, HeaderInjectionIsRefused) {
  RenderedMail mail("Hello", "text", "<p>html</p>");
  Mailbox from("no-reply@bookstore.local", "Bookstore");
  Mailbox to("a@example.com", "Ann");
  EXPECT_NO_THROW(build_message(from, to, mail));
  RenderedMail bad_subject("Hello\r\nBcc: victim@example.com", "t", "h");
  EXPECT_THROW(build_message(from, to, bad_subject), std::invalid_argument);
  RenderedMail lf_subject("Hello\nBcc: victim@example.com", "t", "h");
  EXPECT_THROW(build_message(from, to, lf_subject), std::invalid_argument);
  EXPECT_THROW(build_message(from, Mailbox("a@example.com", "Ann\r\nBcc: v@x.org"), mail),
               std::invalid_argument);
  EXPECT_THROW(build_message(from, Mailbox("a@example.com\r\nBcc: v@x.org"), mail), std::invalid_argument);
  EXPECT_THROW(build_message(Mailbox("x@y.z", "A\nB"), to, mail), std::invalid_argument);
  EXPECT_THROW(build_message(from, Mailbox("not an address"), mail), std::invalid_argument);
  MessageOptions options;
  options.extra_headers.emplace_back("X-Test", "a\r\nBcc: v@x.org");
  EXPECT_THROW(build_message(from, to, mail, options), std::invalid_argument);
  MessageOptions bad_name;
  bad_name.extra_headers.emplace_back("X-Test: y\r\nBcc", "v");
  EXPECT_THROW(build_message(from, to, mail, bad_name), std::invalid_argument);
}

TEST(MailMessage, StructureIsMultipartAlternativeWithTwoQuotedPrintableParts) {
  std::string long_line(150, 'x');
  RenderedMail mail("Bestätigen Sie Ihre Adresse", "Hallo Zoë,\n" + long_line + "\n\nBye\n",
                    "<p>Hallo Zoë</p>\n<p>" + long_line + "</p>\n");
  MessageOptions options;
  options.date = std::chrono::system_clock::time_point(std::chrono::seconds(1767268800));
  options.extra_headers.emplace_back("X-Bookstore-Template", "verify_email");
  auto msg = build_message(Mailbox("no-reply@bookstore.local", "Bookstore"),
                           Mailbox("zoe@example.com", "Zoë"), mail, options);

  // CRLF everywhere, no line over 76 characters.
  for (std::size_t i = 0; i < msg.size(); ++i)
    if (msg[i] == '\n') {
      ASSERT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    }
  ASSERT_EQ(msg.substr(msg.size() - 2), "\r\n");
  for (const auto& line : crlf_lines(msg)) EXPECT_LE(line.size(), 76u) << line;

  auto header_end = msg.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  std::string headers = msg.substr(0, header_end + 2);
  EXPECT_NE(headers.find("Date: Thu, 01 Jan 2026 12:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(headers.find("From: Bookstore <no-reply@bookstore.local>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("To: =?UTF-8?B?Wm/Dqw==?= <zoe@example.com>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(headers.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(headers.find("X-Bookstore-Template: verify_email\r\n"), std::string::npos);
  auto mid = headers.find("Message-ID: <");
  ASSERT_NE(mid, std::string::npos);
  EXPECT_NE(headers.find("@bookstore.local>\r\n", mid), std::string::npos);
  auto ct = headers.find("Content-Type: multipart/alternative;");
  ASSERT_NE(ct, std::string::npos);
  auto b = headers.find("boundary=\"", ct);
  ASSERT_NE(b, std::string::npos);
  std::string boundary = headers.substr(b + 10, headers.find('"', b + 10) - b - 10);
  EXPECT_GE(boundary.size(), 20u);
  EXPECT_EQ(decode_words(headers.substr(headers.find("Subject: "))), "Bestätigen Sie Ihre Adresse");

  // Exactly two parts, then the closing delimiter.
  std::string body = msg.substr(header_end + 4);
  std::string delimiter = "\r\n--" + boundary + "\r\n";
  auto p1 = body.find(delimiter);
  ASSERT_NE(p1, std::string::npos);
  auto p2 = body.find(delimiter, p1 + 1);
  ASSERT_NE(p2, std::string::npos);
  EXPECT_EQ(body.find(delimiter, p2 + 1), std::string::npos);
  auto close = body.find("\r\n--" + boundary + "--\r\n", p2);
  ASSERT_NE(close, std::string::npos);
  EXPECT_EQ(close + boundary.size() + 8, body.size());

  auto part = [&](std::size_t from, std::size_t to) {
    std::string p = body.substr(from + delimiter.size(), to - from - delimiter.size());
    auto blank = p.find("\r\n\r\n");
    return std::make_pair(p.substr(0, blank + 2), p.substr(blank + 4));
  };
  auto [text_headers, text_body] = part(p1, p2);
  auto [html_headers, html_body] = part(p2, close);
  EXPECT_EQ(text_headers,
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n");
  EXPECT_EQ(html_headers,
            "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n");
  EXPECT_EQ(quoted_printable_decode(text_body), "Hallo Zoë,\r\n" + long_line + "\r\n\r\nBye\r\n");
  EXPECT_EQ(quoted_printable_decode(html_body), "<p>Hallo Zoë</p>\r\n<p>" + long_line + "</p>\r\n");
}

TEST(MailMessage, BoundariesAndMessageIdsAreRandom) {
  RenderedMail mail("s", "t", "h");
  Mailbox from("no-reply@bookstore.local");
  Mailbox to("a@example.com");
  auto a = build_message(from, to, mail);
  auto b = build_message(from, to, mail);
  auto id = [](const std::string& m) {
    auto p = m.find("Message-ID: ");
    return m.substr(p, m.find("\r\n", p) - p);
  };
  auto boundary = [](const std::string& m) {
    auto p = m.find("boundary=\"");
    return m.substr(p, m.find('"', p + 10) - p);
  };
  EXPECT_NE(id(a), id(b));
  EXPECT_NE(boundary(a), boundary(b));
}

}  // namespace
