//===- Elementwise.cpp - Import ONNX elementwise ops and activations ------===//
//
// Elementwise math, comparisons, logic and casts (ir/ops/Math.td) and the
// MLP activations. Variadic Max/Min/Sum/Mean become chains of binary kiln ops
// (Mean then divides by the operand count) and Clip becomes max-then-min
// with its optional bounds: kiln has no variadic elementwise op.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "frontends/onnx/Tensors.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {
namespace {

using TP = ::onnx::TensorProto;

template <typename OpTy>
OpImporter binary(const char *opType) {
  return {opType, {}, [](NodeImporter &n) -> mlir::LogicalResult {
            auto lhs = n.input(0), rhs = n.input(1);
            if (mlir::failed(lhs) || mlir::failed(rhs))
              return mlir::failure();
            return n.setResult(
                createInferred<OpTy>(n.builder(), n.loc(), *lhs, *rhs));
          }};
}

template <typename OpTy>
OpImporter unary(const char *opType, ElementTypes types) {
  return {opType,
          {},
          [](NodeImporter &n) -> mlir::LogicalResult {
            auto x = n.input(0);
            if (mlir::failed(x))
              return mlir::failure();
            return n.setResult(createInferred<OpTy>(n.builder(), n.loc(), *x));
          },
          /*check=*/nullptr, types};
}

/// Max, Min, Sum, Mean: a left-to-right chain of the binary \p OpTy over
/// every input; Mean (\p mean) divides the sum by the input count.
template <typename OpTy>
OpImporter variadic(const char *opType, bool mean = false) {
  return {opType, {}, [mean](NodeImporter &n) -> mlir::LogicalResult {
            int count = n.node().input_size();
            if (count < 1)
              return n.emitError() << "needs at least one input";
            auto acc = n.input(0);
            if (mlir::failed(acc))
              return mlir::failure();
            mlir::Value result = *acc;
            for (int i = 1; i < count; ++i) {
              auto next = n.input(i);
              if (mlir::failed(next))
                return mlir::failure();
              auto op = createInferred<OpTy>(n.builder(), n.loc(), result,
                                             *next);
              if (mlir::failed(op))
                return mlir::failure();
              result = *op;
            }
            if (mean && count > 1) {
              auto type = mlir::cast<mlir::RankedTensorType>(result.getType());
              auto scalarType =
                  mlir::RankedTensorType::get({}, type.getElementType());
              mlir::Attribute divisor =
                  mlir::isa<mlir::FloatType>(type.getElementType())
                      ? mlir::Attribute(n.builder().getFloatAttr(
                            type.getElementType(), count))
                      : mlir::Attribute(n.builder().getIntegerAttr(
                            type.getElementType(), count));
              mlir::Value c = n.builder().create<ConstantOp>(
                  n.loc(), mlir::DenseElementsAttr::get(scalarType, divisor));
              auto op = createInferred<DivOp>(n.builder(), n.loc(), result, c);
              if (mlir::failed(op))
                return mlir::failure();
              result = *op;
            }
            return n.setResult(result);
          }};
}

/// Clip(x, min?, max?) = min(max(x, lo), hi), each step only when its bound
/// is given. NaN stays NaN, and lo > hi gives hi everywhere, as ONNX says.
mlir::LogicalResult importClip(NodeImporter &n) {
  auto x = n.input(0);
  if (mlir::failed(x))
    return mlir::failure();
  mlir::Value result = *x;
  if (mlir::Value lo = n.optionalInput(1)) {
    auto op = createInferred<MaxOp>(n.builder(), n.loc(), result, lo);
    if (mlir::failed(op))
      return mlir::failure();
    result = *op;
  }
  if (mlir::Value hi = n.optionalInput(2)) {
    auto op = createInferred<MinOp>(n.builder(), n.loc(), result, hi);
    if (mlir::failed(op))
      return mlir::failure();
    result = *op;
  }
  return n.setResult(result);
}

mlir::LogicalResult importWhere(NodeImporter &n) {
  auto c = n.input(0), x = n.input(1), y = n.input(2);
  if (mlir::failed(c) || mlir::failed(x) || mlir::failed(y))
    return mlir::failure();
  return n.setResult(createInferred<WhereOp>(n.builder(), n.loc(), *c, *x, *y));
}

mlir::LogicalResult importMod(NodeImporter &n) {
  auto lhs = n.input(0), rhs = n.input(1);
  auto fmod = n.intAttr("fmod", 0);
  if (mlir::failed(lhs) || mlir::failed(rhs) || mlir::failed(fmod))
    return mlir::failure();
  if (*fmod != 0 && *fmod != 1)
    return n.emitError() << "attribute fmod must be 0 or 1, got " << *fmod;
  auto type = mlir::cast<mlir::RankedTensorType>(lhs->getType());
  if (*fmod == 0 && mlir::isa<mlir::FloatType>(type.getElementType()))
    return n.emitError() << "floating-point tensors require fmod=1";
  return n.setResult(createInferred<ModOp>(n.builder(), n.loc(), *lhs, *rhs,
                                           n.builder().getBoolAttr(*fmod)));
}

mlir::LogicalResult importBitShift(NodeImporter &n) {
  auto lhs = n.input(0), rhs = n.input(1);
  auto direction = n.stringAttr("direction", std::nullopt);
  if (mlir::failed(lhs) || mlir::failed(rhs) || mlir::failed(direction))
    return mlir::failure();
  if (*direction == "LEFT")
    return n.setResult(
        createInferred<ShiftLeftOp>(n.builder(), n.loc(), *lhs, *rhs));
  return n.setResult(
      createInferred<ShiftRightOp>(n.builder(), n.loc(), *lhs, *rhs));
}

mlir::LogicalResult importIsInf(NodeImporter &n) {
  auto x = n.input(0);
  auto negative = n.intAttr("detect_negative", 1);
  auto positive = n.intAttr("detect_positive", 1);
  if (mlir::failed(x) || mlir::failed(negative) || mlir::failed(positive))
    return mlir::failure();
  return n.setResult(createInferred<IsInfOp>(
      n.builder(), n.loc(), *x, n.builder().getBoolAttr(*negative != 0),
      n.builder().getBoolAttr(*positive != 0)));
}

/// Why kiln cannot cast from or to ONNX element type \p type, if it cannot.
std::optional<std::string> castUnsupported(int32_t type) {
  switch (type) {
  case TP::FLOAT: case TP::DOUBLE: case TP::FLOAT16: case TP::BFLOAT16:
  case TP::BOOL:
  case TP::INT8: case TP::INT16: case TP::INT32: case TP::INT64:
  case TP::UINT8: case TP::UINT16: case TP::UINT32: case TP::UINT64:
    return std::nullopt;
  default:
    return elementTypeName(type);
  }
}

/// Emits `kiln.cast` of input 0 to \p element (the identity if it already
/// has that type).
mlir::LogicalResult castTo(NodeImporter &n, mlir::Type element) {
  auto x = n.input(0);
  if (mlir::failed(x))
    return mlir::failure();
  auto type = mlir::cast<mlir::RankedTensorType>(x->getType());
  if (type.getElementType() == element)
    return n.setResult(*x);
  return n.setResult(
      n.builder().create<CastOp>(n.loc(), type.clone(element), *x).getResult());
}

mlir::LogicalResult importCast(NodeImporter &n) {
  auto to = n.intAttr("to", std::nullopt);
  if (mlir::failed(to))
    return mlir::failure();
  mlir::Type element = elementType(n.builder().getContext(), *to);
  if (!element || castUnsupported(*to))
    return n.emitError() << "casts to " << elementTypeName(*to)
                         << " are not supported";
  return castTo(n, element);
}

mlir::LogicalResult importCastLike(NodeImporter &n) {
  auto like = n.inputType(1);
  if (mlir::failed(like))
    return mlir::failure();
  return castTo(n, like->getElementType());
}

std::optional<std::string> checkCast(const ::onnx::NodeProto &node) {
  for (const auto &attr : node.attribute())
    if (attr.name() == "to" && attr.type() == ::onnx::AttributeProto::INT)
      if (std::optional<std::string> type =
              castUnsupported(static_cast<int32_t>(attr.i())))
        return "Cast to " + *type + " (kiln casts between bool, integer, "
               "float16, bfloat16, float and double)";
  return std::nullopt;
}

} // namespace

