#pragma once
// The "mail.send" job: use cases enqueue a mail in the transaction of the change that causes it
// (outbox), and a worker renders it, builds the MIME message and sends it over SMTP. A failed send
// throws, so the queue retries it with backoff; a payload that cannot be opened, an unknown template or
// a mail that expired is cancelled (jobs::Cancel) instead.
//
// Payload (jsonb, version 1):
//   {"v": 1, "to": "...", "to_name": "...", "template": "verify_email",
//    "vars": {...the variables that are not secret...},
//    "sealed": "<PayloadSealer::seal of {\"code\": ..., \"token\": ...}>",   only when there are secrets
//    "expires_at": <unix seconds>}                                             only when there are secrets
// Secrets (the variables "code" and "token") never reach the jobs table in clear. A mail that carries
// one expires kSecretMailTtl after it was enqueued (the codes and links it delivers are valid that long),
// so a mail stuck behind a broken SMTP server is not delivered after its code stopped working.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/jobs/worker.hpp"
#include "adapters/mail/smtp_mailer.hpp"
#include "adapters/mail/templates.hpp"
#include "adapters/pg/pool.hpp"
#include "app/ports/outgoing_mail.hpp"
#include "app/task.hpp"

namespace bookstore::metrics {
class Registry;
}

namespace bookstore::mail {

inline constexpr std::string_view kMailSendKind = "mail.send";
inline constexpr std::chrono::minutes kSecretMailTtl{30};

// Seals the secret variables for storage and opens them again (the composition root wires a PASETO
// v4.local sealer). open() returns std::nullopt when the text was not sealed with a known key or was
// altered.
// (Constructors rather than an aggregate: g++ 12 and aggregate temporaries in co_await expressions.)
struct PayloadSealer {
  PayloadSealer() = default;
  PayloadSealer(std::function<std::string(std::string_view)> seal_,
                std::function<std::optional<std::string>(std::string_view)> open_)
      : seal(std::move(seal_)), open(std::move(open_)) {}
  std::function<std::string(std::string_view)> seal;
  std::function<std::optional<std::string>(std::string_view)> open;
};

struct MailJobConfig {
  SmtpConfig smtp;
  TemplateContext templates;
  PayloadSealer sealer;
};

// True for the variables that are sealed in the payload: "code" and "token".
bool is_secret_variable(std::string_view name);

// The job payload for `mail` (see above). Throws std::invalid_argument for an unknown template, a bad
// address or a CR/LF in the display name, and std::logic_error when there are secrets but no sealer.
nlohmann::json mail_payload(const app::OutgoingMail& mail, const PayloadSealer& sealer,
                            std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Inserts a "mail.send" job in the caller's open transaction; returns the job id. Throws as mail_payload.
Task<std::int64_t> enqueue_mail(pg::Connection& tx, const app::OutgoingMail& mail,
                                const PayloadSealer& sealer);

// What the handler sends: the envelope recipient and the whole message.
struct PreparedMail {
  PreparedMail() = default;
  PreparedMail(std::string to_, std::string template_id_, std::string message_)
      : to(std::move(to_)), template_id(std::move(template_id_)), message(std::move(message_)) {}
  std::string to;
  std::string template_id;
  std::string message;
};

// Opens, renders and builds the message of a job payload. Throws jobs::Cancel (reason without secrets)
// when the payload is malformed, cannot be opened, names an unknown template, misses a variable or
// expired before `now`.
PreparedMail prepare_mail(const nlohmann::json& payload, const Mailbox& from,
                          const TemplateContext& templates, const PayloadSealer& sealer,
                          std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Registers the "mail.send" handler on `worker`: prepare_mail, then SmtpMailer::send on a mailer of its
// own (made here from config.smtp: throws std::invalid_argument for a bad SMTP configuration). Logs
// "mail.sent" with the template and the masked recipient. With `metrics`, counts
// bookstore_mail_total{template, outcome=sent|failed|cancelled}.
void register_mail_jobs(jobs::Worker& worker, MailJobConfig config, metrics::Registry* metrics = nullptr);

}  // namespace bookstore::mail
