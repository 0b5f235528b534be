//===- StatusTest.cpp - Tests for kiln/status.h ----------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//

#include "kiln/status.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

TEST(StatusTest, OkIsZeroSoErrorsPropagateWithNonZeroCheck) {
  EXPECT_EQ(KILN_STATUS_OK, 0);
}

TEST(StatusNameTest, NamesEveryStatusAfterItsEnumerator) {
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_OK), "OK");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_INVALID_ARGUMENT),
               "INVALID_ARGUMENT");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_NOT_FOUND), "NOT_FOUND");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_OUT_OF_MEMORY), "OUT_OF_MEMORY");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_FAILED_PRECONDITION),
               "FAILED_PRECONDITION");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_INCOMPATIBLE), "INCOMPATIBLE");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_INTERNAL), "INTERNAL");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_IO_ERROR), "IO_ERROR");
  EXPECT_STREQ(kiln_status_name(KILN_STATUS_DATA_LOSS), "DATA_LOSS");
}

TEST(StatusNameTest, GivesDistinctNamesToAllCodes) {
  std::set<std::string> names;
  for (int code = KILN_STATUS_OK; code <= KILN_STATUS_DATA_LOSS; ++code)
    names.insert(kiln_status_name(static_cast<kiln_status_t>(code)));
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(names.count("UNKNOWN"), 0u);
}

// Only values C++ can hold in the enum (0..15); negative ones are tested from
// C, in CHeaderUse.c.
TEST(StatusNameTest, ReturnsUnknownNotNullForValuesOutsideTheEnum) {
  EXPECT_STREQ(kiln_status_name(static_cast<kiln_status_t>(9)), "UNKNOWN");
  EXPECT_STREQ(kiln_status_name(static_cast<kiln_status_t>(15)), "UNKNOWN");
}

} // namespace
