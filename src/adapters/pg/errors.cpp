#include "adapters/pg/errors.hpp"

#include <string>

#include <libpq-fe.h>

#include "adapters/pg/pool.hpp"
#include "domain/error.hpp"

namespace bookstore::pg {

bool is_unavailable_sqlstate(std::string_view s) noexcept {
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300";
}

void throw_unavailable(std::string_view what) {
  throw domain::Error::unavailable(std::string(what));
}

void throw_result_error(const pg_result* res, const pg_conn* conn) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view sqlstate = state ? state : "";
  // libpq reports a lost socket as a result without SQLSTATE and a bad connection status.
  if (is_unavailable_sqlstate(sqlstate) || (conn && PQstatus(conn) == CONNECTION_BAD)) throw_unavailable();
  if (sqlstate == "23505") {
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    // The primary message names the constraint only; the values are in DETAIL, which we drop.
    throw domain::Error::conflict(constraint
                                      ? "unique constraint \"" + std::string(constraint) + "\" violated"
                                      : std::string("unique constraint violated"));
  }
  if (sqlstate.starts_with("22")) {
    // Data exceptions quote the offending input ("invalid input syntax for type integer: \"x\""):
    // keep the SQLSTATE, drop the text so no parameter value reaches a log.
    throw QueryError(std::string(sqlstate), "invalid value for a statement parameter or column (SQLSTATE " +
                                                std::string(sqlstate) + ")");
  }
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : (conn ? PQerrorMessage(conn) : "database error");
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw QueryError(sqlstate.empty() ? std::string("XX000") : std::string(sqlstate), std::move(message));
}

}  // namespace bookstore::pg
