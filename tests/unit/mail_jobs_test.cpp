// The mail.send payload and the handler's preparation, without a database or an SMTP server.
#include "adapters/mail/mail_jobs.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "adapters/jobs/job.hpp"
#include "adapters/mail/mime.hpp"

namespace {
using bookstore::app::OutgoingMail;
using namespace bookstore::mail;
using namespace std::chrono_literals;

// A reversible stand-in for the PASETO sealer: hex of the bytes XOR 0x5A behind a prefix.
PayloadSealer fake_sealer() {
  static constexpr char kHex[] = "0123456789abcdef";
  PayloadSealer s;
  s.seal = [](std::string_view plain) {
    std::string out = "fake:";
    for (char c : plain) {
      auto b = static_cast<unsigned char>(c) ^ 0x5A;
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
    return out;
  };
  s.open = [](std::string_view sealed) -> std::optional<std::string> {
    if (sealed.substr(0, 5) != "fake:" || sealed.size() % 2 == 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 5; i + 1 < sealed.size(); i += 2) {
      auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
      out += static_cast<char>((hex(sealed[i]) * 16 + hex(sealed[i + 1])) ^ 0x5A);
    }
    return out;
  };
  return s;
}

OutgoingMail verify_mail() {
  return OutgoingMail("jane@example.com", "Jane", "verify_email",
                      {{"name", "Jane"}, {"code", "493817"}, {"token", "tokenTOKEN_123"}});
}

Mailbox from() {
  return Mailbox("no-reply@bookstore.local", "Bookstore");
}

TEST(MailJobs, ThePayloadSealsCodesAndTokensAndKeepsTheRest) {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  auto payload = mail_payload(verify_mail(), fake_sealer(), now);
  std::string dumped = payload.dump();
  EXPECT_EQ(dumped.find("493817"), std::string::npos) << dumped;
  EXPECT_EQ(dumped.find("tokenTOKEN_123"), std::string::npos) << dumped;
  EXPECT_EQ(payload["v"], 1);
  EXPECT_EQ(payload["to"], "jane@example.com");
  EXPECT_EQ(payload["to_name"], "Jane");
  EXPECT_EQ(payload["template"], "verify_email");
  EXPECT_EQ(payload["vars"], nlohmann::json({{"name", "Jane"}}));
  EXPECT_TRUE(payload["sealed"].is_string());
  EXPECT_EQ(payload["expires_at"], 1'800'000'000 + 30 * 60);
  EXPECT_TRUE(is_secret_variable("code"));
  EXPECT_TRUE(is_secret_variable("token"));
  EXPECT_FALSE(is_secret_variable("name"));
}

TEST(MailJobs, AMailWithoutSecretsNeedsNoSealerAndDoesNotExpire) {
  auto payload = mail_payload(OutgoingMail("a@example.com", "", "password_changed", {}), PayloadSealer{});
  EXPECT_FALSE(payload.contains("sealed"));
  EXPECT_FALSE(payload.contains("expires_at"));
  auto prepared = prepare_mail(payload, from(), TemplateContext{}, PayloadSealer{},
                               std::chrono::system_clock::now() + std::chrono::hours(24 * 365));
  EXPECT_EQ(prepared.template_id, "password_changed");
}

TEST(MailJobs, EnqueueingRefusesWhatCouldNeverBeSent) {
  EXPECT_THROW(mail_payload(OutgoingMail("a@example.com", "", "nope", {}), fake_sealer()),
               std::invalid_argument);
  EXPECT_THROW(mail_payload(OutgoingMail("not-an-address", "", "password_changed", {}), fake_sealer()),
               std::invalid_argument);
  EXPECT_THROW(
      mail_payload(OutgoingMail("a@example.com\r\nBcc: x@y.z", "", "password_changed", {}), fake_sealer()),
      std::invalid_argument);
  EXPECT_THROW(
      mail_payload(OutgoingMail("a@example.com", "A\nBcc: x@y.z", "password_changed", {}), fake_sealer()),
      std::invalid_argument);
  EXPECT_THROW(mail_payload(verify_mail(), PayloadSealer{}), std::logic_error);
}

TEST(MailJobs, PrepareOpensRendersAndBuildsTheMessage) {
  TemplateContext ctx;
  ctx.public_base_url = "https://shop.example";
  auto payload = mail_payload(verify_mail(), fake_sealer());
  auto prepared = prepare_mail(payload, from(), ctx, fake_sealer());
  EXPECT_EQ(prepared.to, "jane@example.com");
  EXPECT_EQ(prepared.template_id, "verify_email");
  auto text_start = prepared.message.find("Content-Type: text/plain");
  ASSERT_NE(text_start, std::string::npos);
  auto decoded = quoted_printable_decode(prepared.message.substr(text_start));
  EXPECT_NE(decoded.find("493817"), std::string::npos);
  EXPECT_NE(decoded.find("https://shop.example/verify-email?token=tokenTOKEN_123"), std::string::npos);
  EXPECT_NE(prepared.message.find("To: Jane <jane@example.com>\r\n"), std::string::npos);
  EXPECT_NE(prepared.message.find("X-Bookstore-Template: verify_email\r\n"), std::string::npos);
}

TEST(MailJobs, WhatCannotBeSentIsCancelledNotRetried) {
  auto sealer = fake_sealer();
  auto good = mail_payload(verify_mail(), sealer);
  auto expect_cancel = [&](const nlohmann::json& payload, const PayloadSealer& s, const char* what) {
    SCOPED_TRACE(what);
    try {
      prepare_mail(payload, from(), TemplateContext{}, s);
      ADD_FAILURE() << "no exception";
    } catch (const bookstore::jobs::Cancel& c) {
      std::string reason = c.what();
      EXPECT_EQ(reason.find("493817"), std::string::npos);
      EXPECT_EQ(reason.find("tokenTOKEN"), std::string::npos);
    }
  };
  expect_cancel(nlohmann::json(), sealer, "discarded (unparsable) payload");
  expect_cancel(nlohmann::json::array(), sealer, "not an object");
  auto tampered = good;
  tampered["sealed"] = "fake:00";
  expect_cancel(tampered, sealer, "sealed text that does not open to JSON");
  tampered["sealed"] = "other:abc";
  expect_cancel(tampered, sealer, "sealed text the sealer refuses");
  expect_cancel(good, PayloadSealer{}, "no opener");
  auto unknown = good;
  unknown["template"] = "no_such_template";
  expect_cancel(unknown, sealer, "unknown template");
  auto version = good;
  version["v"] = 2;
  expect_cancel(version, sealer, "unknown version");
  auto no_secrets = good;
  no_secrets.erase("sealed");
  expect_cancel(no_secrets, sealer, "missing variables");
  auto bad_to = good;
  bad_to["to"] = "x";
  expect_cancel(bad_to, sealer, "bad address");
  auto bad_var = good;
  bad_var["vars"]["name"] = 5;
  expect_cancel(bad_var, sealer, "malformed variable");
  auto expired = mail_payload(verify_mail(), sealer, std::chrono::system_clock::now() - 31min);
  expect_cancel(expired, sealer, "expired");
  EXPECT_NO_THROW(prepare_mail(mail_payload(verify_mail(), sealer, std::chrono::system_clock::now() - 29min),
                               from(), TemplateContext{}, sealer));
}

}  // namespace
