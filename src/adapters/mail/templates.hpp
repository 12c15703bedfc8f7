#pragma once
// The mails the shop sends, as plain text and HTML. Each template is a short list of blocks (paragraphs,
// a code to type, a link to open) rendered twice: word-wrapped plain text, and HTML in which every
// value is escaped. Links are built here from the public base URL and a token, with the token
// percent-encoded; the use cases pass only the token (see app/ports/outgoing_mail.hpp).
//
//   template id           variables (besides the optional "name")      link
//   verify_email          code, token                                   {base}/verify-email?token=
//   account_exists        -                                             {base}/forgot-password
//   password_reset        token                                         {base}/reset-password?token=
//   password_changed      -                                             {base}/forgot-password
//   email_change_verify   code, token                                   {base}/verify-email?token=
//   email_changed_notice  new_email (masked here: sent to the old one)  -
//   account_deactivated   -                                             {base}/login
//   deletion_scheduled    due_date                                      {base}/login
//   deletion_cancelled    -                                             -
//   account_deleted       -                                             -
//
// The greeting uses vars["name"], else the recipient's display name, else none.
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/outgoing_mail.hpp"

namespace bookstore::mail {

struct TemplateContext {
  std::string public_base_url = "http://localhost:8080";  // no trailing slash needed
  std::string shop_name = "Bookstore";
};

// Not an aggregate on purpose (g++ 12 and aggregate temporaries in co_await expressions).
struct RenderedMail {
  RenderedMail() = default;
  RenderedMail(std::string subject_, std::string text_, std::string html_)
      : subject(std::move(subject_)), text(std::move(text_)), html(std::move(html_)) {}
  std::string subject;  // one line, UTF-8
  std::string text;     // UTF-8, LF line breaks
  std::string html;     // a complete UTF-8 HTML document, LF line breaks
};

// Throws std::invalid_argument for an unknown template id or a missing required variable.
RenderedMail render(const app::OutgoingMail& mail, const TemplateContext& context);

// The template ids render() knows, and whether `id` is one of them.
const std::vector<std::string_view>& template_ids();
bool is_known_template(std::string_view id);

// Helpers, public for the tests and the mail job.
std::string html_escape(std::string_view text);     // & < > " '
std::string percent_encode(std::string_view text);  // everything but RFC 3986 unreserved characters
// "jane.doe@example.com" -> "j***@example.com"; idempotent, and anything without '@' becomes "***".
std::string mask_email(std::string_view address);

}  // namespace bookstore::mail
