//===- Pooling.cpp - 2-D pooling that reads its input in place -------------===//
//
// Conv.cpp pools any number of spatial dims by padding the whole input
// (a fill and a copy of all of it) and sliding one window generic over the
// padded copy: for a pooling layer, which does little more per element than
// read it, the copy costs as much as the pooling. Static f32 NCHW 2-D
// MaxPool and AveragePool instead lower region by region (WindowRegions,
// the scheme of DepthwiseConv.cpp): the interior, whose windows lie inside
// the input, is one window generic on the input itself,
//
//   out[n, c, oh, ow] = max(out, in[n, c, oh * s0 + kh * d0, ow * s1 + kw * d1])
//   out[n, c, oh, ow] = out + in[...] * (1 / (KH * KW))               (average)
//
// over loops (n, c, oh, ow | kh, kw), the form kiln-vectorize-depthwise-conv
// turns into register blocks along the output width; the bands above,
// below, left and right of it each read a padded copy of only the rows or
// columns they touch (-inf for max, which never wins; 0 for average). An
// average band scales each tap by its output's 1 / divisor (a constant
// table over the band: count_include_pad, ceil_mode), so no pass over the
// output divides the sums afterwards. Every generic writes its slice of one
// output filled with -inf (max) or 0 (average).
//
// Everything else (other ranks, integer max pools, dynamic shapes, max
// pools with indices, Lp pools) keeps Conv.cpp's lowering (benefit 1).
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

/// Why \p op (input, result) cannot take the in-place lowering, or null.
const char *unsupported(Value input, Type result) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(result);
  if (inputType.getRank() != 4)
    return "in-place pooling: 2-D only";
  if (!inputType.getElementType().isF32())
    return "in-place pooling: f32 only";
  if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
    return "in-place pooling: static shapes only";
  return nullptr;
}

/// Lowers one 2-D pool: max when \p divisors is empty, else an average whose
/// output (oh, ow) divides by divisors[0][oh] * divisors[1][ow].
Value lowerPool(PatternRewriter &rewriter, Location loc, Value input,
                RankedTensorType resultType, ArrayRef<int64_t> kernel,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                ArrayRef<int64_t> dilations,
                ArrayRef<SmallVector<double>> divisors) {
  MLIRContext *context = rewriter.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  bool isMax = divisors.empty();
  Type element = resultType.getElementType();
  double init = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
  Value padValue = scalarConstant(rewriter, loc, element, init);
  Value pooled = filledTensor(rewriter, loc, resultType, init);
  // The window operand only gives the tap loops their extents.
  Value taps = rewriter.create<tensor::EmptyOp>(loc, kernel, element);

  // Loops: n, c, oh, ow, kh, kw.
  auto d = [&](unsigned i) { return rewriter.getAffineDimExpr(i); };
  AffineMap inputMap = AffineMap::get(
      6, 0,
      {d(0), d(1), d(2) * strides[0] + d(4) * dilations[0],
       d(3) * strides[1] + d(5) * dilations[1]},
      context);
  AffineMap tapMap = AffineMap::get(6, 0, {d(4), d(5)}, context);
  AffineMap scaleMap = AffineMap::get(6, 0, {d(2), d(3)}, context);
  AffineMap outMap = AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, context);
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(2, utils::IteratorType::reduction);

  WindowRegions regions(inputType.getShape(), resultType.getShape(), kernel,
                        strides, pads, dilations);
  ArrayRef<int64_t> out = resultType.getShape();
  auto fold = [&](ArrayRef<int64_t> values) {
    return getAsIndexOpFoldResult(context, values);
  };
  auto floatType = cast<FloatType>(element);
  regions.forEach([&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    Value window = regions.read(rewriter, loc, input, r0, r1, c0, c1, padValue);
    SmallVector<int64_t> offsets = {0, 0, r0, c0};
    SmallVector<int64_t> sizes = {out[0], out[1], r1 - r0, c1 - c0};
    SmallVector<int64_t> unit(4, 1);
    Value slice = rewriter.create<tensor::ExtractSliceOp>(
        loc, pooled, fold(offsets), fold(sizes), fold(unit));
    SmallVector<Value> inputs = {window, taps};
    SmallVector<AffineMap> maps = {inputMap, tapMap, outMap};
    // An average's scale: one constant where every window counts the same
    // (always in the interior), else a table over the region's outputs.
    Value scale;
    if (!isMax) {
      SmallVector<double> scales;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c)
          scales.push_back(1.0 / (divisors[0][r] * divisors[1][c]));
      if (llvm::all_equal(scales)) {
        scale = scalarConstant(rewriter, loc, element, scales.front());
      } else {
        SmallVector<APFloat> table;
        for (double value : scales) {
          APFloat converted(value);
          bool lost;
          converted.convert(floatType.getFloatSemantics(),
                            APFloat::rmNearestTiesToEven, &lost);
          table.push_back(converted);
        }
        auto tableType = RankedTensorType::get({r1 - r0, c1 - c0}, floatType);
        inputs.push_back(rewriter.create<arith::ConstantOp>(
            loc, DenseElementsAttr::get(tableType, table)));
        maps.insert(maps.begin() + 2, scaleMap);
      }
    }
    Value part =
        rewriter
            .create<linalg::GenericOp>(
                loc, slice.getType(), inputs, slice, maps, iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value next;
                  if (isMax) {
                    next = b.create<arith::MaximumFOp>(l, args[0], args[2]);
                  } else {
                    Value factor = scale ? scale : args[2];
                    Value scaled = b.create<arith::MulFOp>(l, args[0], factor);
                    next = b.create<arith::AddFOp>(l, args.back(), scaled);
                  }
                  b.create<linalg::YieldOp>(l, next);
                })
            .getResult(0);
    pooled = rewriter.create<tensor::InsertSliceOp>(
        loc, part, pooled, fold(offsets), fold(sizes), fold(unit));
  });
  return pooled;
}

