//===- Math.cpp - Folders of the elementwise math ops ---------------------===//
//
// Constant folding of kiln's elementwise ops (add/sub/mul/div in
// ir/KilnOps.td, the rest in ir/ops/Math.td): every operand a
// DenseElementsAttr, NumPy broadcasting, floats and integers of either
// signedness (`uiN` folds as unsigned). Shape subgraphs exported by PyTorch
// (Shape -> Cast -> Mul -> Concat -> Reshape) fold to constants through these,
// so the i64 paths matter as much as the float ones. A fold that would be
// undefined at run time (integer division by zero, NaN to integer) is left
// to run time instead.
//
//===----------------------------------------------------------------------===//

#include "ir/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <optional>

using namespace mlir;
using llvm::APFloat;
using llvm::APInt;

namespace kiln {
namespace {

/// Larger non-splat results are not folded: folding exists for shape
/// arithmetic and scalar constants, and a big folded tensor would only move
/// run-time work into the binary's data.
constexpr int64_t kMaxFoldElements = 1 << 16;

Type elementOf(Type type) { return cast<ShapedType>(type).getElementType(); }

/// Applies \p fn to the broadcast elements of \p operands (all
/// DenseElementsAttr with element values readable as \p In) and \returns
/// the result of \p resultType, or null if an operand is not constant or
/// \p fn declines (returns std::nullopt) for some element.
template <typename In, typename Out, typename Fn>
Attribute foldElementwise(ArrayRef<Attribute> operands, Type resultType,
                          Fn &&fn) {
  auto result = dyn_cast<RankedTensorType>(resultType);
  if (!result || !result.hasStaticShape())
    return {};
  SmallVector<DenseElementsAttr> dense;
  for (Attribute attr : operands) {
    auto d = dyn_cast_or_null<DenseElementsAttr>(attr);
    if (!d)
      return {};
    dense.push_back(d);
  }
  bool allSplat =
      llvm::all_of(dense, [](DenseElementsAttr d) { return d.isSplat(); });
  int64_t count = allSplat ? 1 : result.getNumElements();
  if (count > kMaxFoldElements)
    return {};
  int64_t rank = result.getRank();
  ArrayRef<int64_t> shape = result.getShape();

  // Each operand's values with its strides along the result dims (0 where
  // it broadcasts).
  struct Source {
    SmallVector<In> values;
    SmallVector<int64_t> strides;
  };
  SmallVector<Source> sources;
  for (DenseElementsAttr d : dense) {
    Source source;
    source.strides.assign(rank, 0);
    if (d.isSplat()) {
      source.values.push_back(d.getSplatValue<In>());
    } else {
      for (In value : d.getValues<In>())
        source.values.push_back(value);
      ArrayRef<int64_t> dims = d.getType().getShape();
      int64_t offset = rank - static_cast<int64_t>(dims.size());
      int64_t stride = 1;
      for (int64_t i = static_cast<int64_t>(dims.size()) - 1; i >= 0; --i) {
        if (dims[i] != 1)
          source.strides[offset + i] = stride;
        stride *= dims[i];
      }
    }
    sources.push_back(std::move(source));
  }

  SmallVector<Out> results;
  SmallVector<int64_t> index(rank, 0);
  SmallVector<In> args;
  for (int64_t n = 0; n < count; ++n) {
    args.clear();
    for (const Source &source : sources) {
      int64_t at = 0;
      for (int64_t i = 0; i < rank; ++i)
        at += index[i] * source.strides[i];
      args.push_back(source.values[at]);
    }
    std::optional<Out> value = fn(ArrayRef<In>(args));
    if (!value)
      return {};
    results.push_back(std::move(*value));
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < shape[i])
        break;
      index[i] = 0;
    }
  }
  return DenseElementsAttr::get(result, ArrayRef<Out>(results));
}

using FloatBinary =
    function_ref<std::optional<APFloat>(const APFloat &, const APFloat &)>;
using IntBinary = function_ref<std::optional<APInt>(const APInt &,
                                                    const APInt &, bool)>;