void registerElementwiseOps(OpRegistry &registry) {
  // Arithmetic, on every numeric type (unsigned ones included).
  registry.add(binary<AddOp>("Add"));
  registry.add(binary<SubOp>("Sub"));
  registry.add(binary<MulOp>("Mul"));
  registry.add(binary<DivOp>("Div"));
  registry.add(binary<PowOp>("Pow"));
  registry.add({"Mod", {"fmod"}, importMod});
  registry.add(variadic<MaxOp>("Max"));
  registry.add(variadic<MinOp>("Min"));
  registry.add(variadic<AddOp>("Sum"));
  registry.add(variadic<AddOp>("Mean", /*mean=*/true));
  registry.add({"Clip", {}, importClip});

  // Unary math.
  registry.add(unary<SqrtOp>("Sqrt", ElementTypes::Float));
  registry.add(unary<ExpOp>("Exp", ElementTypes::Float));
  registry.add(unary<LogOp>("Log", ElementTypes::Float));
  registry.add(unary<ErfOp>("Erf", ElementTypes::Float));
  registry.add(unary<ReciprocalOp>("Reciprocal", ElementTypes::Float));
  registry.add(unary<FloorOp>("Floor", ElementTypes::Float));
  registry.add(unary<CeilOp>("Ceil", ElementTypes::Float));
  registry.add(unary<RoundOp>("Round", ElementTypes::Float));
  registry.add(unary<NegOp>("Neg", ElementTypes::Any));
  registry.add(unary<AbsOp>("Abs", ElementTypes::Any));
  registry.add(unary<SignOp>("Sign", ElementTypes::Any));
  registry.add(unary<IsNaNOp>("IsNaN", ElementTypes::Float));
  registry.add({"IsInf", {"detect_negative", "detect_positive"}, importIsInf,
                /*check=*/nullptr, ElementTypes::Float});

  // Comparisons, selection and logic.
  registry.add(binary<EqualOp>("Equal"));
  registry.add(binary<LessOp>("Less"));
  registry.add(binary<LessEqualOp>("LessOrEqual"));
  registry.add(binary<GreaterOp>("Greater"));
  registry.add(binary<GreaterEqualOp>("GreaterOrEqual"));
  registry.add({"Where", {}, importWhere});
  registry.add(unary<NotOp>("Not", ElementTypes::Any));
  registry.add(binary<AndOp>("And"));
  registry.add(binary<OrOp>("Or"));
  registry.add(binary<XorOp>("Xor"));
  registry.add({"BitShift", {"direction"}, importBitShift,
                [](const ::onnx::NodeProto &node) {
                  return checkAttrValue(node, "direction", {"LEFT", "RIGHT"});
                }});

  // Casts.
  registry.add({"Cast", {"to", "saturate"}, importCast, checkCast});
  registry.add({"CastLike", {"saturate"}, importCastLike});

  // Activations of the MLP core.
  registry.add(unary<ReluOp>("Relu", ElementTypes::Float));
  registry.add(unary<SigmoidOp>("Sigmoid", ElementTypes::Float));
  registry.add(unary<TanhOp>("Tanh", ElementTypes::Float));
}

} // namespace kiln::onnx
