//===- Reduction.cpp - Import ONNX reductions, top-k, softmax, losses -----===//
//
// ReduceSum ... ReduceSumSquare, ArgMax/ArgMin, CumSum, TopK, Softmax,
// LogSoftmax, Hardmax, NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
// Shape-deciding inputs (ReduceSum's axes, CumSum's axis, TopK's K) must be
// compile-time constants; they become attributes of the kiln ops.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

#include "llvm/ADT/STLExtras.h"

namespace kiln::onnx {
namespace {

/// Builds `OpTy` from generic \p operands and \p attrs with the result types
/// its shape inference computes (any number of results); like
/// createInferred(), emits the diagnostic at \p loc and fails instead of
/// aborting.
template <typename OpTy>
mlir::FailureOr<OpTy>
createInferredOp(mlir::OpBuilder &builder, mlir::Location loc,
                 size_t numResults, mlir::ValueRange operands,
                 llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  mlir::Type placeholder = mlir::UnrankedTensorType::get(builder.getF32Type());
  llvm::SmallVector<mlir::Type> placeholders(numResults, placeholder);
  auto op = builder.create<OpTy>(loc, placeholders, operands, attrs);
  llvm::SmallVector<mlir::Type, 2> inferred;
  if (mlir::failed(OpTy::inferReturnTypes(builder.getContext(), loc,
                                          typename OpTy::Adaptor(op),
                                          inferred))) {
    op->erase();
    return mlir::failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), inferred))
    result.setType(type);
  return op;
}

