//===- Einsum.h - Einsum equations: parsing and shape rules -----*- C++ -*-===//
//
// Pure functions on einsum equations and static shapes (no IR). The ONNX
// importer turns an ONNX `Einsum` equation into the explicit form kiln.einsum
// carries; the op's shape rule and its lowering read that form back. Unit
// tests check them directly.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_EINSUM_H
#define KILN_IR_EINSUM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kiln {

/// An einsum equation in explicit form: one letter per dim of every operand
/// and of the result.
struct EinsumEquation {
  llvm::SmallVector<std::string> operands;
  std::string result;

  /// \returns the equation as text, e.g. "bij,bjk->bik".
  std::string str() const;
};

/// Parses an ONNX (NumPy) einsum \p equation for operands of ranks \p ranks.
/// Spaces are ignored. `...` stands for the dims an operand term does not
/// name; they get letters the equation does not use, aligned right across
/// operands as in broadcasting. Without `->` the result is implicit: the
/// `...` dims, then the letters used exactly once, in ASCII order. With
/// \p requireExplicit, `...` and a missing `->` are errors (the form that
/// kiln.einsum carries).
/// \returns the explicit equation, or std::nullopt with \p error set.
std::optional<EinsumEquation> parseEinsum(llvm::StringRef equation,
                                          llvm::ArrayRef<int64_t> ranks,
                                          bool requireExplicit,
                                          std::string &error);

/// Sizes of the letters of \p equation for operands of \p shapes (as many as
/// it has terms, of the ranks it names). A letter's size is the largest of
/// its dims; a dim of size 1 facing a larger one broadcasts.
/// \returns the sizes, or std::nullopt with \p error set when two dims of a
/// letter differ and neither is 1.
std::optional<std::map<char, int64_t>>
einsumLetterSizes(const EinsumEquation &equation,
                  llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                  std::string &error);

} // namespace kiln

#endif // KILN_IR_EINSUM_H
