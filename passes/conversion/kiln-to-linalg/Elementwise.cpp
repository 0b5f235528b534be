//===- Elementwise.cpp - kiln elementwise ops to linalg.generic -----------===//
//
// Every elementwise kiln op becomes one all-parallel linalg.generic whose
// body is arith/math on scalars. arith only takes signless integers, so the
// body sees `uiN` block arguments through an unrealized cast to `iN` (and
// casts an unsigned result back); the LLVM conversion turns `uiN` into `iN`
// as well, and reconcile-unrealized-casts removes the pairs. Unsignedness is
// kept in the op choice instead: divui, remui, cmpi ult, extui, uitofp, ...
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

Type elementOf(Type type) { return cast<ShapedType>(type).getElementType(); }

/// \returns the signless integer type of \p type's width for integers,
/// \p type itself for floats.
Type signless(Type type) {
  if (type.isUnsignedInteger() || type.isSignedInteger())
    return IntegerType::get(type.getContext(), type.getIntOrFloatBitWidth());
  return type;
}

/// Casts scalar \p value to \p type if they differ (uiN <-> iN only).
Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return b.create<UnrealizedConversionCastOp>(loc, type, value).getResult(0);
}

/// The scalar operands of an elementwise body: the block arguments with
/// signless types, and the kiln element types they came from.
struct Scalars {
  SmallVector<Value> values;
  SmallVector<Type> types;
  Type resultType;

  Value operator[](unsigned i) const { return values[i]; }
  bool isFloat(unsigned i = 0) const { return isa<FloatType>(types[i]); }
  bool isUnsigned(unsigned i = 0) const {
    return types[i].isUnsignedInteger();
  }
};

/// \returns \p x (a signless scalar of kiln element type \p from) converted
/// to kiln element type \p to, as a signless scalar. Integers convert with
/// the signedness of their type (bool as unsigned); anything converts to
/// bool as `x != 0`.
/// \returns f32 scalar \p x as bf16 the way kiln.cast defines it: its low
/// 16 bits dropped (truncation toward zero, as ONNX's opset <= 17 reference),
/// a NaN kept quiet.
Value truncateToBF16(OpBuilder &b, Location loc, Value x) {
  Type i16 = b.getI16Type(), i32 = b.getI32Type();
  Value bits = b.create<arith::BitcastOp>(loc, i32, x);
  Value high = b.create<arith::TruncIOp>(
      loc, i16,
      b.create<arith::ShRUIOp>(loc, bits, scalarConstant(b, loc, i32, 16)));
  Value quiet =
      b.create<arith::OrIOp>(loc, high, scalarConstant(b, loc, i16, 0x40));
  Value isNaN =
      b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  return b.create<arith::BitcastOp>(
      loc, b.getBF16Type(), b.create<arith::SelectOp>(loc, isNaN, quiet, high));
}

Value convertScalar(OpBuilder &b, Location loc, Value x, Type from, Type to) {
  if (from == to)
    return x;
  // bf16 goes through f32 both ways (bf16 -> f32 is exact).
  Type f32 = b.getF32Type();
  if (to.isBF16())
    return truncateToBF16(b, loc, convertScalar(b, loc, x, from, f32));
  if (from.isBF16() && !to.isInteger(1))
    return convertScalar(b, loc, b.create<arith::ExtFOp>(loc, f32, x), f32,
                         to);
  Type target = signless(to);
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (to.isInteger(1)) {
    if (fromFloat)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, x,
                                     scalarConstant(b, loc, x.getType(), 0));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x,
                                   scalarConstant(b, loc, x.getType(), 0));
  }
  if (fromFloat && toFloat) {
    if (toWidth > fromWidth)
      return b.create<arith::ExtFOp>(loc, target, x);
    return b.create<arith::TruncFOp>(loc, target, x);
  }
  if (fromFloat) {
    if (to.isUnsignedInteger())
      return b.create<arith::FPToUIOp>(loc, target, x);
    return b.create<arith::FPToSIOp>(loc, target, x);
  }
  if (toFloat) {
    if (fromUnsigned)
      return b.create<arith::UIToFPOp>(loc, target, x);
    return b.create<arith::SIToFPOp>(loc, target, x);
  }
  if (toWidth > fromWidth) {
    if (fromUnsigned)
      return b.create<arith::ExtUIOp>(loc, target, x);
    return b.create<arith::ExtSIOp>(loc, target, x);
  }
  if (toWidth < fromWidth)
    return b.create<arith::TruncIOp>(loc, target, x);
  return x; // iN <-> uiN: same bits.
}

