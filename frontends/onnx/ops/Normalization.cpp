//===- Normalization.cpp - Import normalisation ops ----------------------===//
//
// BatchNormalization (inference and training mode), InstanceNormalization,
// LayerNormalization, MeanVarianceNormalization, LRN and Dropout (without
// randomness). Softmax and LogSoftmax are in Reduction.cpp.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"
#include "ir/Shapes.h"

#include <algorithm>

namespace kiln::onnx {
namespace {

/// Builds \p OpTy with \p numResults results whose types come from the op's
/// shape rule (createInferred() for multi-result ops).
template <typename OpTy, typename... Args>
mlir::FailureOr<OpTy> createInferredResults(mlir::OpBuilder &b,
                                            mlir::Location loc,
                                            unsigned numResults,
                                            Args &&...args) {
  mlir::Type placeholder = mlir::UnrankedTensorType::get(b.getF32Type());
  llvm::SmallVector<mlir::Type> types(numResults, placeholder);
  auto op = b.create<OpTy>(loc, mlir::TypeRange(types),
                           std::forward<Args>(args)...);
  llvm::SmallVector<mlir::Type> inferred;
  if (mlir::failed(OpTy::inferReturnTypes(b.getContext(), loc,
                                          typename OpTy::Adaptor(op),
                                          inferred))) {
    op->erase();
    return mlir::failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), inferred))
    result.setType(type);
  return op;
}

/// \returns the node's first \p count inputs, or failure if one is absent.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> inputs(NodeImporter &n,
                                                       size_t count) {
  llvm::SmallVector<mlir::Value> values;
  for (size_t i = 0; i < count; ++i) {
    auto value = n.input(i);
    if (mlir::failed(value))
      return mlir::failure();
    values.push_back(*value);
  }
  return values;
}

mlir::LogicalResult importBatchNorm(NodeImporter &n) {
  auto operands = inputs(n, 5);
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  auto momentum = n.floatAttr("momentum", 0.9f);
  auto training = n.intAttr("training_mode", 0);
  if (mlir::failed(operands) || mlir::failed(epsilon) ||
      mlir::failed(momentum) || mlir::failed(training))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  auto &v = *operands;
  if (*training != 0) {
    auto op = createInferredResults<BatchNormTrainingOp>(
        b, n.loc(), 3, v[0], v[1], v[2], v[3], v[4],
        b.getF32FloatAttr(*epsilon), b.getF32FloatAttr(*momentum));
    if (mlir::failed(op))
      return mlir::failure();
    return n.setResults(op->getResults());
  }
  return n.setResult(createInferred<BatchNormOp>(
      b, n.loc(), v[0], v[1], v[2], v[3], v[4], b.getF32FloatAttr(*epsilon)));
}

mlir::LogicalResult importInstanceNorm(NodeImporter &n) {
  auto operands = inputs(n, 3);
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  if (mlir::failed(operands) || mlir::failed(epsilon))
    return mlir::failure();
  auto &v = *operands;
  return n.setResult(createInferred<InstanceNormOp>(
      n.builder(), n.loc(), v[0], v[1], v[2],
      n.builder().getF32FloatAttr(*epsilon)));
}

mlir::LogicalResult importLayerNorm(NodeImporter &n) {
  auto type = n.inputType(0);
  auto operands = inputs(n, 2);
  auto axis = n.intAttr("axis", -1);
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  auto stash = n.intAttr("stash_type", 1);
  if (mlir::failed(type) || mlir::failed(operands) || mlir::failed(axis) ||
      mlir::failed(epsilon) || mlir::failed(stash))
    return mlir::failure();
  auto normalized = n.normalizeAxis(*axis, type->getRank());
  if (mlir::failed(normalized))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  auto op = createInferredResults<LayerNormOp>(
      b, n.loc(), 3, (*operands)[0], (*operands)[1], n.optionalInput(2),
      b.getI64IntegerAttr(*normalized), b.getF32FloatAttr(*epsilon),
      b.getI64IntegerAttr(*stash));
  if (mlir::failed(op))
    return mlir::failure();
  return n.setResults(op->getResults());
}

mlir::LogicalResult importMeanVarianceNorm(NodeImporter &n) {
  auto type = n.inputType(0);
  if (mlir::failed(type))
    return mlir::failure();
  auto axes = n.intsAttr("axes", llvm::SmallVector<int64_t>{0, 2, 3});
  if (mlir::failed(axes))
    return mlir::failure();
  llvm::SmallVector<int64_t> normalized;
  for (int64_t axis : *axes) {
    auto a = n.normalizeAxis(axis, type->getRank());
    if (mlir::failed(a))
      return mlir::failure();
    normalized.push_back(*a);
  }
  llvm::sort(normalized);
  if (std::adjacent_find(normalized.begin(), normalized.end()) !=
      normalized.end())
    return n.emitError() << "axes " << formatShape(*axes)
                         << " name a dim twice";
  return n.setResult(createInferred<MeanVarianceNormOp>(
      n.builder(), n.loc(), *n.input(0),
      n.builder().getDenseI64ArrayAttr(normalized)));
}

