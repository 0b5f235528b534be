//===- Activation.cpp - kiln activations and trigonometry to linalg -------===//
//
// Every op of ir/ops/Activation.td becomes one all-parallel linalg.generic
// whose body is arith/math on the element type. Formulas are chosen for
// range: softplus never overflows in exp, and the exp-based ones use expm1
// near zero. Float parameters are attributes, materialised as constants of
// the element type.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

/// Builds arith/math ops on scalars of one float type, so that the formulas
/// below read like the ONNX definitions.
struct Scalar {
  OpBuilder &b;
  Location loc;
  Type type;

  Value c(double value) const { return scalarConstant(b, loc, type, value); }
  Value add(Value x, Value y) const {
    return b.create<arith::AddFOp>(loc, x, y);
  }
  Value sub(Value x, Value y) const {
    return b.create<arith::SubFOp>(loc, x, y);
  }
  Value mul(Value x, Value y) const {
    return b.create<arith::MulFOp>(loc, x, y);
  }
  Value div(Value x, Value y) const {
    return b.create<arith::DivFOp>(loc, x, y);
  }
  Value max(Value x, Value y) const {
    return b.create<arith::MaximumFOp>(loc, x, y);
  }
  Value min(Value x, Value y) const {
    return b.create<arith::MinimumFOp>(loc, x, y);
  }
  Value abs(Value x) const { return b.create<math::AbsFOp>(loc, x); }
  Value expm1(Value x) const { return b.create<math::ExpM1Op>(loc, x); }
  Value cmp(arith::CmpFPredicate predicate, Value x, Value y) const {
    return b.create<arith::CmpFOp>(loc, predicate, x, y);
  }
  Value select(Value condition, Value x, Value y) const {
    return b.create<arith::SelectOp>(loc, condition, x, y);
  }
  /// x < 0 ? negative : x, with NaN passed through.
  Value ifNegative(Value x, Value negative) const {
    return select(cmp(arith::CmpFPredicate::OLT, x, c(0.0)), negative, x);
  }
};

double attr(FloatAttr value) { return value.getValueAsDouble(); }

/// \returns an f32 \p x reduced into [-pi, pi] (mod 2 pi), other types
/// unchanged. kiln-approximate-math's f32 sin and cos reduce their argument
/// in f32, which errs by 5e-5 at |x| = 1000 and by 7e-3 at |x| = 1e5; this
/// reduction is done in f64, so the result errs by about 2e-7 up to
/// |x| = 1e7. f64 sin and cos are libm's and need no help.
Value reducePeriod(const Scalar &s, Value x) {
  if (!s.type.isF32())
    return x;
  constexpr double kTwoPi = 6.283185307179586476925;
  Scalar wide{s.b, s.loc, s.b.getF64Type()};
  Value xd = s.b.create<arith::ExtFOp>(s.loc, wide.type, x);
  Value turns = s.b.create<math::RoundEvenOp>(
      s.loc, wide.mul(xd, wide.c(1.0 / kTwoPi)));
  Value reduced = wide.sub(xd, wide.mul(turns, wide.c(kTwoPi)));
  return s.b.create<arith::TruncFOp>(s.loc, s.type, reduced);
}

