//===- Indexing.h - Shape rules of the Indexing op group --------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Indexing.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_INDEXING_H
#define KILN_IR_OPS_INDEXING_H

#include "ir/ShapeRules.h"

namespace kiln {

namespace indexing_detail {
/// \returns the value of integer attribute \p name, which the custom parser
/// may still hold in the attribute dictionary instead of the properties.
template <typename Adaptor>
std::optional<int64_t> intAttr(Adaptor adaptor, mlir::IntegerAttr fromProps,
                               llvm::StringRef name) {
  if (!fromProps && adaptor.getAttributes())
    fromProps = mlir::dyn_cast_or_null<mlir::IntegerAttr>(
        adaptor.getAttributes().get(name));
  if (!fromProps)
    return std::nullopt;
  return fromProps.getInt();
}

/// Checks that \p axis is in [0, rank) (or [0, 1) for rank 0 when
/// \p allowScalar); emits "axis A is out of range for rank R" otherwise.
inline mlir::LogicalResult checkAxis(std::optional<mlir::Location> loc,
                                     llvm::StringRef opName,
                                     std::optional<int64_t> axis,
                                     int64_t rank) {
  if (!axis)
    return opError(loc, opName, "requires attribute 'axis'");
  if (*axis < 0 || *axis >= rank)
    return opError(loc, opName, "axis ", *axis, " is out of range for rank ",
                   rank);
  return mlir::success();
}

/// Element-wise gathers and scatters address `data` with an `indices`
/// tensor of the same rank whose dims, except `axis`, fit inside data's.
inline mlir::LogicalResult
checkElementIndices(std::optional<mlir::Location> loc, llvm::StringRef opName,
                    mlir::RankedTensorType data,
                    mlir::RankedTensorType indices, int64_t axis) {
  if (indices.getRank() != data.getRank())
    return opError(loc, opName, "indices rank ", indices.getRank(),
                   " differs from data rank ", data.getRank());
  for (int64_t i = 0; i < data.getRank(); ++i)
    if (i != axis && indices.getDimSize(i) > data.getDimSize(i))
      return opError(loc, opName, "indices ",
                     formatShape(indices.getShape()),
                     " exceed data ", formatShape(data.getShape()),
                     " in dim ", i);
  return mlir::success();
}
} // namespace indexing_detail

template <typename Adaptor>
mlir::LogicalResult inferGather(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto data = rankedType(loc, opName, adaptor.getData(), "data");
  auto indices = rankedType(loc, opName, adaptor.getIndices(), "indices");
  if (failed(data) || failed(indices))
    return mlir::failure();
  auto axis = indexing_detail::intAttr(adaptor, adaptor.getAxisAttr(), "axis");
  if (failed(indexing_detail::checkAxis(loc, opName, axis, data->getRank())))
    return mlir::failure();
  llvm::SmallVector<int64_t> shape(data->getShape().take_front(*axis));
  llvm::append_range(shape, indices->getShape());
  llvm::append_range(shape, data->getShape().drop_front(*axis + 1));
  inferred.push_back(
      mlir::RankedTensorType::get(shape, data->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferGatherElements(std::optional<mlir::Location> loc, llvm::StringRef opName,
                    Adaptor adaptor,
                    llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto data = rankedType(loc, opName, adaptor.getData(), "data");
  auto indices = rankedType(loc, opName, adaptor.getIndices(), "indices");
  if (failed(data) || failed(indices))
    return mlir::failure();
  auto axis = indexing_detail::intAttr(adaptor, adaptor.getAxisAttr(), "axis");
  if (failed(indexing_detail::checkAxis(loc, opName, axis, data->getRank())) ||
      failed(indexing_detail::checkElementIndices(loc, opName, *data, *indices,
                                                  *axis)))
    return mlir::failure();
  inferred.push_back(mlir::RankedTensorType::get(indices->getShape(),
                                                 data->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferGatherND(std::optional<mlir::Location> loc, llvm::StringRef opName,
              Adaptor adaptor, llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto data = rankedType(loc, opName, adaptor.getData(), "data");
  auto indices = rankedType(loc, opName, adaptor.getIndices(), "indices");
  if (failed(data) || failed(indices))
    return mlir::failure();
  int64_t batch = indexing_detail::intAttr(adaptor, adaptor.getBatchDimsAttr(),
                                           "batch_dims")
                      .value_or(0);
  int64_t r = data->getRank(), q = indices->getRank();
  if (r < 1 || q < 1)
    return opError(loc, opName, "data and indices must have rank >= 1");
  if (batch < 0 || batch >= std::min(r, q))
    return opError(loc, opName, "batch_dims ", batch,
                   " must be less than both ranks (", r, " and ", q, ")");
  if (data->getShape().take_front(batch) !=
      indices->getShape().take_front(batch))
    return opError(loc, opName, "the first ", batch, " dims of data ",
                   formatShape(data->getShape()), " and indices ",
                   formatShape(indices->getShape()), " differ");
  int64_t k = indices->getShape().back();
  if (k < 1 || k > r - batch)
    return opError(loc, opName, "index tuples of size ", k,
                   " do not fit data of rank ", r, " with batch_dims ", batch);
  llvm::SmallVector<int64_t> shape(indices->getShape().drop_back());
  llvm::append_range(shape, data->getShape().drop_front(batch + k));
  inferred.push_back(
      mlir::RankedTensorType::get(shape, data->getElementType()));
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferScatterElements(std::optional<mlir::Location> loc, llvm::StringRef opName,
                     Adaptor adaptor,
                     llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto data = rankedType(loc, opName, adaptor.getData(), "data");
  auto indices = rankedType(loc, opName, adaptor.getIndices(), "indices");
  auto updates = rankedType(loc, opName, adaptor.getUpdates(), "updates");
  if (failed(data) || failed(indices) || failed(updates))
    return mlir::failure();
  auto axis = indexing_detail::intAttr(adaptor, adaptor.getAxisAttr(), "axis");
  if (failed(indexing_detail::checkAxis(loc, opName, axis, data->getRank())) ||
      failed(indexing_detail::checkElementIndices(loc, opName, *data, *indices,
                                                  *axis)) ||
      failed(checkElementType(loc, opName, "updates", *updates, "data", *data)))
    return mlir::failure();
  if (updates->getShape() != indices->getShape())
    return opError(loc, opName, "updates ", formatShape(updates->getShape()),
                   " must have the shape of indices ",
                   formatShape(indices->getShape()));
  inferred.push_back(*data);
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult
inferScatterND(std::optional<mlir::Location> loc, llvm::StringRef opName,
               Adaptor adaptor, llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto data = rankedType(loc, opName, adaptor.getData(), "data");
  auto indices = rankedType(loc, opName, adaptor.getIndices(), "indices");
  auto updates = rankedType(loc, opName, adaptor.getUpdates(), "updates");
  if (failed(data) || failed(indices) || failed(updates) ||
      failed(checkElementType(loc, opName, "updates", *updates, "data", *data)))
    return mlir::failure();
  if (data->getRank() < 1 || indices->getRank() < 1)
    return opError(loc, opName, "data and indices must have rank >= 1");
  int64_t k = indices->getShape().back();
  if (k < 1 || k > data->getRank())
    return opError(loc, opName, "index tuples of size ", k,
                   " do not fit data of rank ", data->getRank());
  llvm::SmallVector<int64_t> expected(indices->getShape().drop_back());
  llvm::append_range(expected, data->getShape().drop_front(k));
  if (updates->getShape() != llvm::ArrayRef<int64_t>(expected))
    return opError(loc, opName, "updates ", formatShape(updates->getShape()),
                   " must be ", formatShape(expected));
  inferred.push_back(*data);
  return mlir::success();
}

template <typename Adaptor>
mlir::LogicalResult inferOneHot(std::optional<mlir::Location> loc,
                                llvm::StringRef opName, Adaptor adaptor,
                                llvm::SmallVectorImpl<mlir::Type> &inferred) {
  auto indices = rankedType(loc, opName, adaptor.getIndices(), "indices");
  auto values = rankedType(loc, opName, adaptor.getValues(), "values");
  if (failed(indices) || failed(values))
    return mlir::failure();
  if (values->getNumElements() != 2 || values->getRank() != 1)
    return opError(loc, opName, "values must be [off, on], got ",
                   formatShape(values->getShape()));
  auto depth =
      indexing_detail::intAttr(adaptor, adaptor.getDepthAttr(), "depth");
  auto axis = indexing_detail::intAttr(adaptor, adaptor.getAxisAttr(), "axis");
  if (!depth || *depth < 1)
    return opError(loc, opName, "depth must be >= 1");
  if (failed(indexing_detail::checkAxis(loc, opName, axis,
                                        indices->getRank() + 1)))
    return mlir::failure();
  llvm::SmallVector<int64_t> shape(indices->getShape());
  shape.insert(shape.begin() + *axis, *depth);
  inferred.push_back(
      mlir::RankedTensorType::get(shape, values->getElementType()));
  return mlir::success();
}

} // namespace kiln

#endif // KILN_IR_OPS_INDEXING_H
