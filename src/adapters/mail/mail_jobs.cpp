#include "adapters/mail/mail_jobs.hpp"

#include <memory>
#include <stdexcept>

#include "adapters/jobs/queue.hpp"
#include "adapters/log/log.hpp"
#include "adapters/mail/mime.hpp"
#include "adapters/metrics/metrics.hpp"

namespace bookstore::mail {
namespace {

constexpr int kPayloadVersion = 1;

jobs::Cancel cancel(const std::string& reason) {
  return jobs::Cancel("mail.send: " + reason);
}

struct State {
  explicit State(MailJobConfig c) : config(std::move(c)), mailer(config.smtp) {}
  MailJobConfig config;
  SmtpMailer mailer;
  metrics::Family<metrics::Counter>* counter = nullptr;

  void count(std::string_view template_id, const char* outcome) {
    if (!counter) return;
    std::string label = is_known_template(template_id) ? std::string(template_id) : "unknown";
    counter->with({label, outcome}).inc();
  }
};

Task<void> send_mail_job(std::shared_ptr<State> st, jobs::JobContext job) {
  std::string template_id =
      job.payload.is_object() ? job.payload.value("template", std::string()) : std::string();
  PreparedMail mail;
  try {
    mail = prepare_mail(job.payload, st->mailer.from(), st->config.templates, st->config.sealer);
  } catch (const jobs::Cancel& c) {
    st->count(template_id, "cancelled");
    log::warn("mail.cancelled", {{"job_id", job.id}, {"template", template_id}, {"reason", c.what()}});
    throw;
  }
  std::string masked = mask_email(mail.to);
  try {
    co_await st->mailer.send(std::move(mail.message), mail.to);
  } catch (const std::invalid_argument& e) {
    st->count(template_id, "cancelled");
    throw cancel(e.what());
  } catch (...) {
    st->count(template_id, "failed");
    throw;  // the queue retries with backoff; the worker logs the error
  }
  st->count(template_id, "sent");
  log::info("mail.sent", {{"job_id", job.id},
                          {"template", template_id},
                          {"to", masked},
                          {"attempt", job.attempt},
                          {"smtp", st->mailer.endpoint()}});
}

}  // namespace

bool is_secret_variable(std::string_view name) {
  return name == "code" || name == "token";
}

nlohmann::json mail_payload(const app::OutgoingMail& mail, const PayloadSealer& sealer,
                            std::chrono::system_clock::time_point now) {
  if (!is_known_template(mail.template_id))
    throw std::invalid_argument("unknown mail template '" + mail.template_id + "'");
  check_address(mail.to);
  if (mail.to_name.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    throw std::invalid_argument("mail display name contains CR, LF or NUL");

  nlohmann::json vars = nlohmann::json::object();
  nlohmann::json secrets = nlohmann::json::object();
  for (const auto& [name, value] : mail.vars) (is_secret_variable(name) ? secrets : vars)[name] = value;

  nlohmann::json payload = {{"v", kPayloadVersion},
                            {"to", mail.to},
                            {"to_name", mail.to_name},
                            {"template", mail.template_id},
                            {"vars", std::move(vars)}};
  if (!secrets.empty()) {
    if (!sealer.seal) throw std::logic_error("mail.send: a mail with secrets needs a PayloadSealer");
    payload["sealed"] = sealer.seal(secrets.dump());
    auto expires = now + kSecretMailTtl;
    payload["expires_at"] =
        std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  }
  return payload;
}

Task<std::int64_t> enqueue_mail(pg::Connection& tx, const app::OutgoingMail& mail,
                                const PayloadSealer& sealer) {
  jobs::NewJob job(std::string(kMailSendKind), mail_payload(mail, sealer));
  auto id = co_await jobs::enqueue(tx, job);
  if (!id)
    throw std::logic_error("mail.send: enqueue inserted no job");  // only unique keys skip, and we use none
  co_return *id;
}

PreparedMail prepare_mail(const nlohmann::json& payload, const Mailbox& from,
                          const TemplateContext& templates, const PayloadSealer& sealer,
                          std::chrono::system_clock::time_point now) {
  if (!payload.is_object()) throw cancel("the payload is not a JSON object");
  if (payload.value("v", 0) != kPayloadVersion) throw cancel("unknown payload version");
  app::OutgoingMail mail;
  try {
    mail.to = payload.at("to").get<std::string>();
    mail.to_name = payload.value("to_name", std::string());
    mail.template_id = payload.at("template").get<std::string>();
    if (auto vars = payload.find("vars"); vars != payload.end()) {
      if (!vars->is_object()) throw cancel("malformed payload");
      for (const auto& [name, value] : vars->items()) mail.vars[name] = value.get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
    throw cancel("malformed payload");
  }
  if (!is_known_template(mail.template_id)) throw cancel("unknown template '" + mail.template_id + "'");

  if (auto it = payload.find("expires_at"); it != payload.end()) {
    if (!it->is_number_integer()) throw cancel("malformed payload");
    auto expires = std::chrono::system_clock::time_point(std::chrono::seconds(it->get<std::int64_t>()));
    if (now >= expires) throw cancel("expired before it could be sent");
  }
  if (auto it = payload.find("sealed"); it != payload.end()) {
    if (!it->is_string() || !sealer.open) throw cancel("the sealed variables cannot be opened");
    auto opened = sealer.open(it->get<std::string>());
    if (!opened) throw cancel("the sealed variables cannot be opened");
    auto secrets = nlohmann::json::parse(*opened, nullptr, /*allow_exceptions=*/false);
    if (!secrets.is_object()) throw cancel("the sealed variables cannot be opened");
    for (const auto& [name, value] : secrets.items()) {
      if (!value.is_string()) throw cancel("the sealed variables cannot be opened");
      mail.vars[name] = value.get<std::string>();
    }
  }

  try {
    RenderedMail rendered = render(mail, templates);
    MessageOptions options;
    options.extra_headers.emplace_back("X-Bookstore-Template", mail.template_id);
    std::string message = build_message(from, Mailbox(mail.to, mail.to_name), rendered, options);
    return PreparedMail(mail.to, mail.template_id, std::move(message));
  } catch (const std::invalid_argument& e) {
    throw cancel(e.what());  // a missing variable, a bad address: retrying cannot help
  }
}

void register_mail_jobs(jobs::Worker& worker, MailJobConfig config, metrics::Registry* metrics) {
  auto st = std::make_shared<State>(std::move(config));
  if (metrics)
    st->counter = &metrics->counter("bookstore_mail_total",
                                    "Mails handled by the mail.send job, by template and outcome "
                                    "(sent, failed: retried later, cancelled)",
                                    {"template", "outcome"});
  worker.handle(std::string(kMailSendKind),
                [st](const jobs::JobContext& job) -> Task<void> { return send_mail_job(st, job); });
}

}  // namespace bookstore::mail