/// Folds a same-element-type binary op: \p floatFn for floats, \p intFn
/// (with "is unsigned") for integers.
OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                        FloatBinary floatFn, IntBinary intFn) {
  Type type = op->getResult(0).getType();
  Type element = elementOf(type);
  if (isa<FloatType>(element))
    return foldElementwise<APFloat, APFloat>(
        operands, type,
        [&](ArrayRef<APFloat> a) { return floatFn(a[0], a[1]); });
  if (!isa<IntegerType>(element))
    return {};
  bool isUnsigned = element.isUnsignedInteger();
  return foldElementwise<APInt, APInt>(
      operands, type,
      [&](ArrayRef<APInt> a) { return intFn(a[0], a[1], isUnsigned); });
}

/// `x op c` folds to `x` when c is a splat right identity and the op does
/// not broadcast x. Float identities are IEEE-exact: `x + 0.0` is not `x`
/// for x = -0.0, so add's identity is -0.0.
OpFoldResult foldRightIdentity(Operation *op, Attribute rhs,
                               function_ref<bool(const APFloat &)> isFloatId,
                               function_ref<bool(const APInt &)> isIntId) {
  Value lhs = op->getOperand(0);
  if (lhs.getType() != op->getResult(0).getType())
    return {};
  auto splat = dyn_cast_or_null<SplatElementsAttr>(rhs);
  if (!splat)
    return {};
  if (isa<FloatType>(splat.getElementType()))
    return isFloatId(splat.getSplatValue<APFloat>()) ? lhs : Value();
  return isIntId(splat.getSplatValue<APInt>()) ? lhs : Value();
}

bool isOneF(const APFloat &v) { return v.isExactlyValue(1.0); }
bool isOneI(const APInt &v) { return v.isOne(); }
bool isZeroI(const APInt &v) { return v.isZero(); }

/// \returns \p fn(x) computed in double and rounded to x's semantics.
APFloat viaDouble(const APFloat &x, double (*fn)(double)) {
  bool lost;
  APFloat d = x;
  d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  APFloat r(fn(d.convertToDouble()));
  r.convert(x.getSemantics(), APFloat::rmNearestTiesToEven, &lost);
  return r;
}

/// Folds a unary op: \p floatFn on float elements, \p intFn (with "is
/// unsigned") on integers; either may be null for "does not apply".
OpFoldResult
foldUnary(Operation *op, Attribute input,
          function_ref<std::optional<APFloat>(const APFloat &)> floatFn,
          function_ref<std::optional<APInt>(const APInt &, bool)> intFn) {
  Type type = op->getResult(0).getType();
  Type element = elementOf(type);
  if (isa<FloatType>(element)) {
    if (!floatFn)
      return {};
    return foldElementwise<APFloat, APFloat>(
        input, type, [&](ArrayRef<APFloat> a) { return floatFn(a[0]); });
  }
  if (!intFn)
    return {};
  bool isUnsigned = element.isUnsignedInteger();
  return foldElementwise<APInt, APInt>(
      input, type, [&](ArrayRef<APInt> a) { return intFn(a[0], isUnsigned); });
}

/// Folds a comparison to an i1 tensor; \p accept says whether the result
/// of `APFloat::compare` (floats) or of a three-way integer compare
/// (integers, mapped to the same enum) is true.
OpFoldResult foldCompare(Operation *op, ArrayRef<Attribute> operands,
                         function_ref<bool(APFloat::cmpResult)> accept) {
  Type type = op->getResult(0).getType();
  Type element = elementOf(op->getOperand(0).getType());
  auto toBit = [](bool b) { return APInt(1, b ? 1 : 0); };
  if (isa<FloatType>(element))
    return foldElementwise<APFloat, APInt>(
        operands, type, [&](ArrayRef<APFloat> a) -> std::optional<APInt> {
          return toBit(accept(a[0].compare(a[1])));
        });
  bool isUnsigned = element.isUnsignedInteger() || element.isInteger(1);
  return foldElementwise<APInt, APInt>(
      operands, type, [&](ArrayRef<APInt> a) -> std::optional<APInt> {
        bool less = isUnsigned ? a[0].ult(a[1]) : a[0].slt(a[1]);
        APFloat::cmpResult c = a[0] == a[1] ? APFloat::cmpEqual
                               : less       ? APFloat::cmpLessThan
                                            : APFloat::cmpGreaterThan;
        return toBit(accept(c));
      });
}

} // namespace

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult id = foldRightIdentity(
          *this, adaptor.getRhs(),
          [](const APFloat &v) { return v.isNegZero(); }, isZeroI))
    return id;
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a + b;
      },
      [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult id = foldRightIdentity(
          *this, adaptor.getRhs(),
          [](const APFloat &v) { return v.isPosZero(); }, isZeroI))
    return id;
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a - b;
      },
      [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult id =
          foldRightIdentity(*this, adaptor.getRhs(), isOneF, isOneI))
    return id;
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a * b;
      },
      [](const APInt &a, const APInt &b, bool) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult id =
          foldRightIdentity(*this, adaptor.getRhs(), isOneF, isOneI))
    return id;
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a / b;
      },
      // Integer division truncates toward zero, like ONNX's reference
      // (true division, then a cast back to the integer type).
      [](const APInt &a, const APInt &b,
         bool isUnsigned) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.udiv(b);
        bool overflow;
        APInt q = a.sdiv_ov(b, overflow);
        if (overflow)
          return std::nullopt;
        return q;
      });
}

