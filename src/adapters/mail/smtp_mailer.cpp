#include "adapters/mail/smtp_mailer.hpp"

#include <curl/curl.h>

#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/log/log.hpp"

namespace bookstore::mail {
namespace asio = boost::asio;
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

struct UrlDeleter {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
struct EasyDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

std::string url_part(CURLU* u, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, 0) != CURLUE_OK || !value) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

struct Reader {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t nitems, void* userdata) {
  auto* r = static_cast<Reader*>(userdata);
  std::size_t n = std::min(size * nitems, r->data.size() - r->offset);
  std::memcpy(buffer, r->data.data() + r->offset, n);
  r->offset += n;
  return n;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  if (host.substr(0, 4) != "127.") return false;
  for (char c : host)
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  return true;
}

struct SmtpMailer::Impl {
  SmtpConfig cfg;
  Mailbox from;
  std::string url;  // with the EHLO domain as its path
  std::string endpoint;
  bool tls_required = true;
  asio::thread_pool pool;

  explicit Impl(SmtpConfig c) : cfg(std::move(c)), pool(std::max<std::size_t>(cfg.threads, 1)) {}

  // Runs on the pool: the whole SMTP transaction. Returns an error text, empty on success.
  std::string perform(const std::string& message, const std::vector<std::string>& recipients) const {
    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) return "SMTP " + endpoint + ": curl_easy_init failed";
    CURL* c = easy.get();
    std::unique_ptr<curl_slist, ListDeleter> rcpt;
    for (const auto& r : recipients) {
      auto* next = curl_slist_append(rcpt.get(), ("<" + r + ">").c_str());
      if (!next) return "SMTP " + endpoint + ": out of memory";
      rcpt.release();
      rcpt.reset(next);
    }
    Reader reader{message, 0};
    char error[CURL_ERROR_SIZE] = {0};
    std::string mail_from = "<" + from.address + ">";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(c, CURLOPT_READDATA, &reader);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(tls_required ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg.timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(cfg.connect_timeout.count()));
    if (!cfg.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, cfg.ca_file.c_str());
    if (!cfg.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, cfg.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, cfg.password.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) return {};
    std::string text = error[0] ? std::string(error) : std::string(curl_easy_strerror(rc));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return "SMTP " + endpoint + ": " + text;
  }
};

SmtpMailer::SmtpMailer(SmtpConfig config) {
  global_init();
  auto impl = std::make_unique<Impl>(std::move(config));
  impl->from = parse_mailbox(impl->cfg.from);

  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, impl->cfg.url.c_str(), 0) != CURLUE_OK)
    throw std::invalid_argument("SMTP URL is not a URL");
  std::string scheme = url_part(u.get(), CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps")
    throw std::invalid_argument("SMTP URL must be smtp:// or smtps://");
  if (!url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_PASSWORD).empty())
    throw std::invalid_argument("SMTP URL must not hold credentials: set the username and password instead");
  std::string host = url_part(u.get(), CURLUPART_HOST);
  if (host.empty()) throw std::invalid_argument("SMTP URL has no host");
  std::string port = url_part(u.get(), CURLUPART_PORT);
  if (port.empty()) port = scheme == "smtps" ? "465" : "25";
  impl->endpoint = host + ":" + port;
  // libcurl says EHLO with the URL's path; without one it would say "localhost".
  std::string path = url_part(u.get(), CURLUPART_PATH);
  if (path.empty() || path == "/")
    curl_url_set(u.get(), CURLUPART_PATH, ("/" + address_domain(impl->from.address)).c_str(), 0);
  impl->url = url_part(u.get(), CURLUPART_URL);

  bool loopback = is_loopback_host(host);
  impl->tls_required = scheme == "smtps" || impl->cfg.require_tls.value_or(!loopback);
  if (!impl->cfg.username.empty() && !impl->tls_required && !loopback)
    log::warn("mail.smtp_insecure", {{"endpoint", impl->endpoint},
                                     {"reason", "credentials may be sent in clear: TLS is not required"}});
  impl_ = std::move(impl);
}

SmtpMailer::~SmtpMailer() {
  if (impl_) impl_->pool.join();
}

const Mailbox& SmtpMailer::from() const noexcept {
  return impl_->from;
}
bool SmtpMailer::tls_required() const noexcept {
  return impl_->tls_required;
}
const std::string& SmtpMailer::endpoint() const noexcept {
  return impl_->endpoint;
}

Task<void> SmtpMailer::send(std::string message, std::string to) {
  std::vector<std::string> recipients;
  recipients.push_back(std::move(to));
  co_await send(std::move(message), std::move(recipients));
}

Task<void> SmtpMailer::send(std::string message, std::vector<std::string> recipients) {
  if (recipients.empty()) throw std::invalid_argument("a mail needs at least one recipient");
  for (const auto& r : recipients) {
    if (r.find_first_of("\r\n") != std::string::npos)
      throw std::invalid_argument("recipient contains CR or LF");
    check_address(r);
  }
  auto executor = co_await asio::this_coro::executor;
  Impl* impl = impl_.get();
  // The frame (message, recipients) stays alive while suspended: the pool reads them by reference and
  // hands the completion back to the coroutine's executor, which resumes it.
  auto initiate = [impl, executor, &message, &recipients](auto handler) {
    auto tracked = asio::prefer(executor, asio::execution::outstanding_work.tracked);
    asio::post(impl->pool, [impl, tracked, &message, &recipients, handler = std::move(handler)]() mutable {
      std::exception_ptr failure;
      try {
        std::string error = impl->perform(message, recipients);
        if (!error.empty()) failure = std::make_exception_ptr(std::runtime_error(error));
      } catch (...) {
        failure = std::current_exception();
      }
      auto target = asio::get_associated_executor(handler, tracked);
      asio::post(target, [handler = std::move(handler), failure, tracked]() mutable { handler(failure); });
    });
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(initiate,
                                                                                         asio::use_awaitable);
}

}  // namespace bookstore::mail
