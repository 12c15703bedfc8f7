#include "adapters/config/common_passwords.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

namespace bookstore::config {

std::unordered_set<std::string> load_common_passwords(const std::string& path) {
  std::unordered_set<std::string> out;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the common-password list " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#!comment", 0) == 0) continue;
    std::transform(line.begin(), line.end(), line.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.insert(line);
  }
  return out;
}

}  // namespace bookstore::config
