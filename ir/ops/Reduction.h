//===- Reduction.h - Shape rules of the Reduction group ---------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Reduction.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_REDUCTION_H
#define KILN_IR_OPS_REDUCTION_H

#include "ir/ShapeRules.h"

namespace kiln {

/// Checks \p axis is in [0, rank) (a rank-0 input has the single axis 0).
inline mlir::LogicalResult checkAxis(std::optional<mlir::Location> loc,
                                     llvm::StringRef opName, int64_t axis,
                                     int64_t rank) {
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return opError(loc, opName, "axis ", axis, " is out of range for rank ",
                   rank);
  return mlir::success();
}

/// \returns \p shape with dim \p axis set to 1 (\p keep) or removed.
inline llvm::SmallVector<int64_t> reduceDims(llvm::ArrayRef<int64_t> shape,
                                             llvm::ArrayRef<int64_t> axes,
                                             bool keep) {
  llvm::SmallVector<int64_t> result;
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      result.push_back(dim);
    else if (keep)
      result.push_back(1);
  }
  return result;
}

template <typename Adaptor>
mlir::LogicalResult inferReduce(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return mlir::failure();
  llvm::ArrayRef<int64_t> axes = adaptor.getAxes();
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] < 0 || axes[i] >= input->getRank() ||
        (i > 0 && axes[i] <= axes[i - 1]))
      return opError(loc, opName, "axes ", formatShape(axes),
                     " must be increasing and in [0, ", input->getRank(),
                     ")");
  inferred.push_back(mlir::RankedTensorType::get(
      reduceDims(input->getShape(), axes, adaptor.getKeepdims()),
      input->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferArgReduce(std::optional<mlir::Location> loc, llvm::StringRef opName,
               Adaptor adaptor, llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return mlir::failure();
  int64_t axis = adaptor.getAxis();
  if (input->getRank() == 0)
    return opError(loc, opName, "input must have rank >= 1");
  if (failed(checkAxis(loc, opName, axis, input->getRank())))
    return mlir::failure();
  inferred.push_back(mlir::RankedTensorType::get(
      reduceDims(input->getShape(), {axis}, adaptor.getKeepdims()),
      mlir::IntegerType::get(input->getContext(), 64)));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferCumSum(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input) ||
      failed(checkAxis(loc, opName, adaptor.getAxis(), input->getRank())))
    return mlir::failure();
  inferred.push_back(*input);
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferTopK(std::optional<mlir::Location> loc,
                              llvm::StringRef opName, Adaptor adaptor,
                              llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return mlir::failure();
  if (input->getRank() == 0)
    return opError(loc, opName, "input must have rank >= 1");
  int64_t axis = adaptor.getAxis(), k = adaptor.getK();
  if (failed(checkAxis(loc, opName, axis, input->getRank())))
    return mlir::failure();
  if (k < 0 || k > input->getDimSize(axis))
    return opError(loc, opName, "k = ", k, " is out of range for dim ", axis,
                   " of size ", input->getDimSize(axis));
  llvm::SmallVector<int64_t> shape(input->getShape());
  shape[axis] = k;
  inferred.push_back(
      mlir::RankedTensorType::get(shape, input->getElementType()));
  inferred.push_back(mlir::RankedTensorType::get(
      shape, mlir::IntegerType::get(input->getContext(), 64)));
  return mlir::success();
}

/// Shared rule of the losses: `input` [N, C, D...], `target` [N, D...],
/// optional `weight` [C]; pushes the loss type.
inline mlir::LogicalResult
inferLoss(std::optional<mlir::Location> loc, llvm::StringRef opName,
          mlir::Value inputValue, mlir::Value targetValue,
          mlir::Value weightValue, llvm::StringRef reduction,
          llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, inputValue, "input");
  auto target = rankedType(loc, opName, targetValue, "target");
  if (failed(input) || failed(target))
    return mlir::failure();
  if (input->getRank() < 2)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  llvm::SmallVector<int64_t> expected = reduceDims(input->getShape(), {1},
                                                   /*keep=*/false);
  if (target->getShape() != llvm::ArrayRef<int64_t>(expected))
    return opError(loc, opName, "target must be ", formatShape(expected),
                   " for input ", formatShape(input->getShape()), ", got ",
                   formatShape(target->getShape()));
  if (weightValue) {
    auto weight = rankedType(loc, opName, weightValue, "weight");
    if (failed(weight) || failed(checkElementType(loc, opName, "weight",
                                                  *weight, "input", *input)))
      return mlir::failure();
    if (weight->getShape() != llvm::ArrayRef<int64_t>{input->getDimSize(1)})
      return opError(loc, opName, "weight must be [", input->getDimSize(1),
                     "], got ", formatShape(weight->getShape()));
  }
  if (reduction == "none")
    inferred.push_back(
        mlir::RankedTensorType::get(expected, input->getElementType()));
  else if (reduction == "sum" || reduction == "mean")
    inferred.push_back(mlir::RankedTensorType::get({}, input->getElementType()));
  else
    return opError(loc, opName, "reduction must be none, sum or mean, got '",
                   reduction, "'");
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferNllLoss(std::optional<mlir::Location> loc,
                                 llvm::StringRef opName, Adaptor adaptor,
                                 llvm::SmallVectorImpl<mlir::Type> &inferred) {
  return inferLoss(loc, opName, adaptor.getInput(), adaptor.getTarget(),
                   adaptor.getWeight(), adaptor.getReduction(), inferred);
}

template <typename Adaptor>
mlir::LogicalResult
inferSoftmaxCrossEntropy(std::optional<mlir::Location> loc,
                         llvm::StringRef opName, Adaptor adaptor,
                         llvm::SmallVectorImpl<mlir::Type> &inferred) {
  if (failed(inferLoss(loc, opName, adaptor.getScores(), adaptor.getLabels(),
                       adaptor.getWeights(), adaptor.getReduction(),
                       inferred)))
    return mlir::failure();
  inferred.push_back(adaptor.getScores().getType());
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_OPS_REDUCTION_H