/// Lowers an elementwise kiln op (every operand broadcast to the result)
/// through \p body, which builds the scalar result from signless operands.
template <typename KilnOp>
struct ElementwiseToGeneric : OpRewritePattern<KilnOp> {
  using Body = Value (*)(KilnOp, OpBuilder &, Location, const Scalars &);
  ElementwiseToGeneric(MLIRContext *context, Body body)
      : OpRewritePattern<KilnOp>(context), body(body) {}

  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<Type> types;
    for (Value operand : op->getOperands())
      types.push_back(elementOf(operand.getType()));
    Value result = elementwise(
        rewriter, op.getLoc(), type, op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Scalars scalars;
          scalars.types = types;
          scalars.resultType = type.getElementType();
          for (auto [arg, argType] : llvm::zip(args, types))
            scalars.values.push_back(castTo(b, loc, arg, signless(argType)));
          Value value = body(op, b, loc, scalars);
          return castTo(b, loc, value, type.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  Body body;
};

/// Float op / signed integer op / unsigned integer op by the element type
/// of operand 0.
template <typename FloatOp, typename SignedOp, typename UnsignedOp = SignedOp>
Value arithBinary(OpBuilder &b, Location loc, const Scalars &s) {
  if (s.isFloat())
    return b.create<FloatOp>(loc, s[0], s[1]);
  if (s.isUnsigned())
    return b.create<UnsignedOp>(loc, s[0], s[1]);
  return b.create<SignedOp>(loc, s[0], s[1]);
}

template <typename KilnOp, typename FloatOp, typename SignedOp,
          typename UnsignedOp = SignedOp>
Value binaryBody(KilnOp, OpBuilder &b, Location loc, const Scalars &s) {
  return arithBinary<FloatOp, SignedOp, UnsignedOp>(b, loc, s);
}

/// x % y with the sign of y (when \p fmod is false) or of x.
Value modBody(ModOp op, OpBuilder &b, Location loc, const Scalars &s) {
  Value x = s[0], y = s[1];
  if (s.isUnsigned())
    return b.create<arith::RemUIOp>(loc, x, y);
  Value zero = scalarConstant(b, loc, x.getType(), 0);
  if (s.isFloat()) {
    Value r = b.create<arith::RemFOp>(loc, x, y);
    if (op.getFmod())
      return r;
    Value nonZero =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE, r, zero);
    Value rNeg =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, r, zero);
    Value yNeg =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, y, zero);
    Value fix = b.create<arith::AndIOp>(
        loc, nonZero, b.create<arith::XOrIOp>(loc, rNeg, yNeg));
    return b.create<arith::SelectOp>(loc, fix,
                                     b.create<arith::AddFOp>(loc, r, y), r);
  }
  Value r = b.create<arith::RemSIOp>(loc, x, y);
  if (op.getFmod())
    return r;
  Value nonZero =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, r, zero);
  Value rNeg = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, r, zero);
  Value yNeg = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, y, zero);
  Value fix = b.create<arith::AndIOp>(loc, nonZero,
                                      b.create<arith::XOrIOp>(loc, rNeg, yNeg));
  return b.create<arith::SelectOp>(loc, fix, b.create<arith::AddIOp>(loc, r, y),
                                   r);
}

/// Float bases: powf in the base's type. Integer bases: powf in f64, then
/// truncated toward zero (ONNX's reference: np.power, then a cast).
Value powBody(PowOp, OpBuilder &b, Location loc, const Scalars &s) {
  Type base = s.types[0];
  Type compute = isa<FloatType>(base) ? base : b.getF64Type();
  Value x = convertScalar(b, loc, s[0], base, compute);
  Value y = convertScalar(b, loc, s[1], s.types[1], compute);
  Value r = b.create<math::PowFOp>(loc, x, y);
  return convertScalar(b, loc, r, compute, base);
}

template <typename KilnOp, arith::CmpFPredicate F, arith::CmpIPredicate S,
          arith::CmpIPredicate U>