mlir::LogicalResult importLRN(NodeImporter &n) {
  auto alpha = n.floatAttr("alpha", 1e-4f);
  auto beta = n.floatAttr("beta", 0.75f);
  auto bias = n.floatAttr("bias", 1.0f);
  auto size = n.intAttr("size", std::nullopt);
  auto x = n.input(0);
  if (mlir::failed(alpha) || mlir::failed(beta) || mlir::failed(bias) ||
      mlir::failed(size) || mlir::failed(x))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<LRNOp>(
      b, n.loc(), *x, b.getF32FloatAttr(*alpha), b.getF32FloatAttr(*beta),
      b.getF32FloatAttr(*bias), b.getI64IntegerAttr(*size)));
}

/// Dropout without randomness: in inference (no or a false training_mode)
/// and in training with ratio 0, the output is the input and the mask is
/// all true. Training with another ratio draws random masks, which a
/// compiled model cannot reproduce: it is rejected. training_mode may be a
/// run-time value when the ratio is a compile-time 0, since then both modes
/// compute the same; with any other ratio kiln would have to decide at
/// compile time, so it rejects that too.
mlir::LogicalResult importDropout(NodeImporter &n) {
  auto type = n.inputType(0);
  auto x = n.input(0);
  if (mlir::failed(type) || mlir::failed(x))
    return mlir::failure();
  if (n.hasInput(2)) {
    // training_mode: known false, known true, or decided at run time.
    bool runtime = !n.constantInput(2);
    double training = 1.0;
    if (!runtime) {
      auto given = n.constantScalar(2);
      if (mlir::failed(given))
        return mlir::failure();
      training = *given;
    }
    if (training != 0.0) {
      llvm::StringRef mode =
          runtime ? "run-time training_mode" : "training_mode";
      if (!n.hasInput(1))
        return n.emitError() << mode << " with the default ratio 0.5 "
                                "draws a random mask: not supported";
      if (!n.constantInput(1))
        return n.emitError()
               << "input 1 ('" << n.node().input(1) << "') must be a "
               << "compile-time constant ratio with " << mode
               << ": only ratio 0 is supported in training (other ratios "
                  "draw a random mask)";
      auto ratio = n.constantScalar(1);
      if (mlir::failed(ratio))
        return mlir::failure();
      if (*ratio != 0.0)
        return n.emitError() << mode << " with ratio " << *ratio
                             << " draws a random mask: not supported";
    }
  }
  llvm::SmallVector<mlir::Value, 2> results = {*x};
  if (n.node().output_size() > 1 && !n.node().output(1).empty()) {
    mlir::OpBuilder &b = n.builder();
    auto maskType = mlir::RankedTensorType::get(type->getShape(), b.getI1Type());
    results.push_back(b.create<ConstantOp>(
        n.loc(), mlir::DenseElementsAttr::get(maskType, true)));
  }
  return n.setResults(results);
}

} // namespace

void registerNormalizationOps(OpRegistry &registry) {
  registry.add({"BatchNormalization",
                {"epsilon", "momentum", "training_mode"},
                importBatchNorm,
                [](const ::onnx::NodeProto &node) -> std::optional<std::string> {
                  bool training = false;
                  for (const auto &attr : node.attribute())
                    if (attr.name() == "training_mode")
                      training = attr.i() != 0;
                  if (!training)
                    for (int i = 1; i < node.output_size(); ++i)
                      if (!node.output(i).empty())
                        return "output " + std::to_string(i + 1) +
                               " (running statistics) of BatchNormalization "
                               "without training_mode";
                  return std::nullopt;
                },
                ElementTypes::Float});
  registry.add({"InstanceNormalization", {"epsilon"}, importInstanceNorm,
                /*check=*/nullptr, ElementTypes::Float});
  registry.add({"LayerNormalization", {"axis", "epsilon", "stash_type"},
                importLayerNorm,
                [](const ::onnx::NodeProto &node) {
                  return checkAttrValue(node, "stash_type", {"1"});
                },
                ElementTypes::Float});
  registry.add({"MeanVarianceNormalization", {"axes"}, importMeanVarianceNorm,
                /*check=*/nullptr, ElementTypes::Float});
  registry.add({"LRN", {"alpha", "beta", "bias", "size"}, importLRN,
                /*check=*/nullptr, ElementTypes::Float});
  registry.add({"Dropout", {"seed"}, importDropout, /*check=*/nullptr,
                ElementTypes::Float});
}

} // namespace kiln::onnx
