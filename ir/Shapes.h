//===- Shapes.h - Shape arithmetic shared by ops and importers --*- C++ -*-===//
//
// Pure functions on static shapes (no IR): broadcasting, convolution and
// pooling output sizes, auto_pad resolution. The ops' shape inference and the
// ONNX importer both use them, and unit tests check them directly.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_SHAPES_H
#define KILN_IR_SHAPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kiln {

/// NumPy broadcasting of two shapes, aligned at the right.
/// \returns the broadcast shape, or std::nullopt if a pair of dims differs and
/// neither is 1.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// \returns true if \p from broadcasts to exactly \p to (ONNX "unidirectional"
/// broadcasting, as used by Gemm's C operand).
bool broadcastsTo(llvm::ArrayRef<int64_t> from, llvm::ArrayRef<int64_t> to);

/// Output size of one spatial dim of a sliding-window op:
/// floor-or-ceil((in + padBegin + padEnd - dilation * (kernel - 1) - 1) /
/// stride) + 1. With \p ceilMode, a last window that would start inside the
/// end padding is dropped (PyTorch and ONNX >= 1.13 agree on this rule).
/// \returns a value < 1 when the window does not fit; callers report it.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode = false);

/// ONNX `auto_pad` modes other than NOTSET.
enum class AutoPad { Valid, SameUpper, SameLower };

/// Resolves `auto_pad` into explicit ONNX-order pads (all begins, then all
/// ends) for inputs of spatial sizes \p in.
llvm::SmallVector<int64_t> resolveAutoPad(AutoPad mode,
                                          llvm::ArrayRef<int64_t> in,
                                          llvm::ArrayRef<int64_t> kernel,
                                          llvm::ArrayRef<int64_t> strides,
                                          llvm::ArrayRef<int64_t> dilations);

/// \returns "[2, 3, 4]"; "[]" for a scalar. Dynamic dims print as "?".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// \returns the product of \p shape; 1 for a scalar.
int64_t shapeProduct(llvm::ArrayRef<int64_t> shape);

} // namespace kiln

#endif // KILN_IR_SHAPES_H
