//===- Normalization.cpp - kiln softmax and normalisation ops to linalg ---===//
//
// Batch, instance, layer and mean-variance normalisation share one
// two-pass computation of the statistics (mean, then the biased variance of
// the centered values) over a set of dims kept with size 1, so that the
// statistics broadcast back over the input.
//
//===----------------------------------------------------------------------===//

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

/// Combines \p input over the dims where \p reduced is true (kept with size
/// 1), starting from \p init, with \p fn(b, loc, {element, accumulator}).
Value reduceDims(OpBuilder &b, Location loc, Value input,
                 ArrayRef<bool> reduced, double init, ScalarFn fn) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    if (reduced[i]) {
      shape[i] = 1;
      outExprs.push_back(b.getAffineConstantExpr(0));
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      outExprs.push_back(b.getAffineDimExpr(i));
      iterators.push_back(utils::IteratorType::parallel);
    }
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, outExprs, b.getContext())};
  return b
      .create<linalg::GenericOp>(
          loc, resultType, input, filledTensor(b, loc, resultType, init), maps,
          iterators,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            nb.create<linalg::YieldOp>(l, fn(nb, l, {args[0], args[1]}));
          })
      .getResult(0);
}

/// Statistics of \p x over the dims where \p reduced is true: `centered` is
/// x - mean, `mean` and `invStd` = 1 / sqrt(var + epsilon) keep the reduced
/// dims with size 1 (`var` is the biased variance, from the centered values).
/// With \p epsilonOutside, `invStd` is 1 / (sqrt(var) + epsilon) instead.
struct Moments {
  Value centered, mean, invStd;
};

Moments moments(OpBuilder &b, Location loc, Value x, ArrayRef<bool> reduced,
                double epsilon, bool epsilonOutside = false) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t count = 1;
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (reduced[i])
      count *= dim;
  double scale = 1.0 / static_cast<double>(count);
  auto add = [](OpBuilder &nb, Location l, ValueRange args) {
    return nb.create<arith::AddFOp>(l, args[0], args[1]).getResult();
  };
  Value sum = reduceDims(b, loc, x, reduced, 0.0, add);
  auto statsType = cast<RankedTensorType>(sum.getType());
  Value mean = elementwise(b, loc, statsType, sum,
                           [&](OpBuilder &nb, Location l, ValueRange args) {
                             Value s = scalarConstant(nb, l, args[0].getType(),
                                                      scale);
                             return nb.create<arith::MulFOp>(l, args[0], s)
                                 .getResult();
                           });
  Value centered = elementwise(b, loc, type, {x, mean},
                               [](OpBuilder &nb, Location l, ValueRange args) {
                                 return nb.create<arith::SubFOp>(l, args[0],
                                                                 args[1])
                                     .getResult();
                               });
  Value squares = reduceDims(
      b, loc, centered, reduced, 0.0,
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value square = nb.create<arith::MulFOp>(l, args[0], args[0]);
        return nb.create<arith::AddFOp>(l, args[1], square).getResult();
      });
  Value invStd = elementwise(
      b, loc, statsType, squares,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Type t = args[0].getType();
        Value var = nb.create<arith::MulFOp>(l, args[0],
                                             scalarConstant(nb, l, t, scale));
        Value eps = scalarConstant(nb, l, t, epsilon);
        Value root =
            epsilonOutside
                ? nb.create<arith::AddFOp>(
                      l, nb.create<math::SqrtOp>(l, var), eps)
                : nb.create<math::SqrtOp>(
                      l, nb.create<arith::AddFOp>(l, var, eps))
                      .getResult();
        return nb.create<arith::DivFOp>(l, scalarConstant(nb, l, t, 1.0), root)
            .getResult();
      });
  return {centered, mean, invStd};
}

/// Converts a float tensor to element type \p element (extf or truncf).
Value castFloats(OpBuilder &b, Location loc, Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  bool widen = element.getIntOrFloatBitWidth() >
               type.getElementType().getIntOrFloatBitWidth();
  return elementwise(b, loc, type.clone(element), value,
                     [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                       if (widen)
                         return nb.create<arith::ExtFOp>(l, element, args[0]);
                       return nb.create<arith::TruncFOp>(l, element, args[0]);
                     });
}

