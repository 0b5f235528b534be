//===- Math.h - Shape rules of the Math op group ----------------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Math.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MATH_H
#define KILN_IR_OPS_MATH_H

#include "ir/ShapeRules.h"

namespace kiln {

/// The NumPy broadcast of \p types' shapes as a tensor of \p element, or an
/// error naming every operand shape.
inline mlir::LogicalResult
inferBroadcastOf(std::optional<mlir::Location> loc, llvm::StringRef opName,
                 llvm::ArrayRef<mlir::RankedTensorType> types,
                 mlir::Type element,
                 llvm::SmallVectorImpl<mlir::Type> &inferred) {
  llvm::SmallVector<int64_t> shape;
  for (mlir::RankedTensorType type : types) {
    auto next = broadcastShapes(shape, type.getShape());
    if (!next) {
      std::string shapes;
      for (mlir::RankedTensorType t : types)
        shapes += (shapes.empty() ? "" : ", ") + formatShape(t.getShape());
      return opError(loc, opName, "operand shapes ", shapes,
                     " are not broadcast-compatible");
    }
    shape = *next;
  }
  inferred.push_back(mlir::RankedTensorType::get(shape, element));
  return mlir::success();
}

/// Pow: broadcast shape, the base's element type (the exponent's may differ).
template <typename Adaptor>
mlir::LogicalResult inferPow(std::optional<mlir::Location> loc,
                             llvm::StringRef opName, Adaptor adaptor,
                             llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto lhs = rankedType(loc, opName, adaptor.getLhs(), "base");
  auto rhs = rankedType(loc, opName, adaptor.getRhs(), "exponent");
  if (failed(lhs) || failed(rhs))
    return mlir::failure();
  return inferBroadcastOf(loc, opName, {*lhs, *rhs}, lhs->getElementType(),
                          inferred);
}

/// Comparisons: operands of one element type, broadcast shape, i1 result.
template <typename Adaptor>
mlir::LogicalResult inferCompare(std::optional<mlir::Location> loc,
                                 llvm::StringRef opName, Adaptor adaptor,
                                 llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto lhs = rankedType(loc, opName, adaptor.getLhs(), "lhs");
  auto rhs = rankedType(loc, opName, adaptor.getRhs(), "rhs");
  if (failed(lhs) || failed(rhs) ||
      failed(checkElementType(loc, opName, "rhs", *rhs, "lhs", *lhs)))
    return mlir::failure();
  return inferBroadcastOf(loc, opName, {*lhs, *rhs},
                          mlir::IntegerType::get(lhs->getContext(), 1),
                          inferred);
}

/// Where: three-way broadcast; lhs and rhs share the result element type.
template <typename Adaptor>
mlir::LogicalResult inferWhere(std::optional<mlir::Location> loc,
                               llvm::StringRef opName, Adaptor adaptor,
                               llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto cond = rankedType(loc, opName, adaptor.getCondition(), "condition");
  auto lhs = rankedType(loc, opName, adaptor.getLhs(), "lhs");
  auto rhs = rankedType(loc, opName, adaptor.getRhs(), "rhs");
  if (failed(cond) || failed(lhs) || failed(rhs) ||
      failed(checkElementType(loc, opName, "rhs", *rhs, "lhs", *lhs)))
    return mlir::failure();
  return inferBroadcastOf(loc, opName, {*cond, *lhs, *rhs},
                          lhs->getElementType(), inferred);
}

/// IsNaN, IsInf: the input's shape with i1 elements.
template <typename Adaptor>
mlir::LogicalResult
inferFloatClass(std::optional<mlir::Location> loc, llvm::StringRef opName,
                Adaptor adaptor, llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return mlir::failure();
  inferred.push_back(input->clone(mlir::IntegerType::get(input->getContext(), 1)));
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_OPS_MATH_H
