//===- DepthwiseConv.cpp - Depthwise 2-D convolutions to linalg ------------===//
//
// A depthwise convolution (NCHW, group == input channels, any channel
// multiplier M) has no reduction over channels, so im2col would gain nothing
// and the generic grouped lowering of Conv.cpp carries a unit channel loop
// and a bias pass of its own. This lowering emits the form that
// kiln-vectorize-depthwise-conv recognises on buffers and turns into
// register-blocked FMA loops along the output width:
//
//   out[n, c, m, oh, ow] += in[n, c, oh * s0 + kh * d0, ow * s1 + kw * d1]
//                         * filter[c, m, 0, kh, kw]
//
// over loops (n, c, m, oh, ow | kh, kw); the output [N, C, M, OH, OW] is the
// result [N, C*M, OH, OW] expanded (a reshape), seeded with the bias (or
// zero), so the bias costs no extra pass over the output.
//
// The input is not padded as a whole (a fill and a copy of all of it, which
// cost a depthwise layer as much as its FMAs): the outputs whose windows lie
// inside the input form an interior rectangle, computed by one generic on
// the input itself; the bands above, below, left and right of it each read
// a padded copy of only the rows or columns they touch. Each generic writes
// its slice of the output (extract_slice / insert_slice, in place after
// bufferization).
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

struct DepthwiseConvLowering : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (inputType.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "depthwise: 2-D only");
    int64_t channels = inputType.getDimSize(1);
    int64_t group = op.getGroup();
    if (group <= 1 || group != channels)
      return rewriter.notifyMatchFailure(op, "not depthwise");
    int64_t features = filterType.getDimSize(0);
    if (features % channels != 0 || filterType.getDimSize(1) != 1)
      return rewriter.notifyMatchFailure(op, "depthwise: bad filter shape");
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type element = resultType.getElementType();
    int64_t multiplier = features / channels;
    ArrayRef<int64_t> pads = op.getPads(), strides = op.getStrides(),
                      dilations = op.getDilations();

    Value filter = rewriter.create<tensor::ExpandShapeOp>(
        loc,
        RankedTensorType::get({channels, multiplier, 1,
                               filterType.getDimSize(2),
                               filterType.getDimSize(3)},
                              element),
        op.getFilter(),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});

    Value init;
    if (Value bias = op.getBias())
      init = elementwise(rewriter, loc, resultType,
                         channelVector(rewriter, loc, bias, 2),
                         [](OpBuilder &, Location, ValueRange args) {
                           return args[0];
                         });
    else
      init = filledTensor(rewriter, loc, resultType, 0.0);
    ArrayRef<int64_t> out = resultType.getShape();
    // With a multiplier, the output is [N, C, M, OH, OW] (a reshape); without
    // one it stays [N, C, OH, OW] (the filter gives the unit m loop its
    // extent), so that no reshape stands between the result and the
    // function's output buffer.
    bool split = multiplier > 1;
    SmallVector<ReassociationIndices> splitDims = {{0}, {1, 2}, {3}, {4}};
    if (split)
      init = rewriter.create<tensor::ExpandShapeOp>(
          loc,
          RankedTensorType::get({out[0], channels, multiplier, out[2], out[3]},
                                element),
          init, splitDims);

    // Loops: n, c, m, oh, ow, kh, kw.
    auto d = [&](unsigned i) { return rewriter.getAffineDimExpr(i); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0,
                       {d(0), d(1), d(3) * strides[0] + d(5) * dilations[0],
                        d(4) * strides[1] + d(6) * dilations[1]},
                       context),
        AffineMap::get(7, 0,
                       {d(1), d(2), rewriter.getAffineConstantExpr(0), d(5),
                        d(6)},
                       context),
        split ? AffineMap::get(7, 0, {d(0), d(1), d(2), d(3), d(4)}, context)
              : AffineMap::get(7, 0, {d(0), d(1), d(3), d(4)}, context)};
    SmallVector<utils::IteratorType> iterators(5,
                                               utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);

    // Output rows [r0, r1) x columns [c0, c1) from the input window they
    // read. The interior reads the input in place; only the bands around it
    // pad (small) copies of the rows or columns they read.
    WindowRegions regions(inputType.getShape(), resultType.getShape(),
                          filterType.getShape().drop_front(2), strides, pads,
                          dilations);
    Value zero = scalarConstant(rewriter, loc, element, 0.0);
    Value conv = init;
    auto fold = [&](ArrayRef<int64_t> values) {
      return getAsIndexOpFoldResult(context, values);
    };
    regions.forEach([&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
      Value window =
          regions.read(rewriter, loc, op.getInput(), r0, r1, c0, c1, zero);
      SmallVector<int64_t> outOffsets = {0, 0, 0, r0, c0};
      SmallVector<int64_t> outSizes = {out[0], channels, multiplier, r1 - r0,
                                       c1 - c0};
      if (!split) {
        outOffsets.erase(outOffsets.begin() + 2);
        outSizes.erase(outSizes.begin() + 2);
      }
      SmallVector<int64_t> outUnit(outSizes.size(), 1);
      Value slice = rewriter.create<tensor::ExtractSliceOp>(
          loc, conv, fold(outOffsets), fold(outSizes), fold(outUnit));
      Value part =
          rewriter
              .create<linalg::GenericOp>(
                  loc, slice.getType(), ValueRange{window, filter}, slice,
                  maps, iterators,
                  [](OpBuilder &b, Location l, ValueRange args) {
                    Value product =
                        b.create<arith::MulFOp>(l, args[0], args[1]);
                    b.create<linalg::YieldOp>(
                        l, b.create<arith::AddFOp>(l, args[2], product)
                               .getResult());
                  })
              .getResult(0);
      conv = rewriter.create<tensor::InsertSliceOp>(
          loc, part, conv, fold(outOffsets), fold(outSizes), fold(outUnit));
    });
    if (split)
      conv = rewriter.create<tensor::CollapseShapeOp>(loc, resultType, conv,
                                                      splitDims);
    rewriter.replaceOp(op, conv);
    return success();
  }
};

} // namespace

void populateDepthwiseConvPatterns(RewritePatternSet &patterns) {
  // Ahead of Conv.cpp's grouped window generic (benefit 1).
  patterns.add<DepthwiseConvLowering>(patterns.getContext(), /*benefit=*/2);
}

} // namespace kiln::lowering
