//===- Indexing.cpp - Import ONNX gather/scatter, one-hot, resize ---------===//
//
// Indices are runtime data; inputs that decide a shape (OneHot's depth,
// Resize's roi/scales/sizes) must be compile-time constants. Negative axes
// are normalised here; negative indices are left to the ops.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"

#include <cmath>

namespace kiln::onnx {
namespace {

/// Reads attribute \p name (an axis, default \p fallback) and normalises it
/// against \p rank.
mlir::FailureOr<int64_t> axisAttr(NodeImporter &n, llvm::StringRef name,
                                  int64_t fallback, int64_t rank) {
  auto axis = n.intAttr(name, fallback);
  if (mlir::failed(axis))
    return mlir::failure();
  return n.normalizeAxis(*axis, rank);
}

mlir::LogicalResult checkIndices(NodeImporter &n, size_t index) {
  auto type = n.inputType(index);
  if (mlir::failed(type))
    return mlir::failure();
  if (!type->getElementType().isSignlessInteger(32) &&
      !type->getElementType().isSignlessInteger(64))
    return n.emitError() << "indices must be int32 or int64, got "
                         << type->getElementType();
  return mlir::success();
}

template <typename OpTy>
mlir::LogicalResult importAxisGather(NodeImporter &n) {
  auto data = n.inputType(0);
  if (mlir::failed(data) || mlir::failed(checkIndices(n, 1)))
    return mlir::failure();
  auto axis = axisAttr(n, "axis", 0, data->getRank());
  if (mlir::failed(axis))
    return mlir::failure();
  return n.setResult(createInferred<OpTy>(n.builder(), n.loc(), *n.input(0),
                                          *n.input(1),
                                          n.builder().getI64IntegerAttr(*axis)));
}

mlir::LogicalResult importGatherND(NodeImporter &n) {
  auto batch = n.intAttr("batch_dims", 0);
  if (mlir::failed(n.inputType(0)) || mlir::failed(checkIndices(n, 1)) ||
      mlir::failed(batch))
    return mlir::failure();
  return n.setResult(createInferred<GatherNDOp>(
      n.builder(), n.loc(), *n.input(0), *n.input(1),
      n.builder().getI64IntegerAttr(*batch)));
}

mlir::LogicalResult importScatterElements(NodeImporter &n) {
  auto data = n.inputType(0);
  auto reduction = n.stringAttr("reduction", std::string("none"));
  if (mlir::failed(data) || mlir::failed(checkIndices(n, 1)) ||
      mlir::failed(n.input(2)) || mlir::failed(reduction))
    return mlir::failure();
  auto axis = axisAttr(n, "axis", 0, data->getRank());
  if (mlir::failed(axis))
    return mlir::failure();
  return n.setResult(createInferred<ScatterElementsOp>(
      n.builder(), n.loc(), *n.input(0), *n.input(1), *n.input(2),
      n.builder().getI64IntegerAttr(*axis),
      n.builder().getStringAttr(*reduction)));
}

mlir::LogicalResult importScatterND(NodeImporter &n) {
  auto reduction = n.stringAttr("reduction", std::string("none"));
  if (mlir::failed(n.inputType(0)) || mlir::failed(checkIndices(n, 1)) ||
      mlir::failed(n.input(2)) || mlir::failed(reduction))
    return mlir::failure();
  return n.setResult(createInferred<ScatterNDOp>(
      n.builder(), n.loc(), *n.input(0), *n.input(1), *n.input(2),
      n.builder().getStringAttr(*reduction)));
}

mlir::LogicalResult importOneHot(NodeImporter &n) {
  auto indices = n.inputType(0);
  auto depth = n.constantScalar(1);
  if (mlir::failed(indices) || mlir::failed(depth) || mlir::failed(n.input(2)))
    return mlir::failure();
  // ONNX casts a non-integer depth to int64.
  int64_t depthValue = static_cast<int64_t>(std::trunc(*depth));
  if (depthValue < 1)
    return n.emitError() << "depth must be >= 1, got " << *depth;
  auto axis = axisAttr(n, "axis", -1, indices->getRank() + 1);
  if (mlir::failed(axis))
    return mlir::failure();
  return n.setResult(createInferred<OneHotOp>(
      n.builder(), n.loc(), *n.input(0), *n.input(2),
      n.builder().getI64IntegerAttr(depthValue),
      n.builder().getI64IntegerAttr(*axis)));
}

/// Resize, and Upsample (before opset 10). Before opset 11, Resize and
/// Upsample map output index `o` to input coordinate `o / scale`
/// (asymmetric) and nearest takes its floor. ONNX's version converter turns
/// an Upsample into a Resize that keeps `mode` and `scales` only and adds
/// no attributes going from Resize 10 to 11, so the opset-11 defaults
/// (half_pixel, round_prefer_floor) would apply: the importer supplies the
/// old semantics for every Resize of a model from before opset 11 (in one
/// from before opset 10, every Resize is a converted Upsample).
mlir::LogicalResult importResize(NodeImporter &n) {
  int64_t source = n.sourceOpset();
  bool before11 = source > 0 && source < 11,
       upsample = source > 0 && source < 10;
  auto input = n.inputType(0);
  auto mode = n.stringAttr("mode", std::string("nearest"));
  auto transform = n.stringAttr(
      "coordinate_transformation_mode",
      std::string(before11 ? "asymmetric" : "half_pixel"));
  auto nearestMode = n.stringAttr(
      "nearest_mode", std::string(before11 ? "floor" : "round_prefer_floor"));
  auto cubicA = n.floatAttr("cubic_coeff_a", -0.75f);
  auto exclude = n.intAttr("exclude_outside", 0);
  auto extrapolation = n.floatAttr("extrapolation_value", 0.0f);
  if (mlir::failed(input) || mlir::failed(mode) || mlir::failed(transform) ||
      mlir::failed(nearestMode) || mlir::failed(cubicA) ||
      mlir::failed(exclude) || mlir::failed(extrapolation))
    return mlir::failure();
  int64_t rank = input->getRank();
  llvm::ArrayRef<int64_t> inShape = input->getShape();

  // roi/scales/sizes are read as constants, never looked up as values: an
  // op for them would be dead. Only tf_crop_and_resize reads roi; opset 11
  // and 12 models mark an unused scales input with an empty tensor.
  llvm::SmallVector<double> roi, scales;
  if (*transform == "tf_crop_and_resize") {
    auto values = n.constantFloats(1);
    if (mlir::failed(values))
      return mlir::failure();
    roi = *values;
    if (static_cast<int64_t>(roi.size()) != 2 * rank)
      return n.emitError() << "roi needs " << 2 * rank << " entries, got "
                           << roi.size();
  }
  if (n.hasInput(2)) {
    auto values = n.constantFloats(2);
    if (mlir::failed(values))
      return mlir::failure();
    scales = *values;
  }
  if (upsample) {
    if (*mode != "nearest" && *mode != "linear")
      return n.emitError() << "Upsample mode '" << *mode
                           << "' is not one of nearest, linear";
    for (auto [i, scale] : llvm::enumerate(scales))
      if (scale < 1.0)
        return n.emitError() << "Upsample scale " << scale << " of dim " << i
                             << " must be >= 1";
  }
  bool hasScales = !scales.empty(), hasSizes = n.hasInput(3);
  if (hasScales == hasSizes)
    return n.emitError() << "expects exactly one of the 'scales' and 'sizes' "
                            "inputs";
  llvm::SmallVector<int64_t> outShape;
  if (hasScales) {
    if (static_cast<int64_t>(scales.size()) != rank)
      return n.emitError() << "scales needs " << rank << " entries, got "
                           << scales.size();
    for (int64_t i = 0; i < rank; ++i) {
      if (!(scales[i] > 0.0))
        return n.emitError() << "scale " << scales[i] << " of dim " << i
                             << " must be positive";
      outShape.push_back(static_cast<int64_t>(
          std::floor(static_cast<double>(inShape[i]) * scales[i])));
    }
  } else {
    auto values = n.constantInts(3);
    if (mlir::failed(values))
      return mlir::failure();
    outShape = *values;
    if (static_cast<int64_t>(outShape.size()) != rank)
      return n.emitError() << "sizes needs " << rank << " entries, got "
                           << outShape.size();
    for (int64_t i = 0; i < rank; ++i)
      scales.push_back(static_cast<double>(outShape[i]) /
                       static_cast<double>(inShape[i]));
  }
  if (llvm::any_of(outShape, [](int64_t d) { return d < 1; }))
    return n.emitError() << "output shape " << formatShape(outShape)
                         << " has an empty dim";
  if (*mode != "nearest" && !mlir::isa<mlir::FloatType>(input->getElementType()))
    return n.emitError() << "mode '" << *mode << "' needs float elements, got "
                         << input->getElementType();

  mlir::OpBuilder &b = n.builder();
  auto op = b.create<ResizeOp>(
      n.loc(), mlir::RankedTensorType::get(outShape, input->getElementType()),
      *n.input(0), b.getStringAttr(*mode), b.getStringAttr(*transform),
      b.getStringAttr(*nearestMode), b.getF64FloatAttr(*cubicA),
      b.getBoolAttr(*exclude != 0), b.getF64FloatAttr(*extrapolation),
      b.getDenseF64ArrayAttr(scales), b.getDenseF64ArrayAttr(roi));
  return n.setResult(op.getResult());
}

std::optional<std::string> checkScatter(const ::onnx::NodeProto &node) {
  return checkAttrValue(node, "reduction", {"none", "add", "mul"});
}

std::optional<std::string> checkResize(const ::onnx::NodeProto &node) {
  if (auto why = checkAttrValue(node, "mode", {"nearest", "linear", "cubic"}))
    return why;
  if (auto why = checkAttrValue(
          node, "coordinate_transformation_mode",
          {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
           "tf_half_pixel_for_nn", "tf_crop_and_resize"}))
    return why;
  return checkAttrValue(
      node, "nearest_mode",
      {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"});
}

} // namespace

void registerIndexingOps(OpRegistry &registry) {
  registry.add({"Gather", {"axis"}, importAxisGather<GatherOp>});
  registry.add(
      {"GatherElements", {"axis"}, importAxisGather<GatherElementsOp>});
  registry.add({"GatherND", {"batch_dims"}, importGatherND});
  registry.add({"ScatterElements", {"axis", "reduction"},
                importScatterElements, checkScatter});
  registry.add({"ScatterND", {"reduction"}, importScatterND, checkScatter});
  registry.add({"OneHot", {"axis"}, importOneHot});
  registry.add({"Resize",
                {"coordinate_transformation_mode", "cubic_coeff_a",
                 "exclude_outside", "extrapolation_value", "mode",
                 "nearest_mode"},
                importResize, checkResize});
  // Listed so that `kiln ops` names it: the loader's version conversion
  // turns every Upsample (deprecated since opset 10, so only in models
  // before it) into a Resize, which importResize gives Upsample's semantics.
  registry.add({"Upsample", {"mode", "scales"}, [](NodeImporter &n) {
                  return mlir::LogicalResult(
                      n.emitError() << "Upsample is deprecated since opset "
                                       "10; kiln imports it from models "
                                       "before opset 10 only");
                }});
}

} // namespace kiln::onnx
