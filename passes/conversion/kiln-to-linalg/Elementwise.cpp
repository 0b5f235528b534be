//===- Elementwise.cpp - kiln elementwise ops to linalg.generic -----------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

/// Lowers a broadcasting binary op to one generic whose body is FloatOp for
/// float elements and IntOp (signless integers) otherwise.
template <typename KilnOp, typename FloatOp, typename IntOp>
struct BinaryToGeneric : OpRewritePattern<KilnOp> {
  using OpRewritePattern<KilnOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    if (isUnsigned(element))
      return rewriter.notifyMatchFailure(op, "unsigned integers");
    bool isFloat = isa<FloatType>(element);
    Value result = elementwise(
        rewriter, op.getLoc(), type, {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (isFloat)
            return b.create<FloatOp>(loc, args[0], args[1]);
          return b.create<IntOp>(loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

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

} // namespace

void populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<BinaryToGeneric<AddOp, arith::AddFOp, arith::AddIOp>,
               BinaryToGeneric<SubOp, arith::SubFOp, arith::SubIOp>,
               BinaryToGeneric<MulOp, arith::MulFOp, arith::MulIOp>,
               BinaryToGeneric<DivOp, arith::DivFOp, arith::DivSIOp>>(context);
  patterns.add<UnaryToGeneric<ReluOp>>(context, relu);
  patterns.add<UnaryToGeneric<SigmoidOp>>(context, sigmoid);
  patterns.add<UnaryToGeneric<TanhOp>>(context, tanh);
}

} // namespace kiln::lowering
