//===- KilnOps.cpp - Shape rules, verifiers and folders of kiln ops -------===//
//
// Each op's shape rule is one infer function below; `inferReturnTypes`
// (generated from KilnOps.td) forwards to it, so builders, the parser and the
// verifier share one implementation and one set of messages. Messages start
// with the op name so they read like `emitOpError` output.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"
#include "ir/Einsum.h"
#include "ir/ShapeRules.h"
#include "ir/Shapes.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;

namespace kiln {
namespace {

/// Shared rule of sliding-window ops on [N, C, D1, ...] inputs: the output
/// is [N, channels, O1, ...] with Oi from windowOutputSize.
LogicalResult inferWindow(std::optional<Location> loc, StringRef opName,
                          RankedTensorType input, int64_t channels,
                          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                          bool ceilMode, SmallVectorImpl<Type> &inferred) {
  int64_t spatial = input.getRank() - 2;
  if (failed(checkArray(loc, opName, "strides", strides, spatial, 1)) ||
      failed(checkArray(loc, opName, "pads", pads, 2 * spatial, 0)) ||
      failed(checkArray(loc, opName, "dilations", dilations, spatial, 1)))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), channels};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(i + 2);
    int64_t out = windowOutputSize(in, kernel[i], strides[i], pads[i],
                                   pads[spatial + i], dilations[i], ceilMode);
    if (out < 1)
      return opError(loc, opName, "window of size ", kernel[i],
                     " (dilation ", dilations[i], ") does not fit spatial dim ",
                     i, " of size ", in, " with pads ", pads[i], "+",
                     pads[spatial + i]);
    shape.push_back(out);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Shape rules
//===----------------------------------------------------------------------===//

template <typename Adaptor>
LogicalResult inferBroadcastBinary(std::optional<Location> loc,
                                   StringRef opName, Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  auto lhs = rankedType(loc, opName, adaptor.getLhs(), "lhs");
  auto rhs = rankedType(loc, opName, adaptor.getRhs(), "rhs");
  if (failed(lhs) || failed(rhs))
    return failure();
  auto shape = broadcastShapes(lhs->getShape(), rhs->getShape());
  if (!shape)
    return opError(loc, opName, "operand shapes ",
                   formatShape(lhs->getShape()), " and ",
                   formatShape(rhs->getShape()),
                   " are not broadcast-compatible");
  inferred.push_back(RankedTensorType::get(*shape, lhs->getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferSameAsInput(std::optional<Location> loc, StringRef opName,
                               Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

template <typename Adaptor>
LogicalResult inferSoftmaxLike(std::optional<Location> loc, StringRef opName,
                               Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  // The custom parser infers the result type before it moves the attribute
  // dictionary into properties, so `axis` may still be in the dictionary.
  IntegerAttr axisAttr = adaptor.getProperties().axis;
  if (!axisAttr && adaptor.getAttributes())
    axisAttr =
        dyn_cast_or_null<IntegerAttr>(adaptor.getAttributes().get("axis"));
  if (!axisAttr)
    return opError(loc, opName, "requires attribute 'axis'");
  int64_t axis = axisAttr.getInt();
  if (axis < 0 || axis >= std::max<int64_t>(input->getRank(), 1))
    return opError(loc, opName, "axis ", axis, " is out of range for rank ",
                   input->getRank());
  inferred.push_back(*input);
  return success();
}

LogicalResult inferMatMul(std::optional<Location> loc, StringRef opName,
                          MatMulOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &inferred) {
  auto lhs = rankedType(loc, opName, adaptor.getLhs(), "lhs");
  auto rhs = rankedType(loc, opName, adaptor.getRhs(), "rhs");
  if (failed(lhs) || failed(rhs))
    return failure();
  if (lhs->getRank() == 0 || rhs->getRank() == 0)
    return opError(loc, opName, "operands must have rank >= 1");
  // 1-D operands are promoted to matrices; the added dim is dropped after.
  SmallVector<int64_t> a(lhs->getShape()), b(rhs->getShape());
  bool vectorLhs = a.size() == 1, vectorRhs = b.size() == 1;
  if (vectorLhs)
    a.insert(a.begin(), 1);
  if (vectorRhs)
    b.push_back(1);
  int64_t m = a[a.size() - 2], k = a.back();
  int64_t kRhs = b[b.size() - 2], n = b.back();
  if (k != kRhs)
    return opError(loc, opName, "contraction dims differ: lhs ",
                   formatShape(lhs->getShape()), " has ", k, ", rhs ",
                   formatShape(rhs->getShape()), " has ", kRhs);
  auto batch = broadcastShapes(ArrayRef(a).drop_back(2),
                               ArrayRef(b).drop_back(2));
  if (!batch)
    return opError(loc, opName, "batch dims of ", formatShape(lhs->getShape()),
                   " and ", formatShape(rhs->getShape()),
                   " are not broadcast-compatible");
  SmallVector<int64_t> shape = *batch;
  if (!vectorLhs)
    shape.push_back(m);
  if (!vectorRhs)
    shape.push_back(n);
  inferred.push_back(RankedTensorType::get(shape, lhs->getElementType()));
  return success();
}

LogicalResult inferGemm(std::optional<Location> loc, StringRef opName,
                        GemmOp::Adaptor adaptor,
                        SmallVectorImpl<Type> &inferred) {
  auto a = rankedType(loc, opName, adaptor.getA(), "A");
  auto b = rankedType(loc, opName, adaptor.getB(), "B");
  if (failed(a) || failed(b))
    return failure();
  if (a->getRank() != 2 || b->getRank() != 2)
    return opError(loc, opName, "A and B must be matrices, got ",
                   formatShape(a->getShape()), " and ",
                   formatShape(b->getShape()));
  bool transA = adaptor.getTransA(), transB = adaptor.getTransB();
  int64_t m = a->getDimSize(transA ? 1 : 0), k = a->getDimSize(transA ? 0 : 1);
  int64_t kb = b->getDimSize(transB ? 1 : 0), n = b->getDimSize(transB ? 0 : 1);
  if (k != kb)
    return opError(loc, opName, "contraction dims differ: op(A) is [", m, ", ",
                   k, "], op(B) is [", kb, ", ", n, "]");
  if (a->getElementType() != b->getElementType())
    return opError(loc, opName, "A and B element types differ");
  if (Value c = adaptor.getC()) {
    auto cType = rankedType(loc, opName, c, "C");
    if (failed(cType) ||
        failed(checkElementType(loc, opName, "C", *cType, "A", *a)))
      return failure();
    if (!broadcastsTo(cType->getShape(), {m, n}))
      return opError(loc, opName, "C of shape ", formatShape(cType->getShape()),
                     " does not broadcast to [", m, ", ", n, "]");
  }
  inferred.push_back(RankedTensorType::get({m, n}, a->getElementType()));
  return success();
}

LogicalResult inferEinsum(std::optional<Location> loc, StringRef opName,
                          EinsumOp::Adaptor adaptor,
                          SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return opError(loc, opName, "needs at least one operand");
  SmallVector<RankedTensorType> types;
  SmallVector<int64_t> ranks;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    auto type = rankedType(loc, opName, input, "operand " + std::to_string(i));
    if (failed(type))
      return failure();
    if (i > 0 && failed(checkElementType(loc, opName,
                                         "operand " + std::to_string(i), *type,
                                         "operand 0", types.front())))
      return failure();
    types.push_back(*type);
    ranks.push_back(type->getRank());
  }
  for (RankedTensorType type : types)
    shapes.push_back(type.getShape());
  // The parser may infer the result type before it moves the attribute
  // dictionary into properties (see inferSoftmaxLike).
  StringAttr equationAttr = adaptor.getProperties().equation;
  if (!equationAttr && adaptor.getAttributes())
    equationAttr =
        dyn_cast_or_null<StringAttr>(adaptor.getAttributes().get("equation"));
  if (!equationAttr)
    return opError(loc, opName, "requires attribute 'equation'");
  std::string error;
  std::optional<EinsumEquation> equation = parseEinsum(
      equationAttr.getValue(), ranks, /*requireExplicit=*/true, error);
  std::optional<std::map<char, int64_t>> sizes;
  if (equation)
    sizes = einsumLetterSizes(*equation, shapes, error);
  if (!sizes)
    return opError(loc, opName, error);
  SmallVector<int64_t> shape;
  for (char c : equation->result)
    shape.push_back(sizes->at(c));
  inferred.push_back(RankedTensorType::get(shape, types.front().getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferFlatten(std::optional<Location> loc, StringRef opName,
                           Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  int64_t axis = adaptor.getAxisAttr().getInt();
  ArrayRef<int64_t> shape = input->getShape();
  if (axis < 0 || axis > input->getRank())
    return opError(loc, opName, "axis ", axis, " is out of range for rank ",
                   input->getRank());
  inferred.push_back(RankedTensorType::get(
      {shapeProduct(shape.take_front(axis)), shapeProduct(shape.drop_front(axis))},
      input->getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferTranspose(std::optional<Location> loc, StringRef opName,
                             Adaptor adaptor,
                             SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> perm = adaptor.getPerm();
  SmallVector<bool> seen(input->getRank(), false);
  bool valid = static_cast<int64_t>(perm.size()) == input->getRank();
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= input->getRank() || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid)
    return opError(loc, opName, "perm ", formatShape(perm),
                   " is not a permutation of the ", input->getRank(),
                   " dims of ", formatShape(input->getShape()));
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(input->getDimSize(p));
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferPad(std::optional<Location> loc, StringRef opName,
                       Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  int64_t rank = input->getRank();
  ArrayRef<int64_t> pads = adaptor.getPads();
  if (failed(checkArray(loc, opName, "pads", pads, 2 * rank, 0)))
    return failure();
  StringRef mode = adaptor.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return opError(loc, opName, "mode '", mode,
                   "' is not one of constant, reflect, edge");
  if (Value value = adaptor.getDynamicValue()) {
    auto type = rankedType(loc, opName, value, "value");
    if (failed(type))
      return failure();
    if (type->getRank() > 1 || type->getNumElements() != 1)
      return opError(loc, opName, "value operand must have one element, got ",
                     *type);
    if (mode != "constant")
      return opError(loc, opName, "value operand needs mode 'constant', got '",
                     mode, "'");
    if (!adaptor.getValue().isZero())
      return opError(loc, opName,
                     "takes the value from the attribute or the operand, "
                     "not both");
  }
  SmallVector<int64_t> shape(input->getShape());
  for (int64_t i = 0; i < rank; ++i) {
    int64_t dim = shape[i], widest = std::max(pads[i], pads[rank + i]);
    if (mode == "reflect" && widest >= dim)
      return opError(loc, opName, "reflect pads ", formatShape(pads),
                     " must be smaller than dim ", i, " of size ", dim);
    if (mode == "edge" && widest > 0 && dim == 0)
      return opError(loc, opName, "edge mode cannot pad empty dim ", i);
    shape[i] += pads[i] + pads[rank + i];
  }
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

LogicalResult inferConv(std::optional<Location> loc, StringRef opName,
                        ConvOp::Adaptor adaptor,
                        SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  auto filter = rankedType(loc, opName, adaptor.getFilter(), "filter");
  if (failed(input) || failed(filter))
    return failure();
  if (input->getRank() < 3)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  if (filter->getRank() != input->getRank())
    return opError(loc, opName, "filter rank ", filter->getRank(),
                   " differs from input rank ", input->getRank());
  if (failed(checkElementType(loc, opName, "filter", *filter, "input", *input)))
    return failure();
  int64_t group = adaptor.getGroupAttr().getInt();
  int64_t channels = input->getDimSize(1), features = filter->getDimSize(0);
  if (group < 1 || channels % group != 0 || features % group != 0)
    return opError(loc, opName, "group ", group,
                   " must divide input channels ", channels,
                   " and output channels ", features);
  if (filter->getDimSize(1) != channels / group)
    return opError(loc, opName, "filter ", formatShape(filter->getShape()),
                   " expects ", filter->getDimSize(1) * group,
                   " input channels (group ", group, "), input has ", channels);
  if (Value bias = adaptor.getBias()) {
    auto biasType = rankedType(loc, opName, bias, "bias");
    if (failed(biasType) ||
        failed(checkElementType(loc, opName, "bias", *biasType, "input",
                                *input)))
      return failure();
    if (biasType->getShape() != ArrayRef<int64_t>{features})
      return opError(loc, opName, "bias must be [", features, "], got ",
                     formatShape(biasType->getShape()));
  }
  return inferWindow(loc, opName, *input, features,
                     filter->getShape().drop_front(2), adaptor.getStrides(),
                     adaptor.getPads(), adaptor.getDilations(),
                     /*ceilMode=*/false, inferred);
}

template <typename Adaptor>
LogicalResult inferPool(std::optional<Location> loc, StringRef opName,
                        Adaptor adaptor, ArrayRef<int64_t> dilations,
                        SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  if (input->getRank() < 3)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  if (failed(checkArray(loc, opName, "kernel_shape", adaptor.getKernelShape(),
                        input->getRank() - 2, 1)))
    return failure();
  return inferWindow(loc, opName, *input, input->getDimSize(1),
                     adaptor.getKernelShape(), adaptor.getStrides(),
                     adaptor.getPads(), dilations, adaptor.getCeilMode(),
                     inferred);
}

LogicalResult inferMaxPool(std::optional<Location> loc, StringRef opName,
                           MaxPoolOp::Adaptor adaptor,
                           SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, opName, adaptor, adaptor.getDilations(), inferred);
}

LogicalResult inferAveragePool(std::optional<Location> loc, StringRef opName,
                               AveragePoolOp::Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> ones(adaptor.getKernelShape().size(), 1);
  return inferPool(loc, opName, adaptor, ones, inferred);
}

template <typename Adaptor>
LogicalResult inferGlobalPool(std::optional<Location> loc, StringRef opName,
                              Adaptor adaptor,
                              SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  if (input->getRank() < 3)
    return opError(loc, opName, "input must be [N, C, D1, ...], got ",
                   formatShape(input->getShape()));
  SmallVector<int64_t> shape(input->getRank(), 1);
  shape[0] = input->getDimSize(0);
  shape[1] = input->getDimSize(1);
  inferred.push_back(RankedTensorType::get(shape, input->getElementType()));
  return success();
}

template <typename Adaptor>
LogicalResult inferBatchNorm(std::optional<Location> loc, StringRef opName,
                             Adaptor adaptor,
                             SmallVectorImpl<Type> &inferred) {
  auto input = rankedType(loc, opName, adaptor.getInput(), "input");
  if (failed(input))
    return failure();
  if (input->getRank() < 2)
    return opError(loc, opName, "input must be [N, C, ...], got ",
                   formatShape(input->getShape()));
  int64_t channels = input->getDimSize(1);
  std::pair<Value, StringRef> params[] = {{adaptor.getScale(), "scale"},
                                          {adaptor.getBias(), "bias"},
                                          {adaptor.getMean(), "mean"},
                                          {adaptor.getVar(), "var"}};
  for (auto [value, name] : params) {
    auto type = rankedType(loc, opName, value, name);
    if (failed(type) ||
        failed(checkElementType(loc, opName, name, *type, "input", *input)))
      return failure();
    if (type->getShape() != ArrayRef<int64_t>{channels})
      return opError(loc, opName, name, " must be [", channels,
                     "] (the channel dim of the input), got ",
                     formatShape(type->getShape()));
  }
  inferred.push_back(*input);
  return success();
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = getInput().getType(), out = getType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(in.getShape()) << " (" << in.getNumElements()
           << " elements) to " << formatShape(out.getShape()) << " ("
           << out.getNumElements() << " elements)";
  return success();
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

void ParamOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getName());
}

// AddOp, SubOp, MulOp and DivOp fold in ir/ops/Math.cpp with the other
// elementwise ops.

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

// TransposeOp::fold is in ir/ops/Movement.cpp, beside the other folders of
// data-movement ops over constants.

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getInput();
  return {};
}

} // namespace kiln

// Shape rules of the op groups in ir/ops/*.td (one header per group).
#include "ir/ops/Activation.h"
#include "ir/ops/Indexing.h"
#include "ir/ops/Math.h"
#include "ir/ops/Movement.h"
#include "ir/ops/NN.h"
#include "ir/ops/Recurrent.h"
#include "ir/ops/Reduction.h"

#define GET_OP_CLASSES
#include "ir/KilnOps.cpp.inc"