OpFoldResult ModOp::fold(FoldAdaptor adaptor) {
  bool cMod = getFmod();
  return foldBinary(
      *this, adaptor.getOperands(),
      [&](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        APFloat r = a;
        r.mod(b);
        if (!cMod && !r.isZero() && !r.isNaN() &&
            r.isNegative() != b.isNegative())
          r = r + b;
        return r;
      },
      [&](const APInt &a, const APInt &b,
          bool isUnsigned) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        if (isUnsigned)
          return a.urem(b);
        APInt r = a.srem(b);
        if (!cMod && !r.isZero() && r.isNegative() != b.isNegative())
          r += b;
        return r;
      });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::maximum(a, b);
      },
      [](const APInt &a, const APInt &b,
         bool isUnsigned) -> std::optional<APInt> {
        return (isUnsigned ? a.uge(b) : a.sge(b)) ? a : b;
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return llvm::minimum(a, b);
      },
      [](const APInt &a, const APInt &b,
         bool isUnsigned) -> std::optional<APInt> {
        return (isUnsigned ? a.ule(b) : a.sle(b)) ? a : b;
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  // Only float ** float of one type: mixed types are rare in constants.
  if (getLhs().getType().getElementType() !=
          getRhs().getType().getElementType() ||
      !isa<FloatType>(getType().getElementType()))
    return {};
  return foldElementwise<APFloat, APFloat>(
      adaptor.getOperands(), getType(),
      [](ArrayRef<APFloat> a) -> std::optional<APFloat> {
        bool lost;
        APFloat base = a[0], exponent = a[1];
        base.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                     &lost);
        exponent.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                         &lost);
        APFloat r(std::pow(base.convertToDouble(), exponent.convertToDouble()));
        r.convert(a[0].getSemantics(), APFloat::rmNearestTiesToEven, &lost);
        return r;
      });
}

//===----------------------------------------------------------------------===//
// Logic and bit operations
//===----------------------------------------------------------------------===//

namespace {
OpFoldResult foldBits(Operation *op, ArrayRef<Attribute> operands,
                      IntBinary fn) {
  return foldBinary(
      op, operands,
      [](const APFloat &, const APFloat &) -> std::optional<APFloat> {
        return std::nullopt;
      },
      fn);
}
} // namespace

OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldBits(*this, adaptor.getOperands(),
                  [](const APInt &a, const APInt &b,
                     bool) -> std::optional<APInt> { return a & b; });
}

OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldBits(*this, adaptor.getOperands(),
                  [](const APInt &a, const APInt &b,
                     bool) -> std::optional<APInt> { return a | b; });
}

OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldBits(*this, adaptor.getOperands(),
                  [](const APInt &a, const APInt &b,
                     bool) -> std::optional<APInt> { return a ^ b; });
}

OpFoldResult ShiftLeftOp::fold(FoldAdaptor adaptor) {
  return foldBits(*this, adaptor.getOperands(),
                  [](const APInt &a, const APInt &b,
                     bool) -> std::optional<APInt> {
                    if (b.uge(a.getBitWidth()))
                      return std::nullopt;
                    return a.shl(b);
                  });
}

OpFoldResult ShiftRightOp::fold(FoldAdaptor adaptor) {
  return foldBits(*this, adaptor.getOperands(),
                  [](const APInt &a, const APInt &b,
                     bool isUnsigned) -> std::optional<APInt> {
                    if (b.uge(a.getBitWidth()))
                      return std::nullopt;
                    return isUnsigned ? a.lshr(b) : a.ashr(b);
                  });
}

