//===- CHeaderTest.cpp - The runtime C API used from C ---------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <string>

#include <unistd.h>

extern "C" int kilnTestRoundTripFromC(const char *path, char *error,
                                      size_t error_size);
extern "C" int kilnTestModelFromC(char *error, size_t error_size);

namespace {

TEST(CHeaderTest, RuntimeIsUsableFromStrictC99) {
  std::string path = ::testing::TempDir() + "kiln-c-header-test-" +
                     std::to_string(::getpid()) + ".npy";
  char error[512] = "";
  EXPECT_EQ(kilnTestRoundTripFromC(path.c_str(), error, sizeof(error)), 0)
      << error;
  std::remove(path.c_str());
}

TEST(CHeaderTest, ModelInfoCanBeDefinedAndRunFromStrictC99) {
  char error[512] = "";
  EXPECT_EQ(kilnTestModelFromC(error, sizeof(error)), 0) << error;
}

} // namespace
