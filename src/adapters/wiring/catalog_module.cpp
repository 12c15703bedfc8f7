#include "adapters/wiring/catalog_module.hpp"

#include <stdexcept>

#include "adapters/catalog/file_storage.hpp"
#include "adapters/catalog/pg_book_search.hpp"
#include "adapters/catalog/pg_book_store.hpp"
#include "adapters/config/config.hpp"
#include "adapters/wiring/system_clock.hpp"
#include "app/catalog/catalog_service.hpp"
#include "app/catalog/inventory.hpp"
#include "app/ports/clock.hpp"

namespace bookstore::wiring {

namespace {

std::filesystem::path files_dir(const config::Config& cfg) {
  if (cfg.book_files_dir.empty()) throw std::runtime_error("BOOKSTORE_BOOK_FILES_DIR is not set");
  return cfg.book_files_dir;
}

}  // namespace

struct CatalogModule::Parts {
  Parts(const config::Config& cfg, pg::Pool& pool, const app::Secrets& secrets)
      : books(pool),
        search(pool),
        files(files_dir(cfg)),
        catalog(search, books, secrets),
        inventory(books, files, clock) {}

  SystemClock clock;
  catalog::PgBookStore books;
  catalog::PgBookSearch search;
  catalog::LocalBookFiles files;
  app::CatalogService catalog;
  app::Inventory inventory;
};

CatalogModule::CatalogModule(const config::Config& cfg, pg::Pool& pool, const app::Secrets& secrets)
    : parts_(std::make_unique<Parts>(cfg, pool, secrets)) {}

CatalogModule::~CatalogModule() = default;

app::CatalogService& CatalogModule::catalog() {
  return parts_->catalog;
}

app::Inventory& CatalogModule::inventory() {
  return parts_->inventory;
}

}  // namespace bookstore::wiring
