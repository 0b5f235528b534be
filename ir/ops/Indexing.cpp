//===- Indexing.cpp - Folders and verifiers of the Indexing op group ------===//
//
// Gather folds on constant operands because PyTorch exports compute shapes
// at run time (Shape -> Gather -> Concat -> Reshape); folding them at import
// is what makes such models static. Resize's verifier checks the string
// attributes the lowering dispatches on.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"
#include "ir/Shapes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace kiln {

/// Folding is meant for shape-sized tensors; larger gathers stay ops.
static constexpr int64_t kMaxFoldedGatherElements = 1 << 16;

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto data = dyn_cast_or_null<DenseElementsAttr>(adaptor.getData());
  auto indices = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getIndices());
  auto type = cast<RankedTensorType>(getType());
  if (!data || !indices || type.getNumElements() > kMaxFoldedGatherElements ||
      data.getType().getDimSize(getAxis()) == 0)
    return {};
  ArrayRef<int64_t> shape = data.getType().getShape();
  int64_t axis = getAxis(), dim = shape[axis];
  // [outer, dim, inner] view of data; the result is [outer, count, inner].
  int64_t outer = shapeProduct(shape.take_front(axis));
  int64_t inner = shapeProduct(shape.drop_front(axis + 1));
  SmallVector<int64_t> idx;
  for (const APInt &i : indices.getValues<APInt>()) {
    int64_t v = i.getSExtValue();
    if (v < 0)
      v += dim;
    idx.push_back(std::clamp<int64_t>(v, 0, dim - 1)); // As the lowering does.
  }
  SmallVector<Attribute> values(data.getValues<Attribute>());
  SmallVector<Attribute> result;
  result.reserve(type.getNumElements());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : idx)
      for (int64_t n = 0; n < inner; ++n)
        result.push_back(values[(o * dim + i) * inner + n]);
  return DenseElementsAttr::get(type, result);
}

LogicalResult ResizeOp::verify() {
  auto check = [&](StringRef name, StringRef value,
                   ArrayRef<StringRef> allowed) -> LogicalResult {
    if (llvm::is_contained(allowed, value))
      return success();
    InFlightDiagnostic diag = emitOpError(name) << " '" << value
                                                << "' is not one of ";
    llvm::interleaveComma(allowed, diag);
    return diag;
  };
  if (failed(check("mode", getMode(), {"nearest", "linear", "cubic"})) ||
      failed(check("coordinate_transformation_mode",
                   getCoordinateTransformationMode(),
                   {"half_pixel", "pytorch_half_pixel", "align_corners",
                    "asymmetric", "tf_half_pixel_for_nn",
                    "tf_crop_and_resize"})) ||
      failed(check("nearest_mode", getNearestMode(),
                   {"round_prefer_floor", "round_prefer_ceil", "floor",
                    "ceil"})))
    return failure();
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  int64_t rank = in.getRank();
  if (out.getRank() != rank)
    return emitOpError("result rank ") << out.getRank()
                                       << " differs from input rank " << rank;
  if (static_cast<int64_t>(getScales().size()) != rank)
    return emitOpError("expects ") << rank << " scales, got "
                                   << getScales().size();
  if (llvm::any_of(getScales(), [](double s) { return !(s > 0.0); }))
    return emitOpError("scales must be positive");
  if (!getRoi().empty() && static_cast<int64_t>(getRoi().size()) != 2 * rank)
    return emitOpError("expects 0 or ") << 2 * rank << " roi entries, got "
                                        << getRoi().size();
  if (getCoordinateTransformationMode() == "tf_crop_and_resize" &&
      getRoi().empty())
    return emitOpError("tf_crop_and_resize needs a roi");
  if (getMode() != "nearest" && !isa<FloatType>(in.getElementType()))
    return emitOpError("mode '") << getMode()
                                 << "' needs float elements, got "
                                 << in.getElementType();
  if (llvm::any_of(out.getShape(), [](int64_t d) { return d < 1; }) ||
      llvm::any_of(in.getShape(), [](int64_t d) { return d < 1; }))
    return emitOpError("input and result dims must be >= 1");
  return success();
}

} // namespace kiln
