#include "adapters/mail/templates.hpp"

#include <map>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace {
using bookstore::app::OutgoingMail;
using namespace bookstore::mail;

TemplateContext context() {
  TemplateContext c;
  c.public_base_url = "https://shop.example/";
  c.shop_name = "Example Books";
  return c;
}

// Every template with the variables it needs.
std::map<std::string, std::map<std::string, std::string>> all_templates() {
  return {
      {"verify_email", {{"name", "Jane"}, {"code", "042917"}, {"token", "tok-1"}}},
      {"account_exists", {}},
      {"password_reset", {{"token", "tok-2"}}},
      {"password_changed", {}},
      {"email_change_verify", {{"code", "123456"}, {"token", "tok-3"}}},
      {"email_changed_notice", {{"new_email", "new.address@example.org"}}},
      {"account_deactivated", {}},
      {"deletion_scheduled", {{"due_date", "2026-03-01"}}},
      {"deletion_cancelled", {}},
      {"account_deleted", {}},
  };
}

TEST(MailTemplates, EveryTemplateRendersSubjectTextAndHtml) {
  auto templates = all_templates();
  ASSERT_EQ(templates.size(), template_ids().size());
  for (const auto& [id, vars] : templates) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(is_known_template(id));
    auto m = render(OutgoingMail("a@example.com", "Ann", id, vars), context());
    EXPECT_FALSE(m.subject.empty());
    EXPECT_EQ(m.subject.find('\n'), std::string::npos);
    EXPECT_NE(m.text.find("Example Books"), std::string::npos);
    EXPECT_EQ(m.html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(m.html.find("</html>"), std::string::npos);
    // Plain text lines are wrapped for mail readers (links may be longer, there are none here).
    std::size_t start = 0;
    while (start < m.text.size()) {
      auto end = m.text.find('\n', start);
      EXPECT_LE(end - start, 80u) << m.text.substr(start, end - start);
      start = end + 1;
    }
  }
}

TEST(MailTemplates, VerifyEmailCarriesTheCodeAndTheLinkWithThe30MinuteValidity) {
  auto m = render(OutgoingMail("a@example.com", "", "verify_email",
                               {{"name", "Jane"}, {"code", "042917"}, {"token", "abc_DEF-123"}}),
                  context());
  EXPECT_NE(m.text.find("Hello Jane,"), std::string::npos);
  EXPECT_NE(m.text.find("042917"), std::string::npos);
  EXPECT_NE(m.text.find("https://shop.example/verify-email?token=abc_DEF-123\n"), std::string::npos);
  EXPECT_NE(m.text.find("30 minutes"), std::string::npos);
  EXPECT_NE(m.html.find("href=\"https://shop.example/verify-email?token=abc_DEF-123\""), std::string::npos);
  EXPECT_NE(m.html.find("042917"), std::string::npos);
}

TEST(MailTemplates, LinksOfEachTemplate) {
  auto ctx = context();
  EXPECT_NE(render(OutgoingMail("a@x.org", "", "account_exists", {}), ctx)
                .text.find("https://shop.example/forgot-password"),
            std::string::npos);
  auto reset = render(OutgoingMail("a@x.org", "", "password_reset", {{"token", "T"}}), ctx);
  EXPECT_NE(reset.text.find("https://shop.example/reset-password?token=T"), std::string::npos);
  EXPECT_NE(reset.text.find("30 minutes"), std::string::npos);
  auto change =
      render(OutgoingMail("a@x.org", "", "email_change_verify", {{"code", "111222"}, {"token", "U"}}), ctx);
  EXPECT_NE(change.text.find("https://shop.example/verify-email?token=U"), std::string::npos);
  EXPECT_NE(change.text.find("111222"), std::string::npos);
  auto scheduled =
      render(OutgoingMail("a@x.org", "", "deletion_scheduled", {{"due_date", "2026-03-01"}}), ctx);
  EXPECT_NE(scheduled.text.find("2026-03-01"), std::string::npos);
}