/// y = centered * invStd * scale + bias, the scale and bias broadcast.
Value affine(OpBuilder &b, Location loc, RankedTensorType type,
             const Moments &m, Value scale, Value bias) {
  SmallVector<Value> operands = {m.centered, m.invStd, scale};
  if (bias)
    operands.push_back(bias);
  return elementwise(b, loc, type, operands,
                     [&](OpBuilder &nb, Location l, ValueRange args) {
                       Value y = nb.create<arith::MulFOp>(
                           l, nb.create<arith::MulFOp>(l, args[0], args[1]),
                           args[2]);
                       if (args.size() > 3)
                         y = nb.create<arith::AddFOp>(l, y, args[3]);
                       return y;
                     });
}

/// [1, C, 1, ...] -> [C].
Value dropUnitDims(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  ReassociationIndices all;
  for (int64_t i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  return b.create<tensor::CollapseShapeOp>(
      loc, RankedTensorType::get({type.getNumElements()}, type.getElementType()),
      value, ArrayRef<ReassociationIndices>{all});
}

struct BatchNormTrainingLowering : OpRewritePattern<BatchNormTrainingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormTrainingOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType(0));
    int64_t trailing = type.getRank() - 2;
    SmallVector<bool> reduced(type.getRank(), true);
    reduced[1] = false;
    Moments m = moments(rewriter, loc, op.getInput(), reduced,
                        op.getEpsilon().convertToDouble());
    Value y = affine(rewriter, loc, type, m,
                     channelVector(rewriter, loc, op.getScale(), trailing),
                     channelVector(rewriter, loc, op.getBias(), trailing));
    // running = old * momentum + current * (1 - momentum), current being
    // the batch mean and the biased batch variance.
    double momentum = op.getMomentum().convertToDouble();
    auto vectorType = cast<RankedTensorType>(op.getMean().getType());
    auto blend = [&](OpBuilder &b, Location l, ValueRange args) {
      Type t = args[0].getType();
      Value old = b.create<arith::MulFOp>(l, args[0],
                                          scalarConstant(b, l, t, momentum));
      Value cur = b.create<arith::MulFOp>(
          l, args[1], scalarConstant(b, l, t, 1.0 - momentum));
      return b.create<arith::AddFOp>(l, old, cur).getResult();
    };
    Value batchMean = dropUnitDims(rewriter, loc, m.mean);
    // var = 1 / invStd^2 - epsilon would lose precision: recompute it.
    Value squares = reduceDims(
        rewriter, loc, m.centered, reduced, 0.0,
        [](OpBuilder &b, Location l, ValueRange args) {
          Value square = b.create<arith::MulFOp>(l, args[0], args[0]);
          return b.create<arith::AddFOp>(l, args[1], square).getResult();
        });
    double count = static_cast<double>(type.getNumElements()) /
                   static_cast<double>(type.getDimSize(1));
    Value batchVar = elementwise(
        rewriter, loc, vectorType, dropUnitDims(rewriter, loc, squares),
        [&](OpBuilder &b, Location l, ValueRange args) {
          return b.create<arith::MulFOp>(
                      l, args[0],
                      scalarConstant(b, l, args[0].getType(), 1.0 / count))
              .getResult();
        });
    Value runningMean = elementwise(rewriter, loc, vectorType,
                                    {op.getMean(), batchMean}, blend);
    Value runningVar = elementwise(rewriter, loc, vectorType,
                                   {op.getVar(), batchVar}, blend);
    rewriter.replaceOp(op, ValueRange{y, runningMean, runningVar});
    return success();
  }
};

struct InstanceNormLowering : OpRewritePattern<InstanceNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(InstanceNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t trailing = type.getRank() - 2;
    SmallVector<bool> reduced(type.getRank(), true);
    reduced[0] = reduced[1] = false;
    Moments m = moments(rewriter, loc, op.getInput(), reduced,
                        op.getEpsilon().convertToDouble());
    rewriter.replaceOp(
        op, affine(rewriter, loc, type, m,
                   channelVector(rewriter, loc, op.getScale(), trailing),
                   channelVector(rewriter, loc, op.getBias(), trailing)));
    return success();
  }
};