/// \returns the single value of constant input \p index (CumSum's axis,
/// TopK's K).
mlir::FailureOr<int64_t> constantInt(NodeImporter &n, size_t index,
                                     llvm::StringRef what) {
  auto values = n.constantInts(index);
  if (mlir::failed(values))
    return mlir::failure();
  if (values->size() != 1)
    return n.emitError() << what << " must have exactly one element, got "
                         << values->size();
  return values->front();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// A reduction whose axes come from input 1 (ReduceSum, opset 13+) or from
/// the `axes` attribute (the others up to opset 17).
template <typename OpTy>
OpImporter reduce(const char *opType, bool axesInput, ElementTypes types) {
  std::vector<std::string> attributes = {"keepdims"};
  attributes.push_back(axesInput ? "noop_with_empty_axes" : "axes");
  return {opType, attributes,
          [axesInput](NodeImporter &n) -> mlir::LogicalResult {
            auto type = n.inputType(0);
            auto keepdims = n.intAttr("keepdims", 1);
            auto noop = n.intAttr("noop_with_empty_axes", 0);
            if (mlir::failed(type) || mlir::failed(keepdims) ||
                mlir::failed(noop))
              return mlir::failure();
            mlir::FailureOr<llvm::SmallVector<int64_t>> axes =
                llvm::SmallVector<int64_t>();
            if (axesInput && n.hasInput(1))
              axes = n.constantInts(1);
            else if (!axesInput)
              axes = n.intsAttr("axes", llvm::SmallVector<int64_t>());
            if (mlir::failed(axes))
              return mlir::failure();
            int64_t rank = type->getRank();
            llvm::SmallVector<int64_t> normalized;
            if (axes->empty()) {
              // ONNX: no axes reduces over every dim, unless the node asks
              // for a no-op.
              if (*noop)
                return n.setResult(*n.input(0));
              for (int64_t i = 0; i < rank; ++i)
                normalized.push_back(i);
            }
            for (int64_t axis : *axes) {
              auto a = n.normalizeAxis(axis, rank);
              if (mlir::failed(a))
                return mlir::failure();
              if (llvm::is_contained(normalized, *a))
                return n.emitError() << "axis " << axis << " is repeated";
              normalized.push_back(*a);
            }
            llvm::sort(normalized);
            mlir::OpBuilder &b = n.builder();
            return n.setResult(createInferred<OpTy>(
                b, n.loc(), *n.input(0), b.getDenseI64ArrayAttr(normalized),
                b.getBoolAttr(*keepdims != 0)));
          },
          /*check=*/nullptr, types};
}

template <typename OpTy>
OpImporter argReduce(const char *opType) {
  return {opType,
          {"axis", "keepdims", "select_last_index"},
          [](NodeImporter &n) -> mlir::LogicalResult {
            auto type = n.inputType(0);
            auto axis = n.intAttr("axis", 0);
            auto keepdims = n.intAttr("keepdims", 1);
            auto last = n.intAttr("select_last_index", 0);
            if (mlir::failed(type) || mlir::failed(axis) ||
                mlir::failed(keepdims) || mlir::failed(last))
              return mlir::failure();
            auto normalized = n.normalizeAxis(*axis, type->getRank());
            if (mlir::failed(normalized))
              return mlir::failure();
            mlir::OpBuilder &b = n.builder();
            return n.setResult(createInferred<OpTy>(
                b, n.loc(), *n.input(0), b.getI64IntegerAttr(*normalized),
                b.getBoolAttr(*keepdims != 0), b.getBoolAttr(*last != 0)));
          },
          /*check=*/nullptr, ElementTypes::FloatOrSigned};
}

mlir::LogicalResult importCumSum(NodeImporter &n) {
  auto type = n.inputType(0);
  auto exclusive = n.intAttr("exclusive", 0);
  auto reverse = n.intAttr("reverse", 0);
  if (mlir::failed(type) || mlir::failed(exclusive) || mlir::failed(reverse))
    return mlir::failure();
  auto axis = constantInt(n, 1, "CumSum axis");
  if (mlir::failed(axis))
    return mlir::failure();
  auto normalized = n.normalizeAxis(*axis, type->getRank());
  if (mlir::failed(normalized))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  return n.setResult(createInferred<CumSumOp>(
      b, n.loc(), *n.input(0), b.getI64IntegerAttr(*normalized),
      b.getBoolAttr(*exclusive != 0), b.getBoolAttr(*reverse != 0)));
}

mlir::LogicalResult importTopK(NodeImporter &n) {
  auto type = n.inputType(0);
  auto axis = n.intAttr("axis", -1);
  auto largest = n.intAttr("largest", 1);
  auto sorted = n.intAttr("sorted", 1);
  if (mlir::failed(type) || mlir::failed(axis) || mlir::failed(largest) ||
      mlir::failed(sorted))
    return mlir::failure();
  auto k = constantInt(n, 1, "TopK K");
  if (mlir::failed(k))
    return mlir::failure();
  auto normalized = n.normalizeAxis(*axis, type->getRank());
  if (mlir::failed(normalized))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  auto op = createInferredOp<TopKOp>(
      b, n.loc(), 2, *n.input(0),
      {b.getNamedAttr("k", b.getI64IntegerAttr(*k)),
       b.getNamedAttr("axis", b.getI64IntegerAttr(*normalized)),
       b.getNamedAttr("largest", b.getBoolAttr(*largest != 0)),
       b.getNamedAttr("sorted", b.getBoolAttr(*sorted != 0))});
  if (mlir::failed(op))
    return mlir::failure();
  return n.setResults(op->getResults());
}

//===----------------------------------------------------------------------===//
// Softmax variants
//===----------------------------------------------------------------------===//

template <typename OpTy>
OpImporter softmaxLike(const char *opType) {
  return {opType, {"axis"}, [](NodeImporter &n) -> mlir::LogicalResult {
            auto type = n.inputType(0);
            auto axis = n.intAttr("axis", -1);
            if (mlir::failed(type) || mlir::failed(axis))
              return mlir::failure();
            auto normalized = n.normalizeAxis(*axis, type->getRank());
            if (mlir::failed(normalized))
              return mlir::failure();
            return n.setResult(createInferred<OpTy>(
                n.builder(), n.loc(), *n.input(0),
                n.builder().getI64IntegerAttr(*normalized)));
          },
          /*check=*/nullptr,
          ElementTypes::Float};
}

/// Hardmax. Before opset 13 it worked on the input coerced to 2-D at
/// `axis` (all dims from `axis` on form one row); ONNX's version converter
/// adapts Softmax and LogSoftmax to that but leaves Hardmax alone, so the
/// importer does it: flatten, hardmax over the row, reshape back.
mlir::LogicalResult importHardmax(NodeImporter &n) {
  auto type = n.inputType(0);
  bool before13 = n.sourceOpset() > 0 && n.sourceOpset() < 13;
  auto axis = n.intAttr("axis", before13 ? 1 : -1);
  if (mlir::failed(type) || mlir::failed(axis))
    return mlir::failure();
  auto normalized = n.normalizeAxis(*axis, type->getRank());
  if (mlir::failed(normalized))
    return mlir::failure();
  mlir::OpBuilder &b = n.builder();
  bool coerce = before13 && *normalized != type->getRank() - 1;
  if (!coerce)
    return n.setResult(createInferred<HardmaxOp>(
        b, n.loc(), *n.input(0), b.getI64IntegerAttr(*normalized)));
  auto flat = createInferred<FlattenOp>(b, n.loc(), *n.input(0),
                                        b.getI64IntegerAttr(*normalized));
  if (mlir::failed(flat))
    return mlir::failure();
  auto hardmax = createInferred<HardmaxOp>(b, n.loc(), flat->getResult(),
                                           b.getI64IntegerAttr(1));
  if (mlir::failed(hardmax))
    return mlir::failure();
  return n.setResult(
      b.create<ReshapeOp>(n.loc(), *type, hardmax->getResult()).getResult());
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

std::optional<std::string> checkReduction(const ::onnx::NodeProto &node) {
  return checkAttrValue(node, "reduction", {"none", "sum", "mean"});
}

/// NegativeLogLikelihoodLoss (1 output) and SoftmaxCrossEntropyLoss (loss
/// and the optional log_prob).
template <typename OpTy>
OpImporter loss(const char *opType, size_t numResults) {
  return {opType,
          {"reduction", "ignore_index"},
          [numResults](NodeImporter &n) -> mlir::LogicalResult {
            auto input = n.input(0), target = n.input(1);
            auto reduction = n.stringAttr("reduction", std::string("mean"));
            if (mlir::failed(input) || mlir::failed(target) ||
                mlir::failed(reduction))
              return mlir::failure();
            mlir::OpBuilder &b = n.builder();
            llvm::SmallVector<mlir::NamedAttribute> attrs = {
                b.getNamedAttr("reduction", b.getStringAttr(*reduction))};
            if (n.hasAttr("ignore_index")) {
              auto ignore = n.intAttr("ignore_index", std::nullopt);
              if (mlir::failed(ignore))
                return mlir::failure();
              attrs.push_back(b.getNamedAttr("ignore_index",
                                             b.getI64IntegerAttr(*ignore)));
            }
            llvm::SmallVector<mlir::Value, 3> operands = {*input, *target};
            if (mlir::Value weight = n.optionalInput(2))
              operands.push_back(weight);
            auto op =
                createInferredOp<OpTy>(b, n.loc(), numResults, operands, attrs);
            if (mlir::failed(op))
              return mlir::failure();
            return n.setResults((*op)->getResults());
          },
          checkReduction, ElementTypes::Float};
}

} // namespace

void registerReductionOps(OpRegistry &registry) {
  using T = ElementTypes;
  registry.add(reduce<ReduceSumOp>("ReduceSum", true, T::FloatOrSigned));
  registry.add(reduce<ReduceMeanOp>("ReduceMean", false, T::FloatOrSigned));
  registry.add(reduce<ReduceMaxOp>("ReduceMax", false, T::FloatOrSigned));
  registry.add(reduce<ReduceMinOp>("ReduceMin", false, T::FloatOrSigned));
  registry.add(reduce<ReduceProdOp>("ReduceProd", false, T::FloatOrSigned));
  registry.add(reduce<ReduceL1Op>("ReduceL1", false, T::FloatOrSigned));
  registry.add(reduce<ReduceL2Op>("ReduceL2", false, T::Float));
  registry.add(reduce<ReduceLogSumOp>("ReduceLogSum", false, T::Float));
  registry.add(reduce<ReduceLogSumExpOp>("ReduceLogSumExp", false, T::Float));
  registry.add(
      reduce<ReduceSumSquareOp>("ReduceSumSquare", false, T::FloatOrSigned));
  registry.add(argReduce<ArgMaxOp>("ArgMax"));
  registry.add(argReduce<ArgMinOp>("ArgMin"));
  registry.add({"CumSum", {"exclusive", "reverse"}, importCumSum,
                /*check=*/nullptr, T::FloatOrSigned});
  registry.add({"TopK", {"axis", "largest", "sorted"}, importTopK,
                /*check=*/nullptr, T::FloatOrSigned});
  registry.add(softmaxLike<SoftmaxOp>("Softmax"));
  registry.add(softmaxLike<LogSoftmaxOp>("LogSoftmax"));
  registry.add({"Hardmax", {"axis"}, importHardmax, /*check=*/nullptr,
                T::Float});
  registry.add(loss<NllLossOp>("NegativeLogLikelihoodLoss", 1));
  registry.add(loss<SoftmaxCrossEntropyLossOp>("SoftmaxCrossEntropyLoss", 2));
}

} // namespace kiln::onnx