//===----------------------------------------------------------------------===//
// Comparisons and selection
//===----------------------------------------------------------------------===//

OpFoldResult EqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](APFloat::cmpResult c) {
    return c == APFloat::cmpEqual;
  });
}

OpFoldResult LessOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](APFloat::cmpResult c) {
    return c == APFloat::cmpLessThan;
  });
}

OpFoldResult LessEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](APFloat::cmpResult c) {
    return c == APFloat::cmpLessThan || c == APFloat::cmpEqual;
  });
}

OpFoldResult GreaterOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](APFloat::cmpResult c) {
    return c == APFloat::cmpGreaterThan;
  });
}

OpFoldResult GreaterEqualOp::fold(FoldAdaptor adaptor) {
  return foldCompare(*this, adaptor.getOperands(), [](APFloat::cmpResult c) {
    return c == APFloat::cmpGreaterThan || c == APFloat::cmpEqual;
  });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  // A splat condition picks one operand, if that needs no broadcast.
  auto cond = dyn_cast_or_null<SplatElementsAttr>(adaptor.getCondition());
  if (cond) {
    Value picked = cond.getSplatValue<bool>() ? getLhs() : getRhs();
    if (picked.getType() == getType())
      return picked;
  }
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return {};
}

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

OpFoldResult SqrtOp::fold(FoldAdaptor adaptor) {
  return foldUnary(*this, adaptor.getInput(),
                   [](const APFloat &x) -> std::optional<APFloat> {
                     return viaDouble(x, [](double v) { return std::sqrt(v); });
                   },
                   nullptr);
}

OpFoldResult ExpOp::fold(FoldAdaptor adaptor) {
  return foldUnary(*this, adaptor.getInput(),
                   [](const APFloat &x) -> std::optional<APFloat> {
                     return viaDouble(x, [](double v) { return std::exp(v); });
                   },
                   nullptr);
}

OpFoldResult LogOp::fold(FoldAdaptor adaptor) {
  return foldUnary(*this, adaptor.getInput(),
                   [](const APFloat &x) -> std::optional<APFloat> {
                     return viaDouble(x, [](double v) { return std::log(v); });
                   },
                   nullptr);
}

OpFoldResult ErfOp::fold(FoldAdaptor adaptor) {
  return foldUnary(*this, adaptor.getInput(),
                   [](const APFloat &x) -> std::optional<APFloat> {
                     return viaDouble(x, [](double v) { return std::erf(v); });
                   },
                   nullptr);
}

OpFoldResult ReciprocalOp::fold(FoldAdaptor adaptor) {
  return foldUnary(*this, adaptor.getInput(),
                   [](const APFloat &x) -> std::optional<APFloat> {
                     APFloat one(x.getSemantics(), 1);
                     return one / x;
                   },
                   nullptr);
}

namespace {
OpFoldResult foldRounding(Operation *op, Attribute input,
                          APFloat::roundingMode mode) {
  return foldUnary(op, input,
                   [&](const APFloat &x) -> std::optional<APFloat> {
                     APFloat r = x;
                     r.roundToIntegral(mode);
                     return r;
                   },
                   nullptr);
}
} // namespace

OpFoldResult FloorOp::fold(FoldAdaptor adaptor) {
  return foldRounding(*this, adaptor.getInput(), APFloat::rmTowardNegative);
}

OpFoldResult CeilOp::fold(FoldAdaptor adaptor) {
  return foldRounding(*this, adaptor.getInput(), APFloat::rmTowardPositive);
}

OpFoldResult RoundOp::fold(FoldAdaptor adaptor) {
  return foldRounding(*this, adaptor.getInput(),
                      APFloat::rmNearestTiesToEven);
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getInput(),
      [](const APFloat &x) -> std::optional<APFloat> { return -x; },
      [](const APInt &x, bool) -> std::optional<APInt> { return -x; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getInput(),
      [](const APFloat &x) -> std::optional<APFloat> { return llvm::abs(x); },
      [](const APInt &x, bool isUnsigned) -> std::optional<APInt> {
        return isUnsigned ? x : x.abs();
      });
}

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getInput(),
      [](const APFloat &x) -> std::optional<APFloat> {
        if (x.isNaN() || x.isZero())
          return x;
        APFloat one(x.getSemantics(), 1);
        if (x.isNegative())
          one.changeSign();
        return one;
      },
      [](const APInt &x, bool isUnsigned) -> std::optional<APInt> {
        unsigned width = x.getBitWidth();
        if (x.isZero())
          return x;
        if (!isUnsigned && x.isNegative())
          return APInt::getAllOnes(width);
        return APInt(width, 1);
      });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldUnary(*this, adaptor.getInput(), nullptr,
                   [](const APInt &x, bool) -> std::optional<APInt> {
                     return ~x;
                   });
}