TEST(MailTemplates, TheGreetingFallsBackToTheDisplayNameThenToNone) {
  auto ctx = context();
  EXPECT_NE(render(OutgoingMail("a@x.org", "Ann", "password_changed", {}), ctx).text.find("Hello Ann,"),
            std::string::npos);
  EXPECT_EQ(render(OutgoingMail("a@x.org", "", "password_changed", {}), ctx).text.rfind("Hello,\n", 0), 0u);
}

TEST(MailTemplates, EmailChangedNoticeMasksTheNewAddress) {
  auto m =
      render(OutgoingMail("old@x.org", "", "email_changed_notice", {{"new_email", "jane.doe@example.org"}}),
             context());
  EXPECT_NE(m.text.find("j***@example.org"), std::string::npos);
  EXPECT_EQ(m.text.find("jane.doe"), std::string::npos);
  EXPECT_EQ(m.html.find("jane.doe"), std::string::npos);
}

TEST(MailTemplates, VariablesAreHtmlEscapedAndTokensPercentEncoded) {
  auto m = render(
      OutgoingMail(
          "a@x.org", "", "verify_email",
          {{"name", "<script>alert('x')</script> & \"co\""}, {"code", "1<2"}, {"token", "a b&c=d/\"<>"}}),
      context());
  EXPECT_EQ(m.html.find("<script>"), std::string::npos);
  EXPECT_NE(m.html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"),
            std::string::npos);
  EXPECT_NE(m.html.find("1&lt;2"), std::string::npos);
  EXPECT_NE(m.text.find("verify-email?token=a%20b%26c%3Dd%2F%22%3C%3E"), std::string::npos);
  EXPECT_NE(m.html.find("verify-email?token=a%20b%26c%3Dd%2F%22%3C%3E\""), std::string::npos);
  // The shop name and base URL are escaped too.
  TemplateContext evil;
  evil.shop_name = "<b>Shop</b>";
  evil.public_base_url = "https://x.example/\"><img>";
  auto e = render(OutgoingMail("a@x.org", "", "account_deleted", {}), evil);
  EXPECT_EQ(e.html.find("<b>"), std::string::npos);
  EXPECT_EQ(e.html.find("\"><img>"), std::string::npos);
}

TEST(MailTemplates, UnknownTemplatesAndMissingVariablesAreRefused) {
  EXPECT_THROW(render(OutgoingMail("a@x.org", "", "no_such_template", {}), context()), std::invalid_argument);
  EXPECT_FALSE(is_known_template("no_such_template"));
  EXPECT_THROW(render(OutgoingMail("a@x.org", "", "verify_email", {{"token", "t"}}), context()),
               std::invalid_argument);
  EXPECT_THROW(render(OutgoingMail("a@x.org", "", "password_reset", {}), context()), std::invalid_argument);
  EXPECT_THROW(render(OutgoingMail("a@x.org", "", "deletion_scheduled", {}), context()),
               std::invalid_argument);
}

TEST(MailTemplates, LongParagraphsWrapAndUtf8CountsAsCharacters) {
  std::string name(60, 'x');
  auto m = render(OutgoingMail("a@x.org", "", "account_deleted", {{"name", "Zoë " + name}}), context());
  EXPECT_NE(m.text.find("Zoë"), std::string::npos);
  EXPECT_NE(m.html.find("Zoë"), std::string::npos);
}

TEST(MailTemplates, Helpers) {
  EXPECT_EQ(html_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("é +/?"), "%C3%A9%20%2B%2F%3F");
  EXPECT_EQ(mask_email("jane.doe@example.com"), "j***@example.com");
  EXPECT_EQ(mask_email("j***@example.com"), "j***@example.com");
  EXPECT_EQ(mask_email("élise@example.com"), "é***@example.com");
  EXPECT_EQ(mask_email("nonsense"), "***");
  EXPECT_EQ(mask_email("@x.org"), "***");
}

}  // namespace
