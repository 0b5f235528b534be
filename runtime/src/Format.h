//===- Format.h - printf-style std::string formatting -----------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The runtime builds its messages with these rather than fmt or iostreams, to
// stay free of dependencies and exceptions. The format attribute lets
// -Wformat check every call.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_SRC_FORMAT_H
#define KILN_RUNTIME_SRC_FORMAT_H

#include "kiln/status.h"

#include <cstdarg>
#include <string>

namespace kiln::rt {

/// vsnprintf into a std::string; \p args is consumed.
std::string formatStringV(const char *fmt, va_list args);

/// snprintf into a std::string.
__attribute__((format(printf, 1, 2))) std::string formatString(const char *fmt,
                                                               ...);

/// Sets \p error to "<path>: <message>" and \returns \p status, so that
/// every failure of a file operation is one `return fail(...)`.
__attribute__((format(printf, 4, 5))) kiln_status_t
fail(std::string &error, kiln_status_t status, const char *path,
     const char *fmt, ...);

} // namespace kiln::rt

#endif // KILN_RUNTIME_SRC_FORMAT_H
