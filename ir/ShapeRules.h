//===- ShapeRules.h - Helpers of the ops' shape rules -----------*- C++ -*-===//
//
// The infer functions behind each op's `inferReturnTypes` (ir/KilnOps.cpp and
// the group headers ir/ops/*.h) report errors through these helpers, so that
// every message starts with the op name, like `emitOpError` output.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_SHAPERULES_H
#define KILN_IR_SHAPERULES_H

#include "ir/Shapes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace kiln {

/// Emits "'<op>' op <message>" at \p loc (if any) and returns failure.
template <typename... Args>
inline mlir::LogicalResult opError(std::optional<mlir::Location> loc,
                                   llvm::StringRef opName, Args &&...args) {
  return mlir::emitOptionalError(loc, "'", opName, "' op ",
                                 std::forward<Args>(args)...);
}

/// \returns the ranked type of \p value, or emits an error naming \p what.
/// Shapes must be static (the shape rules do arithmetic on dims).
inline mlir::FailureOr<mlir::RankedTensorType>
rankedType(std::optional<mlir::Location> loc, llvm::StringRef opName,
           mlir::Value value, llvm::StringRef what) {
  auto type = mlir::dyn_cast<mlir::RankedTensorType>(value.getType());
  if (!type)
    return opError(loc, opName, what, " must be a ranked tensor");
  if (!type.hasStaticShape())
    return opError(loc, opName, what, " must have a static shape, got ",
                   formatShape(type.getShape()));
  return type;
}

/// Checks that \p type (named \p what) has the element type of \p ref.
inline mlir::LogicalResult
checkElementType(std::optional<mlir::Location> loc, llvm::StringRef opName,
                 llvm::StringRef what, mlir::RankedTensorType type,
                 llvm::StringRef refName, mlir::RankedTensorType ref) {
  if (type.getElementType() != ref.getElementType())
    return opError(loc, opName, what, " element type ", type.getElementType(),
                   " differs from ", refName, " element type ",
                   ref.getElementType());
  return mlir::success();
}

/// Checks that an attribute array has \p expected entries, each >= \p min.
inline mlir::LogicalResult checkArray(std::optional<mlir::Location> loc,
                                      llvm::StringRef opName,
                                      llvm::StringRef name,
                                      llvm::ArrayRef<int64_t> values,
                                      size_t expected, int64_t min) {
  if (values.size() != expected)
    return opError(loc, opName, "expects ", expected, " entries in '", name,
                   "', got ", values.size());
  for (int64_t v : values)
    if (v < min)
      return opError(loc, opName, "expects '", name, "' entries >= ", min,
                     ", got ", formatShape(values));
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_SHAPERULES_H
