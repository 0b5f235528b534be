//===- Movement.h - Shape rules of the Movement op group --------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Movement.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MOVEMENT_H
#define KILN_IR_OPS_MOVEMENT_H

#include "ir/ShapeRules.h"

#include <limits>
#include <string>

namespace kiln {

template <typename Adaptor>
mlir::LogicalResult inferConcat(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  mlir::ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return opError(loc, opName, "needs at least one input");
  auto first = rankedType(loc, opName, inputs.front(), "input 0");
  if (mlir::failed(first))
    return mlir::failure();
  int64_t rank = first->getRank();
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1) || rank == 0)
    return opError(loc, opName, "axis ", axis, " is out of range for rank ",
                   rank);
  llvm::SmallVector<int64_t> shape(first->getShape());
  shape[axis] = 0;
  for (auto [i, value] : llvm::enumerate(inputs)) {
    std::string name = "input " + std::to_string(i);
    auto type = rankedType(loc, opName, value, name);
    if (mlir::failed(type) ||
        mlir::failed(checkElementType(loc, opName, name, *type, "input 0",
                                      *first)))
      return mlir::failure();
    bool compatible = type->getRank() == rank;
    for (int64_t d = 0; compatible && d < rank; ++d)
      compatible = d == axis || type->getDimSize(d) == first->getDimSize(d);
    if (!compatible)
      return opError(loc, opName, name, " of shape ",
                     formatShape(type->getShape()),
                     " does not match input 0 of shape ",
                     formatShape(first->getShape()), " outside axis ", axis);
    shape[axis] += type->getDimSize(axis);
  }
  inferred.push_back(mlir::RankedTensorType::get(shape, first->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferSlice(std::optional<mlir::Location> loc,
                               llvm::StringRef opName, Adaptor adaptor,
                               llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  size_t rank = input->getRank();
  llvm::ArrayRef<int64_t> starts = adaptor.getStarts(),
                          sizes = adaptor.getSizes(),
                          steps = adaptor.getSteps();
  if (mlir::failed(checkArray(loc, opName, "starts", starts, rank, 0)) ||
      mlir::failed(checkArray(loc, opName, "sizes", sizes, rank, 0)) ||
      mlir::failed(checkArray(loc, opName, "steps", steps, rank,
                              std::numeric_limits<int64_t>::min())))
    return mlir::failure();
  for (size_t i = 0; i < rank; ++i) {
    if (steps[i] == 0)
      return opError(loc, opName, "steps must be non-zero, got ",
                     formatShape(steps));
    if (sizes[i] == 0)
      continue;
    int64_t last = starts[i] + (sizes[i] - 1) * steps[i];
    int64_t dim = input->getDimSize(i);
    if (starts[i] >= dim || last < 0 || last >= dim)
      return opError(loc, opName, "dim ", i, " reads elements ", starts[i],
                     " to ", last, " (step ", steps[i],
                     ") outside the input's ", dim);
  }
  inferred.push_back(
      mlir::RankedTensorType::get(sizes, input->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferExpand(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  llvm::ArrayRef<int64_t> target = adaptor.getShape();
  if (mlir::failed(checkArray(loc, opName, "shape", target, target.size(), 0)))
    return mlir::failure();
  auto shape = broadcastShapes(input->getShape(), target);
  if (!shape)
    return opError(loc, opName, "input shape ",
                   formatShape(input->getShape()),
                   " does not broadcast with ", formatShape(target));
  inferred.push_back(
      mlir::RankedTensorType::get(*shape, input->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferTrilu(std::optional<mlir::Location> loc,
                               llvm::StringRef opName, Adaptor adaptor,
                               llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  if (input->getRank() < 2)
    return opError(loc, opName, "input must have rank >= 2, got ",
                   formatShape(input->getShape()));
  if (mlir::Value dynamicK = adaptor.getDynamicK()) {
    auto k = rankedType(loc, opName, dynamicK, "k");
    if (mlir::failed(k))
      return mlir::failure();
    if (!k->getElementType().isSignlessInteger(64) || k->getRank() > 1 ||
        k->getNumElements() != 1)
      return opError(loc, opName, "k operand must be one i64, got ", *k);
    if (adaptor.getKAttr())
      return opError(loc, opName,
                     "takes k from the attribute or the operand, not both");
  }
  inferred.push_back(*input);
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_OPS_MOVEMENT_H
