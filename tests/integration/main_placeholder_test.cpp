#include <gtest/gtest.h>
// Replaced by the adapter integration tests.
TEST(Integration, Builds) { SUCCEED(); }