Value compareBody(KilnOp, OpBuilder &b, Location loc, const Scalars &s) {
  if (s.isFloat())
    return b.create<arith::CmpFOp>(loc, F, s[0], s[1]);
  bool isUnsigned = s.isUnsigned() || s.types[0].isInteger(1);
  return b.create<arith::CmpIOp>(loc, isUnsigned ? U : S, s[0], s[1]);
}

Value whereBody(WhereOp, OpBuilder &b, Location loc, const Scalars &s) {
  return b.create<arith::SelectOp>(loc, s[0], s[1], s[2]);
}

/// A float-only unary math op.
template <typename KilnOp, typename MathOp>
Value mathBody(KilnOp, OpBuilder &b, Location loc, const Scalars &s) {
  return b.create<MathOp>(loc, s[0]);
}

Value reciprocalBody(ReciprocalOp, OpBuilder &b, Location loc,
                     const Scalars &s) {
  return b.create<arith::DivFOp>(loc, scalarConstant(b, loc, s[0].getType(), 1),
                                 s[0]);
}

Value negBody(NegOp, OpBuilder &b, Location loc, const Scalars &s) {
  if (s.isFloat())
    return b.create<arith::NegFOp>(loc, s[0]);
  return b.create<arith::SubIOp>(loc, scalarConstant(b, loc, s[0].getType(), 0),
                                 s[0]);
}

Value absBody(AbsOp, OpBuilder &b, Location loc, const Scalars &s) {
  if (s.isFloat())
    return b.create<math::AbsFOp>(loc, s[0]);
  if (s.isUnsigned())
    return s[0];
  return b.create<math::AbsIOp>(loc, s[0]);
}

/// -1, 0 or 1; a float NaN (or zero) passes through.
Value signBody(SignOp, OpBuilder &b, Location loc, const Scalars &s) {
  Value x = s[0];
  Type type = x.getType();
  Value zero = scalarConstant(b, loc, type, 0);
  Value one = scalarConstant(b, loc, type, 1);
  if (s.isUnsigned()) {
    Value nonZero =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, x, zero);
    return b.create<arith::SelectOp>(loc, nonZero, one, zero);
  }
  Value minusOne = scalarConstant(b, loc, type, -1);
  Value positive, negative, otherwise = x;
  if (s.isFloat()) {
    positive = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, zero);
    negative = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x, zero);
  } else {
    positive = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, x, zero);
    negative = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, zero);
  }
  Value notPositive =
      b.create<arith::SelectOp>(loc, negative, minusOne, otherwise);
  return b.create<arith::SelectOp>(loc, positive, one, notPositive);
}

Value notBody(NotOp, OpBuilder &b, Location loc, const Scalars &s) {
  return b.create<arith::XOrIOp>(loc, s[0],
                                 scalarConstant(b, loc, s[0].getType(), 1));
}

Value isNaNBody(IsNaNOp, OpBuilder &b, Location loc, const Scalars &s) {
  return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, s[0], s[0]);
}

Value isInfBody(IsInfOp op, OpBuilder &b, Location loc, const Scalars &s) {
  Type type = s[0].getType();
  double inf = std::numeric_limits<double>::infinity();
  Value result = b.create<arith::ConstantOp>(loc, b.getBoolAttr(false));
  auto equals = [&](double value) -> Value {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, s[0],
                                   scalarConstant(b, loc, type, value));
  };
  if (op.getDetectPositive())
    result = b.create<arith::OrIOp>(loc, result, equals(inf));
  if (op.getDetectNegative())
    result = b.create<arith::OrIOp>(loc, result, equals(-inf));
  return result;
}

Value castBody(CastOp, OpBuilder &b, Location loc, const Scalars &s) {
  return convertScalar(b, loc, s[0], s.types[0], s.resultType);
}

Value relu(OpBuilder &b, Location loc, Value x) {
  return b.create<arith::MaximumFOp>(
      loc, x, scalarConstant(b, loc, x.getType(), 0.0));
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving 0.
  Value one = scalarConstant(b, loc, x.getType(), 1.0);
  Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x));
  return b.create<arith::DivFOp>(loc, one, b.create<arith::AddFOp>(loc, one, e));
}

Value tanh(OpBuilder &b, Location loc, Value x) {
  return b.create<math::TanhOp>(loc, x);
}

