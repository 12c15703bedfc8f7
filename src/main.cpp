#include "adapters/config/config.hpp"
#include <cstdio>
int main() { std::fputs(bookstore::config::help_text().c_str(), stdout); }
