//===- Normalization.cpp - kiln softmax and batch norm to linalg ----------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

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
  patterns.add<BatchNormLowering>(patterns.getContext());
}

} // namespace kiln::lowering
