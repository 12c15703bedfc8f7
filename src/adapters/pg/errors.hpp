#pragma once
// Translation of libpq failures into the errors the rest of the service understands. Messages carry
// the SQLSTATE and the server's primary message only: never the DETAIL (which quotes row values) and
// never a parameter.
#include <string_view>

struct pg_conn;
struct pg_result;

namespace bookstore::pg {

// True for SQLSTATEs after which the connection (or the server) is gone: class 08, admin/crash
// shutdown, cannot connect now, too many connections.
bool is_unavailable_sqlstate(std::string_view sqlstate) noexcept;

// Throws the error for a failed result: domain::Error(kConflict) for a unique violation,
// domain::Error(kUnavailable) when the connection or server is gone, pg::QueryError otherwise.
[[noreturn]] void throw_result_error(const pg_result* res, const pg_conn* conn);

// domain::Error(kUnavailable, "database unavailable") with Retry-After 1s.
[[noreturn]] void throw_unavailable(std::string_view what = "database unavailable");

}  // namespace bookstore::pg
