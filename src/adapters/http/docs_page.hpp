#pragma once
#include <string_view>

namespace bookstore::http {

// GET /docs: one self-contained HTML page (inline script and style, no CDN: deployments may have no
// internet) that fetches /openapi.json and lists the operations by tag.
std::string_view docs_page_html();

}  // namespace bookstore::http
