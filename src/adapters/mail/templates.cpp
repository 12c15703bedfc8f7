#include "adapters/mail/templates.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

namespace bookstore::mail {
namespace {

constexpr std::size_t kTextWidth = 72;

struct Block {
  enum class Kind { kParagraph, kCode, kLink };
  Kind kind;
  std::string text;  // paragraph text, the code, or the link's label
  std::string url;   // kLink only
};

struct Mail {
  std::string subject;
  std::vector<Block> blocks;
  void paragraph(std::string text) { blocks.push_back({Block::Kind::kParagraph, std::move(text), {}}); }
  void code(std::string code) { blocks.push_back({Block::Kind::kCode, std::move(code), {}}); }
  void link(std::string label, std::string url) {
    blocks.push_back({Block::Kind::kLink, std::move(label), std::move(url)});
  }
};

// What a template sees: the variables, the shop and the links it may build.
class Input {
 public:
  Input(const app::OutgoingMail& mail, const TemplateContext& context) : mail_(mail), context_(context) {
    base_ = context.public_base_url;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  const std::string& shop() const { return context_.shop_name; }
  std::string url(std::string_view path) const { return base_ + std::string(path); }
  std::string url_with_token(std::string_view path) const {
    return url(path) + "?token=" + percent_encode(required("token"));
  }

  const std::string& required(const std::string& name) const {
    auto it = mail_.vars.find(name);
    if (it == mail_.vars.end() || it->second.empty())
      throw std::invalid_argument("mail template " + mail_.template_id + " needs the variable '" + name +
                                  "'");
    return it->second;
  }

  std::string greeting() const {
    auto it = mail_.vars.find("name");
    const std::string& name = it != mail_.vars.end() && !it->second.empty() ? it->second : mail_.to_name;
    return name.empty() ? "Hello," : "Hello " + name + ",";
  }

 private:
  const app::OutgoingMail& mail_;
  const TemplateContext& context_;
  std::string base_;
};

constexpr std::string_view kIgnore = "If you did not ask for this, you can ignore this email.";
constexpr std::string_view kSupport =
    "If you did not expect this, please contact our support team right away.";

Mail verify_email(const Input& in) {
  Mail m{"Confirm your email address", {}};
  m.paragraph(in.greeting());
  m.paragraph("Welcome to " + in.shop() + ". To confirm your email address, enter this code:");
  m.code(in.required("code"));
  m.paragraph("or open this link:");
  m.link("Confirm my email address", in.url_with_token("/verify-email"));
  m.paragraph("The code and the link are valid for 30 minutes and can be used once.");
  m.paragraph("If you did not create an account at " + in.shop() + ", you can ignore this email.");
  return m;
}

Mail account_exists(const Input& in) {
  Mail m{"Someone tried to register with your email address", {}};
  m.paragraph(in.greeting());
  m.paragraph("Someone, perhaps you, tried to create a new " + in.shop() +
              " account with this email address. You already have an account with this address, so no "
              "new account was created.");
  m.paragraph("If you forgot your password, you can choose a new one here:");
  m.link("Reset my password", in.url("/forgot-password"));
  m.paragraph("If it was not you, you can ignore this email: your account has not been changed.");
  return m;
}

Mail password_reset(const Input& in) {
  Mail m{"Reset your password", {}};
  m.paragraph(in.greeting());
  m.paragraph("We received a request to reset the password of your " + in.shop() +
              " account. To choose a new password, open this link:");
  m.link("Choose a new password", in.url_with_token("/reset-password"));
  m.paragraph(
      "The link is valid for 30 minutes and can be used once. Setting a new password signs you out on "
      "all your devices.");
  m.paragraph(std::string(kIgnore) + " Your password stays the same.");
  return m;
}

Mail password_changed(const Input& in) {
  Mail m{"Your password was changed", {}};
  m.paragraph(in.greeting());
  m.paragraph("The password of your " + in.shop() + " account was just changed.");
  m.paragraph(
      "If you did this, there is nothing else to do. If you did not, reset your password at once; "
      "this also signs out every device:");
  m.link("Reset my password", in.url("/forgot-password"));
  return m;
}

Mail email_change_verify(const Input& in) {
  Mail m{"Confirm your new email address", {}};
  m.paragraph(in.greeting());
  m.paragraph("You asked to use this email address for your " + in.shop() +
              " account. To confirm it, enter this code:");
  m.code(in.required("code"));
  m.paragraph("or open this link:");
  m.link("Confirm this email address", in.url_with_token("/verify-email"));
  m.paragraph("The code and the link are valid for 30 minutes and can be used once.");
  m.paragraph(std::string(kIgnore) + " Your account keeps its current address.");
  return m;
}

Mail email_changed_notice(const Input& in) {
  Mail m{"The email address of your account was changed", {}};
  m.paragraph(in.greeting());
  m.paragraph("The email address of your " + in.shop() + " account was changed to " +
              mask_email(in.required("new_email")) +
              ". From now on, messages about your account go to the new address.");
  m.paragraph("If you did not make this change, please contact our support team right away.");
  return m;
}

Mail account_deactivated(const Input& in) {
  Mail m{"Your account was deactivated", {}};
  m.paragraph(in.greeting());
  m.paragraph("Your " + in.shop() + " account was deactivated and all its sessions were ended.");
  m.paragraph("You can reactivate it at any time by signing in again and confirming:");
  m.link("Sign in", in.url("/login"));
  m.paragraph(std::string(kSupport));
  return m;
}

Mail deletion_scheduled(const Input& in) {
  Mail m{"Your account is scheduled for deletion", {}};
  m.paragraph(in.greeting());
  m.paragraph("As you asked, your " + in.shop() + " account will be deleted on " + in.required("due_date") +
              ". All its sessions were ended.");
  m.paragraph("Changed your mind? Sign in before that date to cancel the deletion:");
  m.link("Sign in", in.url("/login"));
  m.paragraph("Orders and invoices are kept for as long as the law requires.");
  return m;
}

Mail deletion_cancelled(const Input& in) {
  Mail m{"Your account will not be deleted", {}};
  m.paragraph(in.greeting());
  m.paragraph("The deletion of your " + in.shop() + " account was cancelled: your account is active again.");
  m.paragraph(std::string(kSupport));
  return m;
}

Mail account_deleted(const Input& in) {
  Mail m{"Your account was deleted", {}};
  m.paragraph(in.greeting());
  m.paragraph("Your " + in.shop() +
              " account and the personal data it held have been deleted. Orders and invoices are kept, "
              "with the billing data the law requires, until the end of the legal retention period.");
  m.paragraph("Thank you for having been our customer.");
  return m;
}

using Builder = Mail (*)(const Input&);

const std::map<std::string, Builder, std::less<>>& builders() {
  static const std::map<std::string, Builder, std::less<>> m{
      {"verify_email", verify_email},
      {"account_exists", account_exists},
      {"password_reset", password_reset},
      {"password_changed", password_changed},
      {"email_change_verify", email_change_verify},
      {"email_changed_notice", email_changed_notice},
      {"account_deactivated", account_deactivated},
      {"deletion_scheduled", deletion_scheduled},
      {"deletion_cancelled", deletion_cancelled},
      {"account_deleted", account_deleted},
  };
  return m;
}

// Display width in code points (good enough for wrapping: continuation bytes do not count).
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Greedy word wrap at kTextWidth; a word longer than a line (a URL) stays whole on its own line.
std::string wrap(std::string_view text) {
  std::string out, line;
  std::size_t line_width = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    auto word = text.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    auto w = width(word);
    if (line_width > 0 && line_width + 1 + w > kTextWidth) {
      out += line + "\n";
      line.clear();
      line_width = 0;
    }
    if (line_width > 0) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += w;
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

std::string render_text(const Mail& m, const TemplateContext& context, const std::string& base) {
  std::string out;
  for (const auto& b : m.blocks) {
    switch (b.kind) {
      case Block::Kind::kParagraph:
        out += wrap(b.text);
        break;
      case Block::Kind::kCode:
        out += "    " + b.text + "\n";
        break;
      case Block::Kind::kLink:
        out += b.url + "\n";
        break;
    }
    out += "\n";
  }
  out += "-- \n" + context.shop_name + "\n" + base + "\n";
  out += "This is an automated message; replies to it are not read.\n";
  return out;
}

std::string render_html(const Mail& m, const TemplateContext& context, const std::string& base) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      html_escape(m.subject) +
      "</title>\n</head>\n"
      "<body style=\"margin:0;padding:24px;background:#f6f6f6;font-family:Helvetica,Arial,sans-serif;"
      "font-size:15px;line-height:1.5;color:#222\">\n"
      "<div style=\"max-width:560px;margin:0 auto;padding:24px;background:#fff;border-radius:6px\">\n";
  for (const auto& b : m.blocks) {
    switch (b.kind) {
      case Block::Kind::kParagraph:
        out += "<p>" + html_escape(b.text) + "</p>\n";
        break;
      case Block::Kind::kCode:
        out += "<p style=\"font-family:monospace;font-size:28px;font-weight:bold;letter-spacing:6px\">" +
               html_escape(b.text) + "</p>\n";
        break;
      case Block::Kind::kLink: {
        auto url = html_escape(b.url);
        out += "<p><a href=\"" + url +
               "\" style=\"display:inline-block;padding:10px 18px;background:#1f5fbf;color:#fff;"
               "text-decoration:none;border-radius:4px\">" +
               html_escape(b.text) +
               "</a></p>\n<p style=\"font-size:12px;color:#666;word-break:break-all\">If the button does not "
               "work, copy this address into your browser: " +
               url + "</p>\n";
        break;
      }
    }
  }
  out += "<hr style=\"border:none;border-top:1px solid #ddd\">\n<p style=\"font-size:12px;color:#666\">" +
         html_escape(context.shop_name) + " &middot; <a href=\"" + html_escape(base) + "\">" +
         html_escape(base) +
         "</a><br>This is an automated message; replies to it are not read.</p>\n</div>\n</body>\n</html>\n";
  return out;
}

}  // namespace

RenderedMail render(const app::OutgoingMail& mail, const TemplateContext& context) {
  auto it = builders().find(mail.template_id);
  if (it == builders().end()) throw std::invalid_argument("unknown mail template '" + mail.template_id + "'");
  Input in(mail, context);
  Mail m = it->second(in);
  std::string base = in.url("");
  return RenderedMail(m.subject, render_text(m, context, base), render_html(m, context, base));
}

const std::vector<std::string_view>& template_ids() {
  static const std::vector<std::string_view> ids = [] {
    std::vector<std::string_view> v;
    for (const auto& [id, _] : builders()) v.push_back(id);
    return v;
  }();
  return ids;
}

bool is_known_template(std::string_view id) {
  return builders().find(id) != builders().end();
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string mask_email(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  std::string out;
  // Keep the first character whole even when it is a multi-byte UTF-8 sequence.
  std::size_t first = 1;
  while (first < at && (static_cast<unsigned char>(address[first]) & 0xC0) == 0x80) ++first;
  out.append(address.substr(0, first));
  out += "***";
  out.append(address.substr(at));
  return out;
}

}  // namespace bookstore::mail
