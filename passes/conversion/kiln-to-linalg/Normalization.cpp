//===- Normalization.cpp - kiln softmax and batch norm to linalg ----------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

/// softmax(x) = exp(x - max) / sum(exp(x - max)) along the axis;
/// log_softmax(x) = (x - max) - log(sum(exp(x - max))). Subtracting the max
/// keeps exp from overflowing.
template <typename OpTy, bool isLog>
struct SoftmaxLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    Value x = op.getInput();
    Value max = reduceAxis(rewriter, loc, x, axis,
                           -std::numeric_limits<double>::infinity(),
                           [](OpBuilder &b, Location l, ValueRange args) {
                             return b.create<arith::MaximumFOp>(l, args[0], args[1])
                                 .getResult();
                           });
    Value shifted = elementwise(rewriter, loc, type, {x, max},
                                [](OpBuilder &b, Location l, ValueRange args) {
                                  return b.create<arith::SubFOp>(l, args[0], args[1])
                                      .getResult();
                                });
    Value exps = elementwise(rewriter, loc, type, shifted,
                             [](OpBuilder &b, Location l, ValueRange args) {
                               return b.create<math::ExpOp>(l, args[0]).getResult();
                             });
    Value sum = reduceAxis(rewriter, loc, exps, axis, 0.0,
                           [](OpBuilder &b, Location l, ValueRange args) {
                             return b.create<arith::AddFOp>(l, args[0], args[1])
                                 .getResult();
                           });
    Value result;
    if constexpr (isLog)
      result = elementwise(rewriter, loc, type, {shifted, sum},
                           [](OpBuilder &b, Location l, ValueRange args) {
                             Value log = b.create<math::LogOp>(l, args[1]);
                             return b.create<arith::SubFOp>(l, args[0], log)
                                 .getResult();
                           });
    else
      result = elementwise(rewriter, loc, type, {exps, sum},
                           [](OpBuilder &b, Location l, ValueRange args) {
                             return b.create<arith::DivFOp>(l, args[0], args[1])
                                 .getResult();
                           });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y = x * s[c] + t[c] with s = scale / sqrt(var + eps), t = bias - mean * s,
/// computed once per channel on the [C] vectors.
struct BatchNormLowering : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto vectorType = cast<RankedTensorType>(op.getScale().getType());
    double epsilon = op.getEpsilon().convertToDouble();
    Value s = elementwise(
        rewriter, loc, vectorType, {op.getScale(), op.getVar()},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value eps = scalarConstant(b, l, args[1].getType(), epsilon);
          Value root = b.create<math::SqrtOp>(
              l, b.create<arith::AddFOp>(l, args[1], eps));
          return b.create<arith::DivFOp>(l, args[0], root).getResult();
        });
    Value t = elementwise(rewriter, loc, vectorType, {op.getBias(), op.getMean(), s},
                          [](OpBuilder &b, Location l, ValueRange args) {
                            Value scaledMean =
                                b.create<arith::MulFOp>(l, args[1], args[2]);
                            return b.create<arith::SubFOp>(l, args[0], scaledMean)
                                .getResult();
                          });
    int64_t trailing = type.getRank() - 2;
    auto toChannel = [&](Value v) {
      return channelVector(rewriter, loc, v, trailing);
    };
    Value result = elementwise(
        rewriter, loc, type, {op.getInput(), toChannel(s), toChannel(t)},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value scaled = b.create<arith::MulFOp>(l, args[0], args[1]);
          return b.create<arith::AddFOp>(l, scaled, args[2]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>, BatchNormLowering>(
      patterns.getContext());
}

} // namespace kiln::lowering