OpFoldResult IsNaNOp::fold(FoldAdaptor adaptor) {
  return foldElementwise<APFloat, APInt>(
      adaptor.getInput(), getType(),
      [](ArrayRef<APFloat> x) -> std::optional<APInt> {
        return APInt(1, x[0].isNaN() ? 1 : 0);
      });
}

OpFoldResult IsInfOp::fold(FoldAdaptor adaptor) {
  bool negative = getDetectNegative(), positive = getDetectPositive();
  return foldElementwise<APFloat, APInt>(
      adaptor.getInput(), getType(),
      [&](ArrayRef<APFloat> x) -> std::optional<APInt> {
        bool inf = x[0].isInfinity() &&
                   (x[0].isNegative() ? negative : positive);
        return APInt(1, inf ? 1 : 0);
      });
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

/// \p x converted to bfloat16 as ONNX's reference Cast does (onnx 1.12,
/// the test data of opset <= 17): through float32, whose low 16 bits are
/// then dropped (truncation toward zero, not rounding). A NaN stays a quiet
/// NaN (its payload could sit in the dropped bits only).
static APFloat truncateToBF16(APFloat x) {
  bool lost;
  x.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
  uint64_t bits = x.bitcastToAPInt().getZExtValue() >> 16;
  if (x.isNaN())
    bits |= 0x40;
  return APFloat(APFloat::BFloat(), APInt(16, bits));
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  Type from = getInput().getType().getElementType();
  Type to = getType().getElementType();
  if (from == to)
    return getInput();
  Attribute input = adaptor.getInput();
  auto toFloat = dyn_cast<FloatType>(to);
  // Integers convert with the signedness of their type; bool is unsigned.
  bool fromSigned = from.isSignlessInteger() && !from.isInteger(1);
  if (isa<FloatType>(from)) {
    if (toFloat)
      return foldElementwise<APFloat, APFloat>(
          input, getType(), [&](ArrayRef<APFloat> x) -> std::optional<APFloat> {
            if (toFloat.isBF16())
              return truncateToBF16(x[0]);
            bool lost;
            APFloat r = x[0];
            r.convert(toFloat.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &lost);
            return r;
          });
    unsigned width = to.getIntOrFloatBitWidth();
    return foldElementwise<APFloat, APInt>(
        input, getType(), [&](ArrayRef<APFloat> x) -> std::optional<APInt> {
          if (width == 1)
            return APInt(1, x[0].isZero() ? 0 : 1);
          llvm::APSInt r(width, to.isUnsignedInteger());
          bool exact;
          if (x[0].convertToInteger(r, APFloat::rmTowardZero, &exact) ==
              APFloat::opInvalidOp)
            return std::nullopt; // NaN or out of range: undefined in ONNX.
          return APInt(r);
        });
  }
  if (toFloat)
    return foldElementwise<APInt, APFloat>(
        input, getType(), [&](ArrayRef<APInt> x) -> std::optional<APFloat> {
          if (toFloat.isBF16()) {
            APFloat wide(APFloat::IEEEsingle());
            wide.convertFromAPInt(x[0], fromSigned,
                                  APFloat::rmNearestTiesToEven);
            return truncateToBF16(wide);
          }
          APFloat r(toFloat.getFloatSemantics());
          r.convertFromAPInt(x[0], fromSigned, APFloat::rmNearestTiesToEven);
          return r;
        });
  unsigned width = to.getIntOrFloatBitWidth();
  return foldElementwise<APInt, APInt>(
      input, getType(), [&](ArrayRef<APInt> x) -> std::optional<APInt> {
        if (width == 1)
          return APInt(1, x[0].isZero() ? 0 : 1);
        return fromSigned ? x[0].sextOrTrunc(width) : x[0].zextOrTrunc(width);
      });
}

} // namespace kiln
