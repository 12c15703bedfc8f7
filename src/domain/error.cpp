#include "domain/error.hpp"
// Keeps bookstore_domain a real library from the first commit; the domain values of later issues
// (Email, Isbn, Money, ...) live beside this file.