/// Statistics in the stash type (the input is converted when it differs),
/// y converted back to the input's element type.
struct LayerNormLowering : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType(0));
    Type stash = cast<RankedTensorType>(op.getMean().getType()).getElementType();
    SmallVector<bool> reduced(type.getRank(), false);
    for (int64_t i = op.getAxis(); i < type.getRank(); ++i)
      reduced[i] = true;
    Value x = castFloats(rewriter, loc, op.getInput(), stash);
    Moments m =
        moments(rewriter, loc, x, reduced, op.getEpsilon().convertToDouble());
    Value scale = castFloats(rewriter, loc, op.getScale(), stash);
    Value bias = op.getBias() ? castFloats(rewriter, loc, op.getBias(), stash)
                              : Value();
    Value y = affine(rewriter, loc, type.clone(stash), m, scale, bias);
    rewriter.replaceOp(op, ValueRange{castFloats(rewriter, loc, y,
                                                 type.getElementType()),
                                      m.mean, m.invStd});
    return success();
  }
};

/// (x - mean) / (sqrt(var) + 1e-9), as the ONNX function body computes it.
struct MeanVarianceNormLowering : OpRewritePattern<MeanVarianceNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MeanVarianceNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<bool> reduced(type.getRank(), false);
    for (int64_t axis : op.getAxes())
      reduced[axis] = true;
    Moments m = moments(rewriter, loc, op.getInput(), reduced, 1e-9,
                        /*epsilonOutside=*/true);
    rewriter.replaceOp(
        op, elementwise(rewriter, loc, type, {m.centered, m.invStd},
                        [](OpBuilder &b, Location l, ValueRange args) {
                          return b.create<arith::MulFOp>(l, args[0], args[1])
                              .getResult();
                        }));
    return success();
  }
};

/// Squares, pads the channel dim with zeros and sums a window of `size`
/// channels (a generic whose tap loop takes its extent from an empty
/// [size] tensor); then y = x / (bias + alpha / size * sum)^beta.
struct LRNLowering : OpRewritePattern<LRNOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LRNOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    int64_t rank = type.getRank(), size = op.getSize();
    Value squares = elementwise(rewriter, loc, type, op.getInput(),
                                [](OpBuilder &b, Location l, ValueRange args) {
                                  return b.create<arith::MulFOp>(l, args[0],
                                                                 args[0])
                                      .getResult();
                                });
    SmallVector<int64_t> low(rank, 0), high(rank, 0);
    low[1] = (size - 1) / 2;
    high[1] = size - 1 - low[1];
    Value padded = padConstant(rewriter, loc, squares, low, high, 0.0);
    Value window = rewriter.create<tensor::EmptyOp>(
        loc, ArrayRef<int64_t>{size}, element);
    // Loops: the result dims, then the tap t; reads padded[.., c + t, ..].
    SmallVector<AffineExpr> inputExprs;
    for (int64_t i = 0; i < rank; ++i)
      inputExprs.push_back(rewriter.getAffineDimExpr(i));
    inputExprs[1] = inputExprs[1] + rewriter.getAffineDimExpr(rank);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inputExprs, context),
        AffineMap::get(rank + 1, 0, rewriter.getAffineDimExpr(rank), context),
        AffineMap::getMultiDimIdentityMap(rank + 1, context).getMajorSubMap(
            rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value sums =
        rewriter
            .create<linalg::GenericOp>(
                loc, type, ValueRange{padded, window},
                filledTensor(rewriter, loc, type, 0.0), maps, iterators,
                [](OpBuilder &b, Location l, ValueRange args) {
                  b.create<linalg::YieldOp>(
                      l, b.create<arith::AddFOp>(l, args[2], args[0])
                             .getResult());
                })
            .getResult(0);
    double alpha = op.getAlpha().convertToDouble() / static_cast<double>(size);
    double beta = op.getBeta().convertToDouble();
    double bias = op.getBias().convertToDouble();
    rewriter.replaceOp(
        op, elementwise(rewriter, loc, type, {op.getInput(), sums},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          Type t = args[0].getType();
                          Value base = b.create<arith::AddFOp>(
                              l, scalarConstant(b, l, t, bias),
                              b.create<arith::MulFOp>(
                                  l, args[1], scalarConstant(b, l, t, alpha)));
                          Value denominator = b.create<math::PowFOp>(
                              l, base, scalarConstant(b, l, t, beta));
                          return b.create<arith::DivFOp>(l, args[0],
                                                         denominator)
                              .getResult();
                        }));
    return success();
  }
};

} // namespace

void populateNormalizationPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering>(patterns.getContext());
  patterns.add<BatchNormTrainingLowering, InstanceNormLowering,
               LayerNormLowering, MeanVarianceNormLowering, LRNLowering>(
      patterns.getContext());
}

} // namespace kiln::lowering
