#pragma once
// The catalog assembled from its adapters: the PostgreSQL book store and search, the book files
// directory, and the use cases (public catalog, admin inventory). One place for `serve` and the tests.
#include <memory>

namespace bookstore::app {
class CatalogService;
class Inventory;
class Secrets;
}  // namespace bookstore::app
namespace bookstore::config {
struct Config;
}
namespace bookstore::pg {
class Pool;
}

namespace bookstore::wiring {

class CatalogModule {
 public:
  // `secrets` signs the search cursors (the identity module's, keyed by the shared local key). Throws
  // std::runtime_error when BOOKSTORE_BOOK_FILES_DIR is not a usable directory.
  CatalogModule(const config::Config& cfg, pg::Pool& pool, const app::Secrets& secrets);
  ~CatalogModule();
  CatalogModule(const CatalogModule&) = delete;
  CatalogModule& operator=(const CatalogModule&) = delete;

  app::CatalogService& catalog();
  app::Inventory& inventory();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace bookstore::wiring