/// MaxPool: padding is -inf, so it never wins.
struct MaxPoolInPlace : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp op,
                                PatternRewriter &rewriter) const override {
    if (const char *reason = unsupported(op.getInput(), op.getType()))
      return rewriter.notifyMatchFailure(op, reason);
    rewriter.replaceOp(
        op, lowerPool(rewriter, op.getLoc(), op.getInput(),
                      cast<RankedTensorType>(op.getType()),
                      op.getKernelShape(), op.getStrides(), op.getPads(),
                      op.getDilations(), {}));
    return success();
  }
};

/// AveragePool: each output divides by the taps inside the input (plus the
/// explicit pads with count_include_pad; never the ceil_mode overhang).
struct AveragePoolInPlace : OpRewritePattern<AveragePoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AveragePoolOp op,
                                PatternRewriter &rewriter) const override {
    if (const char *reason = unsupported(op.getInput(), op.getType()))
      return rewriter.notifyMatchFailure(op, reason);
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads();
    SmallVector<SmallVector<double>> divisors;
    for (int i = 0; i < 2; ++i)
      divisors.push_back(reciprocalCounts(
          inputType.getDimSize(2 + i), resultType.getDimSize(2 + i),
          kernel[i], strides[i], pads[i], pads[2 + i],
          op.getCountIncludePad()));
    SmallVector<int64_t> ones(2, 1);
    rewriter.replaceOp(op, lowerPool(rewriter, op.getLoc(), op.getInput(),
                                     resultType, kernel, strides, pads, ones,
                                     divisors));
    return success();
  }
};

} // namespace

void populatePoolingPatterns(RewritePatternSet &patterns) {
  // Ahead of Conv.cpp's padded window generics (benefit 1).
  patterns.add<MaxPoolInPlace, AveragePoolInPlace>(patterns.getContext(),
                                                   /*benefit=*/2);
}

} // namespace kiln::lowering
