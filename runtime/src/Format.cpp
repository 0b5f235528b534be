//===- Format.cpp - printf-style std::string formatting ---------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//

#include "Format.h"

#include <cstdio>

namespace kiln::rt {

std::string formatStringV(const char *fmt, va_list args) {
  va_list argsCopy;
  va_copy(argsCopy, args);
  int length = std::vsnprintf(nullptr, 0, fmt, argsCopy);
  va_end(argsCopy);
  std::string result;
  if (length > 0) {
    result.resize(static_cast<size_t>(length) + 1);
    std::vsnprintf(result.data(), result.size(), fmt, args);
    result.resize(static_cast<size_t>(length));
  }
  return result;
}

std::string formatString(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string result = formatStringV(fmt, args);
  va_end(args);
  return result;
}

kiln_status_t fail(std::string &error, kiln_status_t status, const char *path,
                   const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  error = path;
  error += ": ";
  error += formatStringV(fmt, args);
  va_end(args);
  return status;
}

} // namespace kiln::rt