/// Lowers a float unary op through \p Fn(b, loc, x).
template <typename KilnOp>
struct UnaryToGeneric : OpRewritePattern<KilnOp> {
  using Body = Value (*)(OpBuilder &, Location, Value);
  UnaryToGeneric(MLIRContext *context, Body body)
      : OpRewritePattern<KilnOp>(context), body(body) {}

  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result = elementwise(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(b, loc, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  Body body;
};

template <typename KilnOp>
void add(RewritePatternSet &patterns,
         typename ElementwiseToGeneric<KilnOp>::Body body) {
  patterns.add<ElementwiseToGeneric<KilnOp>>(patterns.getContext(), body);
}

} // namespace

void populateElementwisePatterns(RewritePatternSet &patterns) {
  using F = arith::CmpFPredicate;
  using I = arith::CmpIPredicate;
  add<AddOp>(patterns, binaryBody<AddOp, arith::AddFOp, arith::AddIOp>);
  add<SubOp>(patterns, binaryBody<SubOp, arith::SubFOp, arith::SubIOp>);
  add<MulOp>(patterns, binaryBody<MulOp, arith::MulFOp, arith::MulIOp>);
  add<DivOp>(patterns,
             binaryBody<DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>);
  add<MaxOp>(patterns, binaryBody<MaxOp, arith::MaximumFOp, arith::MaxSIOp,
                                  arith::MaxUIOp>);
  add<MinOp>(patterns, binaryBody<MinOp, arith::MinimumFOp, arith::MinSIOp,
                                  arith::MinUIOp>);
  add<ModOp>(patterns, modBody);
  add<PowOp>(patterns, powBody);
  add<AndOp>(patterns, binaryBody<AndOp, arith::AndIOp, arith::AndIOp>);
  add<OrOp>(patterns, binaryBody<OrOp, arith::OrIOp, arith::OrIOp>);
  add<XorOp>(patterns, binaryBody<XorOp, arith::XOrIOp, arith::XOrIOp>);
  add<ShiftLeftOp>(patterns,
                   binaryBody<ShiftLeftOp, arith::ShLIOp, arith::ShLIOp>);
  add<ShiftRightOp>(patterns, binaryBody<ShiftRightOp, arith::ShRSIOp,
                                         arith::ShRSIOp, arith::ShRUIOp>);
  add<EqualOp>(patterns, compareBody<EqualOp, F::OEQ, I::eq, I::eq>);
  add<LessOp>(patterns, compareBody<LessOp, F::OLT, I::slt, I::ult>);
  add<LessEqualOp>(patterns,
                   compareBody<LessEqualOp, F::OLE, I::sle, I::ule>);
  add<GreaterOp>(patterns, compareBody<GreaterOp, F::OGT, I::sgt, I::ugt>);
  add<GreaterEqualOp>(patterns,
                      compareBody<GreaterEqualOp, F::OGE, I::sge, I::uge>);
  add<WhereOp>(patterns, whereBody);
  add<SqrtOp>(patterns, mathBody<SqrtOp, math::SqrtOp>);
  add<ExpOp>(patterns, mathBody<ExpOp, math::ExpOp>);
  add<LogOp>(patterns, mathBody<LogOp, math::LogOp>);
  add<ErfOp>(patterns, mathBody<ErfOp, math::ErfOp>);
  add<FloorOp>(patterns, mathBody<FloorOp, math::FloorOp>);
  add<CeilOp>(patterns, mathBody<CeilOp, math::CeilOp>);
  add<RoundOp>(patterns, mathBody<RoundOp, math::RoundEvenOp>);
  add<ReciprocalOp>(patterns, reciprocalBody);
  add<NegOp>(patterns, negBody);
  add<AbsOp>(patterns, absBody);
  add<SignOp>(patterns, signBody);
  add<NotOp>(patterns, notBody);
  add<IsNaNOp>(patterns, isNaNBody);
  add<IsInfOp>(patterns, isInfBody);
  add<CastOp>(patterns, castBody);

  MLIRContext *context = patterns.getContext();
  patterns.add<UnaryToGeneric<ReluOp>>(context, relu);
  patterns.add<UnaryToGeneric<SigmoidOp>>(context, sigmoid);
  patterns.add<UnaryToGeneric<TanhOp>>(context, tanh);
}

} // namespace kiln::lowering
