//===- GroupedConv.cpp - Grouped convolutions as batched matmuls ----------===//
//
// A grouped convolution with several channels per group (ResNeXt-style) as
// one matrix product per group (im2col), so that its FLOPs run in the
// contraction kernels of kiln-tile-and-vectorize-contractions rather than
// in Conv.cpp's window generic. With G groups of CG input and MG output
// channels:
//
//   patches[g, cg, k..., n, o...] = input[n, g, cg, o * stride + k * dil]
//   (one gather generic over the padded input; a free reshape to
//   [G, CG*K, N*O])
//   out[g, mg, N*O] = bias + filter[g, mg, CG*K] x patches[g, CG*K, N*O]
//   (linalg.batch_matmul)
//
// and [G, MG, N, O...] becomes [N, G*MG, O...] (a reshape when N is 1).
// Depthwise convolutions (CG == 1) lower in DepthwiseConv.cpp instead.
//
// Only up to kMaxColumns columns (N * output positions): measured on the
// 2-core AVX2 machine, 32 groups of 4 channels, 3x3, 1 thread, the product
// took 0.40 ms instead of the window generic's 0.69 ms at 28x28 (784
// columns) and 0.35 instead of 2.8 at 28x28 stride 2 (196), was even at
// 40x40 (1600), and 3-5x slower at 56x56 (3136), so the wide ones keep the
// window generic.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "ir/Shapes.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

/// The widest product (N * output positions) this lowering takes.
constexpr int64_t kMaxColumns = 1024;

struct GroupedConvAsBatchMatmul : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t group = op.getGroup();
    int64_t channels = inputType.getDimSize(1);
    if (group <= 1 || group == channels)
      return rewriter.notifyMatchFailure(op, "not grouped with CG > 1");
    int64_t batch = inputType.getDimSize(0);
    ArrayRef<int64_t> outSpatial = resultType.getShape().drop_front(2);
    int64_t columns = batch * shapeProduct(outSpatial);
    if (columns > kMaxColumns)
      return rewriter.notifyMatchFailure(op, "grouped: too wide for im2col");
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type element = resultType.getElementType();
    int64_t spatial = inputType.getRank() - 2;
    int64_t perGroup = channels / group;
    int64_t features = filterType.getDimSize(0);
    int64_t outPerGroup = features / group;
    ArrayRef<int64_t> kernel = filterType.getShape().drop_front(2);
    ArrayRef<int64_t> pads = op.getPads();

    SmallVector<int64_t> low = {0, 0}, high = {0, 0};
    low.append(pads.begin(), pads.begin() + spatial);
    high.append(pads.begin() + spatial, pads.end());
    Value input = padConstant(rewriter, loc, op.getInput(), low, high, 0.0);

    // patches[g, cg, k..., n, o...] = input[n, g * CG + cg, o * s + k * d].
    SmallVector<int64_t> patchShape = {group, perGroup};
    patchShape.append(kernel.begin(), kernel.end());
    patchShape.push_back(batch);
    patchShape.append(outSpatial.begin(), outSpatial.end());
    int64_t loops = patchShape.size();
    AffineExpr g = rewriter.getAffineDimExpr(0),
               cg = rewriter.getAffineDimExpr(1),
               n = rewriter.getAffineDimExpr(2 + spatial);
    SmallVector<AffineExpr> inExprs = {n, g * perGroup + cg};
    for (int64_t i = 0; i < spatial; ++i)
      inExprs.push_back(rewriter.getAffineDimExpr(3 + spatial + i) *
                            op.getStrides()[i] +
                        rewriter.getAffineDimExpr(2 + i) *
                            op.getDilations()[i]);
    auto patchType = RankedTensorType::get(patchShape, element);
    Value patches =
        rewriter
            .create<linalg::GenericOp>(
                loc, patchType, input, emptyTensor(rewriter, loc, patchType),
                SmallVector<AffineMap>{
                    AffineMap::get(loops, 0, inExprs, context),
                    rewriter.getMultiDimIdentityMap(loops)},
                SmallVector<utils::IteratorType>(loops,
                                                 utils::IteratorType::parallel),
                [](OpBuilder &b, Location l, ValueRange args) {
                  b.create<linalg::YieldOp>(l, args[0]);
                })
            .getResult(0);
    int64_t reduction = perGroup * shapeProduct(kernel);
    ReassociationIndices head = {1}, tail;
    for (int64_t i = 0; i < spatial; ++i)
      head.push_back(2 + i);
    for (int64_t i = 2 + spatial; i < loops; ++i)
      tail.push_back(i);
    Value rhs = rewriter.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({group, reduction, columns}, element),
        patches, ArrayRef<ReassociationIndices>{{0}, head, tail});

    // [G*MG, CG, K...] -> [G, MG, CG*K].
    ReassociationIndices filterTail;
    for (int64_t i = 1; i < filterType.getRank(); ++i)
      filterTail.push_back(i);
    Value weights = rewriter.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({features, reduction}, element),
        op.getFilter(), ArrayRef<ReassociationIndices>{{0}, filterTail});
    weights = rewriter.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get({group, outPerGroup, reduction}, element),
        weights, ArrayRef<ReassociationIndices>{{0, 1}, {2}});

    auto productType =
        RankedTensorType::get({group, outPerGroup, columns}, element);
    Value init;
    if (Value bias = op.getBias()) {
      Value column = rewriter.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get({group, outPerGroup, 1}, element), bias,
          ArrayRef<ReassociationIndices>{{0, 1, 2}});
      init = elementwise(rewriter, loc, productType, column,
                         [](OpBuilder &, Location, ValueRange args) {
                           return args[0];
                         });
    } else {
      init = filledTensor(rewriter, loc, productType, 0.0);
    }
    Value product =
        rewriter
            .create<linalg::BatchMatmulOp>(loc, ValueRange{weights, rhs}, init)
            .getResult(0);

    // [G, MG, N*O] -> [M, N*O] -> [N, M, O...].
    Value merged = rewriter.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({features, columns}, element), product,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    Value result = positionsToNchw(rewriter, loc, merged, resultType);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateGroupedConvPatterns(RewritePatternSet &patterns) {
  // Ahead of Conv.cpp's grouped window generic (benefit 1).
  patterns.add<GroupedConvAsBatchMatmul>(patterns.getContext(), /*benefit=*/2);
}

} // namespace kiln::lowering
