//===- NN.h - Shape rules of the NN op group --------------------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/NN.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`, and after the shape rules of the CNN core ops
// (inferWindow, inferPool, inferBatchNorm), which some of these reuse.
// Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_NN_H
#define KILN_IR_OPS_NN_H

#include "ir/ShapeRules.h"

#include <limits>

namespace kiln {

template <typename Adaptor>
mlir::LogicalResult
inferConvTranspose(std::optional<mlir::Location> loc, llvm::StringRef opName,
                   Adaptor adaptor,
                   llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  auto filter = rankedType(loc, opName, adaptor.getFilter(), "filter");
  if (mlir::failed(input) || mlir::failed(filter))
    return mlir::failure();
  if (input->getRank() < 3)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  if (filter->getRank() != input->getRank())
    return opError(loc, opName, "filter rank ", filter->getRank(),
                   " differs from input rank ", input->getRank());
  if (mlir::failed(
          checkElementType(loc, opName, "filter", *filter, "input", *input)))
    return mlir::failure();
  int64_t group = adaptor.getGroupAttr().getInt();
  int64_t channels = input->getDimSize(1);
  if (group < 1 || channels % group != 0)
    return opError(loc, opName, "group ", group,
                   " must divide input channels ", channels);
  if (filter->getDimSize(0) != channels)
    return opError(loc, opName, "filter ", formatShape(filter->getShape()),
                   " expects ", filter->getDimSize(0),
                   " input channels, input has ", channels);
  int64_t features = filter->getDimSize(1) * group;
  if (mlir::Value bias = adaptor.getBias()) {
    auto biasType = rankedType(loc, opName, bias, "bias");
    if (mlir::failed(biasType) ||
        mlir::failed(checkElementType(loc, opName, "bias", *biasType, "input",
                                      *input)))
      return mlir::failure();
    if (biasType->getShape() != llvm::ArrayRef<int64_t>{features})
      return opError(loc, opName, "bias must be [", features, "], got ",
                     formatShape(biasType->getShape()));
  }
  int64_t spatial = input->getRank() - 2;
  llvm::ArrayRef<int64_t> strides = adaptor.getStrides(),
                          pads = adaptor.getPads(),
                          dilations = adaptor.getDilations(),
                          outputPadding = adaptor.getOutputPadding();
  if (mlir::failed(checkArray(loc, opName, "strides", strides, spatial, 1)) ||
      mlir::failed(checkArray(loc, opName, "pads", pads, 2 * spatial,
                              std::numeric_limits<int64_t>::min())) ||
      mlir::failed(
          checkArray(loc, opName, "dilations", dilations, spatial, 1)) ||
      mlir::failed(checkArray(loc, opName, "output_padding", outputPadding,
                              spatial, 0)))
    return mlir::failure();
  llvm::SmallVector<int64_t> shape = {input->getDimSize(0), features};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t kernel = filter->getDimSize(i + 2);
    int64_t out = strides[i] * (input->getDimSize(i + 2) - 1) +
                  outputPadding[i] + dilations[i] * (kernel - 1) + 1 -
                  pads[i] - pads[spatial + i];
    if (out < 1)
      return opError(loc, opName, "pads ", pads[i], "+", pads[spatial + i],
                     " leave no output in spatial dim ", i);
    shape.push_back(out);
  }
  inferred.push_back(mlir::RankedTensorType::get(shape, input->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferMaxPoolWithIndices(std::optional<mlir::Location> loc,
                        llvm::StringRef opName, Adaptor adaptor,
                        llvm::SmallVectorImpl<mlir::Type> &inferred) {
  int64_t order = adaptor.getStorageOrderAttr().getInt();
  if (order != 0 && order != 1)
    return opError(loc, opName, "storage_order must be 0 or 1, got ", order);
  if (mlir::failed(
          inferPool(loc, opName, adaptor, adaptor.getDilations(), inferred)))
    return mlir::failure();
  auto values = mlir::cast<mlir::RankedTensorType>(inferred.back());
  inferred.push_back(mlir::RankedTensorType::get(
      values.getShape(),
      mlir::IntegerType::get(values.getContext(), 64)));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferLpPool(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  if (input->getRank() < 3)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  if (adaptor.getPAttr().getInt() < 1)
    return opError(loc, opName, "p must be >= 1, got ",
                   adaptor.getPAttr().getInt());
  if (mlir::failed(checkArray(loc, opName, "kernel_shape",
                              adaptor.getKernelShape(), input->getRank() - 2,
                              1)))
    return mlir::failure();
  return inferWindow(loc, opName, *input, input->getDimSize(1),
                     adaptor.getKernelShape(), adaptor.getStrides(),
                     adaptor.getPads(), adaptor.getDilations(),
                     /*ceilMode=*/false, inferred);
}

template <typename Adaptor>
mlir::LogicalResult
inferBatchNormTraining(std::optional<mlir::Location> loc,
                       llvm::StringRef opName, Adaptor adaptor,
                       llvm::SmallVectorImpl<mlir::Type> &inferred) {
  if (mlir::failed(inferBatchNorm(loc, opName, adaptor, inferred)))
    return mlir::failure();
  inferred.push_back(adaptor.getMean().getType());
  inferred.push_back(adaptor.getVar().getType());
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferInstanceNorm(std::optional<mlir::Location> loc, llvm::StringRef opName,
                  Adaptor adaptor,
                  llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  if (input->getRank() < 3)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  int64_t channels = input->getDimSize(1);
  std::pair<mlir::Value, llvm::StringRef> params[] = {
      {adaptor.getScale(), "scale"}, {adaptor.getBias(), "bias"}};
  for (auto [value, name] : params) {
    auto type = rankedType(loc, opName, value, name);
    if (mlir::failed(type) ||
        mlir::failed(
            checkElementType(loc, opName, name, *type, "input", *input)))
      return mlir::failure();
    if (type->getShape() != llvm::ArrayRef<int64_t>{channels})
      return opError(loc, opName, name, " must be [", channels,
                     "] (the channel dim of the input), got ",
                     formatShape(type->getShape()));
  }
  inferred.push_back(*input);
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferLayerNorm(std::optional<mlir::Location> loc,
                                   llvm::StringRef opName, Adaptor adaptor,
                                   llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  int64_t rank = input->getRank();
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (axis < 0 || axis >= rank)
    return opError(loc, opName, "axis ", axis, " is out of range for rank ",
                   rank);
  llvm::ArrayRef<int64_t> normalized = input->getShape().drop_front(axis);
  std::pair<mlir::Value, llvm::StringRef> params[] = {
      {adaptor.getScale(), "scale"}, {adaptor.getBias(), "bias"}};
  for (auto [value, name] : params) {
    if (!value)
      continue;
    auto type = rankedType(loc, opName, value, name);
    if (mlir::failed(type) ||
        mlir::failed(
            checkElementType(loc, opName, name, *type, "input", *input)))
      return mlir::failure();
    if (!broadcastsTo(type->getShape(), normalized))
      return opError(loc, opName, name, " of shape ",
                     formatShape(type->getShape()),
                     " does not broadcast to the normalised dims ",
                     formatShape(normalized));
  }
  int64_t stash = adaptor.getStashTypeAttr()
                      ? adaptor.getStashTypeAttr().getInt()
                      : 1;
  mlir::Type statsElement =
      stash == 1 ? mlir::Float32Type::get(input->getContext())
                 : input->getElementType();
  llvm::SmallVector<int64_t> statsShape(input->getShape());
  for (int64_t i = axis; i < rank; ++i)
    statsShape[i] = 1;
  auto statsType = mlir::RankedTensorType::get(statsShape, statsElement);
  inferred.push_back(*input);
  inferred.push_back(statsType);
  inferred.push_back(statsType);
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferMeanVarianceNorm(std::optional<mlir::Location> loc,
                      llvm::StringRef opName, Adaptor adaptor,
                      llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  llvm::ArrayRef<int64_t> axes = adaptor.getAxes();
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] < 0 || axes[i] >= input->getRank() ||
        (i > 0 && axes[i] <= axes[i - 1]))
      return opError(loc, opName, "axes ", formatShape(axes),
                     " must be sorted, distinct and in [0, ",
                     input->getRank(), ")");
  inferred.push_back(*input);
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferLRN(std::optional<mlir::Location> loc,
                             llvm::StringRef opName, Adaptor adaptor,
                             llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (mlir::failed(input))
    return mlir::failure();
  if (input->getRank() < 2)
    return opError(loc, opName, "input must be [N, C, ...], got ",
                   formatShape(input->getShape()));
  if (adaptor.getSizeAttr().getInt() < 1)
    return opError(loc, opName, "size must be >= 1, got ",
                   adaptor.getSizeAttr().getInt());
  inferred.push_back(*input);
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_OPS_NN_H
