//===- Npy.h - NumPy .npy reader and writer ---------------------*- C++ -*-===//
//
// Part of kiln, an ahead-of-time compiler for deep-learning models.
//
//===----------------------------------------------------------------------===//
//
// The implementation behind kiln/npy.h, whose header documents the supported
// subset of the format and the meaning of each status. Messages go to a
// std::string; the C shim copies them into the caller's buffer.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_SRC_NPY_H
#define KILN_RUNTIME_SRC_NPY_H

#include "Tensor.h"

#include <string>

namespace kiln::rt {

/// Reads the .npy file at \p path into \p out. On failure \p out is
/// unchanged and \p error holds a message that starts with \p path.
kiln_status_t readNpy(const char *path, Tensor &out, std::string &error);

/// Writes \p tensor to \p path atomically (through "<path>.tmp.<pid>"). On
/// failure nothing is left at the temporary path, \p path is untouched and
/// \p error holds a message that starts with \p path.
kiln_status_t writeNpy(const char *path, const Tensor &tensor,
                       std::string &error);

} // namespace kiln::rt

#endif // KILN_RUNTIME_SRC_NPY_H