/// Lowers a unary float op through \p fn(scalar builder, op, x).
template <typename KilnOp>
struct ActivationToGeneric : OpRewritePattern<KilnOp> {
  using Body = std::function<Value(const Scalar &, KilnOp, Value)>;
  ActivationToGeneric(MLIRContext *context, Body body)
      : OpRewritePattern<KilnOp>(context), body(std::move(body)) {}

  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result = elementwise(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(Scalar{b, loc, type.getElementType()}, op, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  Body body;
};

/// Lowers a unary float op to the math op `MathOp`.
template <typename KilnOp, typename MathOp>
void addMathOp(RewritePatternSet &patterns) {
  patterns.add<ActivationToGeneric<KilnOp>>(
      patterns.getContext(), [](const Scalar &s, KilnOp, Value x) -> Value {
        return s.b.create<MathOp>(s.loc, x);
      });
}

/// PRelu: the slope broadcasts into the input's shape.
struct PReluToGeneric : OpRewritePattern<PReluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PReluOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    if (isUnsigned(element))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    bool isFloat = isa<FloatType>(element);
    Value result = elementwise(
        rewriter, op.getLoc(), type, {op.getInput(), op.getSlope()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value x = args[0], slope = args[1];
          Value zero = scalarConstant(b, loc, element, 0.0);
          if (isFloat)
            return Scalar{b, loc, element}.ifNegative(
                x, b.create<arith::MulFOp>(loc, slope, x));
          Value negative =
              b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, zero);
          return b.create<arith::SelectOp>(
              loc, negative, b.create<arith::MulIOp>(loc, slope, x), x);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateActivationPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  using P = arith::CmpFPredicate;

  patterns.add<ActivationToGeneric<LeakyReluOp>>(
      context, [](const Scalar &s, LeakyReluOp op, Value x) {
        return s.ifNegative(x, s.mul(s.c(attr(op.getAlphaAttr())), x));
      });
  patterns.add<ActivationToGeneric<EluOp>>(
      context, [](const Scalar &s, EluOp op, Value x) {
        return s.ifNegative(x,
                            s.mul(s.c(attr(op.getAlphaAttr())), s.expm1(x)));
      });
  patterns.add<ActivationToGeneric<SeluOp>>(
      context, [](const Scalar &s, SeluOp op, Value x) {
        Value negative = s.mul(s.c(attr(op.getAlphaAttr())), s.expm1(x));
        Value positive = s.cmp(P::OGT, x, s.c(0.0));
        return s.mul(s.c(attr(op.getGammaAttr())),
                     s.select(positive, x, negative));
      });
  patterns.add<ActivationToGeneric<CeluOp>>(
      context, [](const Scalar &s, CeluOp op, Value x) {
        Value alpha = s.c(attr(op.getAlphaAttr()));
        Value negative = s.mul(alpha, s.expm1(s.div(x, alpha)));
        return s.add(s.max(s.c(0.0), x), s.min(s.c(0.0), negative));
      });
  patterns.add<ActivationToGeneric<HardSigmoidOp>>(
      context, [](const Scalar &s, HardSigmoidOp op, Value x) {
        Value linear = s.add(s.mul(s.c(attr(op.getAlphaAttr())), x),
                             s.c(attr(op.getBetaAttr())));
        return s.max(s.c(0.0), s.min(s.c(1.0), linear));
      });
  patterns.add<ActivationToGeneric<HardSwishOp>>(
      context, [](const Scalar &s, HardSwishOp, Value x) {
        // ONNX defines HardSwish as x * HardSigmoid(x, alpha = 1/6, beta = 0.5).
        Value linear = s.add(s.mul(s.c(1.0 / 6.0), x), s.c(0.5));
        return s.mul(x, s.max(s.c(0.0), s.min(s.c(1.0), linear)));
      });
  patterns.add<ActivationToGeneric<SoftplusOp>>(
      context, [](const Scalar &s, SoftplusOp, Value x) {
        // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)): exp never overflows.
        Value tail = s.b.create<math::Log1pOp>(
            s.loc, s.b.create<math::ExpOp>(
                       s.loc, s.b.create<arith::NegFOp>(s.loc, s.abs(x))));
        return s.add(s.max(x, s.c(0.0)), tail);
      });
  patterns.add<ActivationToGeneric<SoftsignOp>>(
      context, [](const Scalar &s, SoftsignOp, Value x) {
        return s.div(x, s.add(s.c(1.0), s.abs(x)));
      });
  patterns.add<ActivationToGeneric<ThresholdedReluOp>>(
      context, [](const Scalar &s, ThresholdedReluOp op, Value x) {
        Value above = s.cmp(P::OGT, x, s.c(attr(op.getAlphaAttr())));
        return s.select(above, x, s.c(0.0));
      });
  patterns.add<ActivationToGeneric<ShrinkOp>>(
      context, [](const Scalar &s, ShrinkOp op, Value x) {
        double lambd = attr(op.getLambdAttr());
        Value bias = s.c(attr(op.getBiasAttr()));
        Value below = s.cmp(P::OLT, x, s.c(-lambd));
        Value above = s.cmp(P::OGT, x, s.c(lambd));
        return s.select(below, s.add(x, bias),
                        s.select(above, s.sub(x, bias), s.c(0.0)));
      });
  patterns.add<PReluToGeneric>(context);

  patterns.add<ActivationToGeneric<SinOp>>(
      context, [](const Scalar &s, SinOp, Value x) -> Value {
        return s.b.create<math::SinOp>(s.loc, reducePeriod(s, x));
      });
  patterns.add<ActivationToGeneric<CosOp>>(
      context, [](const Scalar &s, CosOp, Value x) -> Value {
        return s.b.create<math::CosOp>(s.loc, reducePeriod(s, x));
      });
  addMathOp<TanOp, math::TanOp>(patterns);
  patterns.add<ActivationToGeneric<AsinOp>>(
      context, [](const Scalar &s, AsinOp, Value x) -> Value {
        if (s.type.isF64())
          return s.b.create<math::AsinOp>(s.loc, x);
        // kiln-approximate-math's f32 polynomial for math.asin (MLIR 19)
        // errs by up to 0.14 near |x| = 1; its atan2 is within 5e-6. (1 - x)
        // * (1 + x) keeps 1 - x^2 exact near |x| = 1; outside [-1, 1] the
        // sqrt is NaN, and so is the result, as for asin.
        Value one = s.c(1.0);
        Value cosine = s.b.create<math::SqrtOp>(
            s.loc, s.mul(s.sub(one, x), s.add(one, x)));
        return s.b.create<math::Atan2Op>(s.loc, x, cosine);
      });
  addMathOp<AcosOp, math::AcosOp>(patterns);
  addMathOp<AtanOp, math::AtanOp>(patterns);
  addMathOp<SinhOp, math::SinhOp>(patterns);
  addMathOp<CoshOp, math::CoshOp>(patterns);
  addMathOp<AsinhOp, math::AsinhOp>(patterns);
  addMathOp<AcoshOp, math::AcoshOp>(patterns);
  addMathOp<AtanhOp, math::AtanhOp>(patterns);
}

} // namespace kiln::lowering
