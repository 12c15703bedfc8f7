#pragma once
// A mail the use cases want sent. The stores write it as a "mail.send" job in the same transaction as
// the change that causes it (outbox); the mail adapter renders the template (plain text + HTML) and
// sends it over SMTP.
#include <map>
#include <string>

namespace bookstore::app {

struct OutgoingMail {
  OutgoingMail() = default;
  OutgoingMail(std::string to_, std::string to_name_, std::string template_id_,
               std::map<std::string, std::string> vars_)
      : to(std::move(to_)),
        to_name(std::move(to_name_)),
        template_id(std::move(template_id_)),
        vars(std::move(vars_)) {}
  std::string to;       // address
  std::string to_name;  // display name, may be empty
  // One of the templates of adapters/mail/templates: verify_email, account_exists, password_reset,
  // password_changed, email_change_verify, email_changed_notice, account_deactivated,
  // deletion_scheduled, deletion_cancelled, account_deleted.
  std::string template_id;
  // Template variables. Secrets among them (code, token) are sealed in the job payload by the adapter.
  // Links are built by the adapter from the public base URL and a token: vars hold only the token.
  std::map<std::string, std::string> vars;
};

}  // namespace bookstore::app
