//===- Conv.cpp - kiln convolutions and pooling to linalg -----------------===//
//
// Convolution and pooling become explicit padding (tensor.pad) followed by
// one linalg.generic over the output dims (parallel) and the window dims
// (reduction), for any number of spatial dims. Groups get a dim of their own
// so that every loop's extent comes from an operand dim, as linalg requires.
// Windows that ceil_mode lets run past the end padding read extra padding
// that never wins (max) or never counts (average). Ungrouped convolutions
// (im2col) and transposed convolutions (col2im) instead run their FLOPs in
// one contraction, which codegen turns into register-tiled FMA kernels.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "ir/Shapes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;

namespace kiln::lowering {
namespace {

/// Padding for a window op on input [N, C, D...]: explicit pads, plus what
/// the last window needs beyond the end pad (ceil_mode).
void windowPads(RankedTensorType input, ArrayRef<int64_t> outShape,
                ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                SmallVectorImpl<int64_t> &low, SmallVectorImpl<int64_t> &high) {
  int64_t spatial = input.getRank() - 2;
  low.assign({0, 0});
  high.assign({0, 0});
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(i + 2);
    int64_t needed = (outShape[i + 2] - 1) * strides[i] +
                     (kernel[i] - 1) * dilations[i] + 1;
    int64_t available = in + pads[i] + pads[spatial + i];
    low.push_back(pads[i]);
    high.push_back(pads[spatial + i] + std::max<int64_t>(0, needed - available));
  }
}

/// Maps of a sliding window over loops (lead..., o..., k...): the input reads
/// (lead..., o_i * stride_i + k_i * dilation_i).
AffineMap windowInputMap(MLIRContext *context, int64_t loops,
                         ArrayRef<AffineExpr> lead, ArrayRef<AffineExpr> outs,
                         ArrayRef<AffineExpr> taps, ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  SmallVector<AffineExpr> exprs(lead);
  for (size_t i = 0; i < outs.size(); ++i)
    exprs.push_back(outs[i] * strides[i] + taps[i] * dilations[i]);
  return AffineMap::get(loops, 0, exprs, context);
}

SmallVector<AffineExpr> dims(OpBuilder &b, int64_t first, int64_t count) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < count; ++i)
    exprs.push_back(b.getAffineDimExpr(first + i));
  return exprs;
}

/// Splits dim \p dim of \p value into [outer, size / outer].
Value splitDim(OpBuilder &b, Location loc, Value value, int64_t dim,
               int64_t outer) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] /= outer;
  shape.insert(shape.begin() + dim, outer);
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i < dim)
      groups.push_back({i});
    else if (i == dim)
      groups.push_back({i, i + 1});
    else
      groups.push_back({i + 1});
  }
  return b.create<tensor::ExpandShapeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), value, groups);
}

/// Ungrouped convolution as a matrix product (im2col), so that it takes the
/// contraction fast path: the padded input is unfolded into patches
/// [C, K..., N, O...] by one gather generic (affine, no div/mod), which
/// collapses for free to [C*K, N*O]; then
///   [M, C*K] x [C*K, N*O] -> [M, N*O]
/// seeded with the bias, and [M, N, O...] is transposed to [N, M, O...]
/// (a reshape when N is 1). It costs C*K*N*O elements of patches.
struct ConvAsMatmul : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGroup() != 1)
      return rewriter.notifyMatchFailure(op, "grouped: window generic");
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    int64_t spatial = inputType.getRank() - 2;
    int64_t batch = inputType.getDimSize(0), channels = inputType.getDimSize(1);
    int64_t features = filterType.getDimSize(0);
    ArrayRef<int64_t> kernel = filterType.getShape().drop_front(2);
    ArrayRef<int64_t> outSpatial = resultType.getShape().drop_front(2);
    ArrayRef<int64_t> pads = op.getPads();

    SmallVector<int64_t> low = {0, 0}, high = {0, 0};
    low.append(pads.begin(), pads.begin() + spatial);
    high.append(pads.begin() + spatial, pads.end());
    Value input = padConstant(rewriter, loc, op.getInput(), low, high, 0.0);

    // patches[c, k..., n, o...] = input[n, c, o * stride + k * dilation].
    SmallVector<int64_t> patchShape = {channels};
    patchShape.append(kernel.begin(), kernel.end());
    patchShape.push_back(batch);
    patchShape.append(outSpatial.begin(), outSpatial.end());
    int64_t loops = patchShape.size();
    AffineExpr c = rewriter.getAffineDimExpr(0);
    SmallVector<AffineExpr> taps = dims(rewriter, 1, spatial);
    AffineExpr n = rewriter.getAffineDimExpr(1 + spatial);
    SmallVector<AffineExpr> outs = dims(rewriter, 2 + spatial, spatial);
    auto patchType = RankedTensorType::get(patchShape, element);
    Value patches =
        rewriter
            .create<linalg::GenericOp>(
                loc, patchType, input, emptyTensor(rewriter, loc, patchType),
                SmallVector<AffineMap>{
                    windowInputMap(context, loops, {n, c}, outs, taps,
                                   op.getStrides(), op.getDilations()),
                    rewriter.getMultiDimIdentityMap(loops)},
                SmallVector<utils::IteratorType>(loops,
                                                 utils::IteratorType::parallel),
                [](OpBuilder &b, Location l, ValueRange args) {
                  b.create<linalg::YieldOp>(l, args[0]);
                })
            .getResult(0);

    int64_t reduction = channels * shapeProduct(kernel);
    int64_t columns = batch * shapeProduct(outSpatial);
    ReassociationIndices head, tail;
    for (int64_t i = 0; i <= spatial; ++i)
      head.push_back(i);
    for (int64_t i = spatial + 1; i < loops; ++i)
      tail.push_back(i);
    Value lhs = rewriter.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({reduction, columns}, element), patches,
        ArrayRef<ReassociationIndices>{head, tail});
    ReassociationIndices filterTail;
    for (int64_t i = 1; i < filterType.getRank(); ++i)
      filterTail.push_back(i);
    Value weights = rewriter.create<tensor::CollapseShapeOp>(
        loc, RankedTensorType::get({features, reduction}, element),
        op.getFilter(), ArrayRef<ReassociationIndices>{{0}, filterTail});

    auto productType = RankedTensorType::get({features, columns}, element);
    Value init;
    if (Value bias = op.getBias()) {
      Value column = rewriter.create<tensor::ExpandShapeOp>(
          loc, RankedTensorType::get({features, 1}, element), bias,
          ArrayRef<ReassociationIndices>{{0, 1}});
      init = elementwise(rewriter, loc, productType, column,
                         [](OpBuilder &, Location, ValueRange args) {
                           return args[0];
                         });
    } else {
      init = filledTensor(rewriter, loc, productType, 0.0);
    }
    Value product = rewriter
                        .create<linalg::MatmulOp>(
                            loc, ValueRange{weights, lhs}, init)
                        .getResult(0);

    Value result = positionsToNchw(rewriter, loc, product, resultType);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvLowering : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    int64_t spatial = inputType.getRank() - 2;
    int64_t group = op.getGroup();
    ArrayRef<int64_t> pads = op.getPads();

    SmallVector<int64_t> low = {0, 0}, high = {0, 0};
    low.append(pads.begin(), pads.begin() + spatial);
    high.append(pads.begin() + spatial, pads.end());
    Value input = padConstant(rewriter, loc, op.getInput(), low, high, 0.0);
    Value filter = op.getFilter();

    // Split channels into [G, C/G] (input) and [G, M/G] (filter, output).
    int64_t features = filterType.getDimSize(0);
    // [N, G, CG, D...] and [G, MG, CG, K...].
    Value groupedInput = splitDim(rewriter, loc, input, 1, group);
    Value groupedFilter = splitDim(rewriter, loc, filter, 0, group);
    SmallVector<int64_t> outShape = {resultType.getDimSize(0), group,
                                     features / group};
    outShape.append(resultType.getShape().begin() + 2,
                    resultType.getShape().end());
    auto groupedType = RankedTensorType::get(outShape, element);

    // Loops: n, g, mg, o..., cg, k...
    int64_t loops = 3 + spatial + 1 + spatial;
    AffineExpr n = rewriter.getAffineDimExpr(0), g = rewriter.getAffineDimExpr(1),
               mg = rewriter.getAffineDimExpr(2),
               cg = rewriter.getAffineDimExpr(3 + spatial);
    SmallVector<AffineExpr> outs = dims(rewriter, 3, spatial);
    SmallVector<AffineExpr> taps = dims(rewriter, 4 + spatial, spatial);
    SmallVector<AffineExpr> filterExprs = {g, mg, cg};
    filterExprs.append(taps);
    SmallVector<AffineExpr> outExprs = {n, g, mg};
    outExprs.append(outs);
    SmallVector<AffineMap> maps = {
        windowInputMap(context, loops, {n, g, cg}, outs, taps, op.getStrides(),
                       op.getDilations()),
        AffineMap::get(loops, 0, filterExprs, context),
        AffineMap::get(loops, 0, outExprs, context)};
    SmallVector<utils::IteratorType> iterators(3 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);

    Value init = filledTensor(rewriter, loc, groupedType, 0.0);
    Value grouped =
        rewriter
            .create<linalg::GenericOp>(
                loc, groupedType, ValueRange{groupedInput, groupedFilter}, init,
                maps, iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value product = b.create<arith::MulFOp>(l, args[0], args[1]);
                  b.create<linalg::YieldOp>(
                      l, b.create<arith::AddFOp>(l, args[2], product).getResult());
                })
            .getResult(0);

    SmallVector<ReassociationIndices> merge = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      merge.push_back({3 + i});
    Value result =
        rewriter.create<tensor::CollapseShapeOp>(loc, resultType, grouped, merge);
    if (Value bias = op.getBias())
      result = elementwise(rewriter, loc, resultType,
                           {result, channelVector(rewriter, loc, bias, spatial)},
                           [](OpBuilder &b, Location l, ValueRange args) {
                             return b.create<arith::AddFOp>(l, args[0], args[1])
                                 .getResult();
                           });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Below this many input positions per image, ConvTransposeLowering puts the
/// positions on the rows of its product rather than its columns: the columns
/// carry the vector lanes of the contraction kernels (16 f32 with AVX2),
/// which a handful of positions would leave mostly empty.
constexpr int64_t kMinPositionColumns = 16;

/// Transposed convolution as one matrix product per group and a col2im
/// accumulation, so that its FLOPs run in the contraction fast path and no
/// multiply meets a stride-inserted zero. With the filter read as
/// [G, CG, Q] (Q = MG * prod(K) columns, one per (mg, k...)) and the input as
/// [N, G, CG, P] (P = prod(I) positions), both reshapes, the product
///   cols[n, g, q, p] = sum_cg filter[g, cg, q] * input[n, g, cg, p]
/// is one contraction generic that copies no operand. Input position i and
/// tap k land on output position
///   o = i * stride - pad_begin + k * dilation,
/// so col2im is one add per tap: the positions whose o falls inside the
/// output form a range [lo, hi) per spatial dim, and the tap's slice of
/// cols, [N, G, MG, hi - lo...], adds into the output slice that starts at
/// lo * stride - pad_begin + k * dilation with step `stride` (a tap that
/// misses the output entirely, under large pads, adds nothing). The output
/// starts as the bias or zero; output_padding and pads of either sign only
/// change the output's extent, which the ranges are clipped to.
///
/// The kernels' vector lanes run along p, the product's columns, which also
/// keeps each tap's slice contiguous along the input's last dim. With fewer
/// than kMinPositionColumns positions (a 1x1 latent input, say) the product
/// is built transposed instead, cols[n, g, p, q] with the input as the left
/// operand, and the taps read their slices transposed.
struct ConvTransposeLowering : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    int64_t spatial = inputType.getRank() - 2;
    int64_t group = op.getGroup();
    int64_t batch = inputType.getDimSize(0);
    int64_t featuresPerGroup = filterType.getDimSize(1);
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    ArrayRef<int64_t> kernel = filterType.getShape().drop_front(2);
    ArrayRef<int64_t> inSpatial = inputType.getShape().drop_front(2);
    ArrayRef<int64_t> outSpatial = resultType.getShape().drop_front(2);
    int64_t positions = shapeProduct(inSpatial);
    int64_t columns = featuresPerGroup * shapeProduct(kernel);
    bool positionRows = positions < kMinPositionColumns;

    // input [N, C, I...] -> [N, G, CG, P]; filter [C, MG, K...] -> [G, CG, Q].
    ReassociationIndices inTail, filterTail;
    for (int64_t i = 0; i < spatial; ++i)
      inTail.push_back(2 + i);
    for (int64_t i = 1; i < filterType.getRank(); ++i)
      filterTail.push_back(i);
    Value input = rewriter.create<tensor::CollapseShapeOp>(
        loc,
        RankedTensorType::get({batch, inputType.getDimSize(1), positions},
                              element),
        op.getInput(), ArrayRef<ReassociationIndices>{{0}, {1}, inTail});
    input = splitDim(rewriter, loc, input, 1, group);
    Value filter = rewriter.create<tensor::CollapseShapeOp>(
        loc,
        RankedTensorType::get({filterType.getDimSize(0), columns}, element),
        op.getFilter(), ArrayRef<ReassociationIndices>{{0}, filterTail});
    filter = splitDim(rewriter, loc, filter, 0, group);

    // Loops n, g, p, q (parallel), cg (reduction). The left operand (A) is
    // the one whose non-reduced dim becomes the rows.
    AffineExpr n = rewriter.getAffineDimExpr(0),
               g = rewriter.getAffineDimExpr(1),
               p = rewriter.getAffineDimExpr(2),
               q = rewriter.getAffineDimExpr(3),
               cg = rewriter.getAffineDimExpr(4);
    AffineMap inputMap = AffineMap::get(5, 0, {n, g, cg, p}, context);
    AffineMap filterMap = AffineMap::get(5, 0, {g, cg, q}, context);
    SmallVector<int64_t> colsShape = {batch, group, columns, positions};
    SmallVector<AffineExpr> colsExprs = {n, g, q, p};
    SmallVector<Value> operands = {filter, input};
    SmallVector<AffineMap> maps = {filterMap, inputMap};
    if (positionRows) {
      std::swap(colsShape[2], colsShape[3]);
      std::swap(colsExprs[2], colsExprs[3]);
      std::swap(operands[0], operands[1]);
      std::swap(maps[0], maps[1]);
    }
    maps.push_back(AffineMap::get(5, 0, colsExprs, context));
    auto colsType = RankedTensorType::get(colsShape, element);
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value cols =
        rewriter
            .create<linalg::GenericOp>(
                loc, colsType, operands,
                filledTensor(rewriter, loc, colsType, 0.0), maps, iterators,
                [](OpBuilder &b, Location l, ValueRange args) {
                  Value product = b.create<arith::MulFOp>(l, args[0], args[1]);
                  b.create<linalg::YieldOp>(
                      l, b.create<arith::AddFOp>(l, args[2], product)
                             .getResult());
                })
            .getResult(0);

    // -> [N, G, MG, K..., I...] (or [N, G, I..., MG, K...]).
    SmallVector<int64_t> tapShape = {featuresPerGroup};
    tapShape.append(kernel.begin(), kernel.end());
    ArrayRef<int64_t> frontShape = tapShape, backShape = inSpatial;
    if (positionRows)
      std::swap(frontShape, backShape);
    SmallVector<int64_t> expandedShape = {batch, group};
    expandedShape.append(frontShape.begin(), frontShape.end());
    expandedShape.append(backShape.begin(), backShape.end());
    ReassociationIndices front, back;
    int64_t frontRank = positionRows ? spatial : 1 + spatial;
    for (int64_t i = 0; i < 2 * spatial + 1; ++i)
      (i < frontRank ? front : back).push_back(2 + i);
    cols = rewriter.create<tensor::ExpandShapeOp>(
        loc, RankedTensorType::get(expandedShape, element), cols,
        ArrayRef<ReassociationIndices>{{0}, {1}, front, back});

    // The output [N, G, MG, O...], seeded with the bias or zero.
    SmallVector<int64_t> outShape = {batch, group, featuresPerGroup};
    outShape.append(outSpatial.begin(), outSpatial.end());
    auto groupedType = RankedTensorType::get(outShape, element);
    Value output;
    if (Value bias = op.getBias())
      output = elementwise(
          rewriter, loc, groupedType,
          splitDim(rewriter, loc, channelVector(rewriter, loc, bias, spatial),
                   0, group),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    else
      output = filledTensor(rewriter, loc, groupedType, 0.0);

    // Per tap, loops n, g, mg, j... over the output slice, reading the cols
    // slice [N, G, MG, J...] (or [N, G, J..., MG]).
    int64_t loops = 3 + spatial;
    SmallVector<AffineExpr> readExprs = {n, g};
    if (positionRows) {
      readExprs.append(dims(rewriter, 3, spatial));
      readExprs.push_back(rewriter.getAffineDimExpr(2));
    } else {
      readExprs.append(dims(rewriter, 2, 1 + spatial));
    }
    SmallVector<AffineMap> addMaps = {
        AffineMap::get(loops, 0, readExprs, context),
        rewriter.getMultiDimIdentityMap(loops)};
    SmallVector<utils::IteratorType> parallel(loops,
                                              utils::IteratorType::parallel);
    SmallVector<int64_t> tap(spatial, 0);
    for (int64_t t = 0, taps = shapeProduct(kernel); t < taps; ++t) {
      // The t-th kernel position, row-major.
      for (int64_t i = spatial - 1, rest = t; i >= 0; --i) {
        tap[i] = rest % kernel[i];
        rest /= kernel[i];
      }
      SmallVector<int64_t> rangeOffsets, rangeSizes,
          outOffsets = {0, 0, 0}, outSizes = {batch, group, featuresPerGroup},
          outSteps = {1, 1, 1};
      bool misses = false;
      for (int64_t i = 0; i < spatial; ++i) {
        int64_t offset = tap[i] * dilations[i] - pads[i];
        int64_t lo =
            std::max<int64_t>(0, llvm::divideCeilSigned(-offset, strides[i]));
        int64_t hi = std::min<int64_t>(
            inSpatial[i],
            llvm::divideFloorSigned(outSpatial[i] - 1 - offset, strides[i]) +
                1);
        misses |= hi <= lo;
        rangeOffsets.push_back(lo);
        rangeSizes.push_back(hi - lo);
        outOffsets.push_back(lo * strides[i] + offset);
        outSizes.push_back(hi - lo);
        outSteps.push_back(strides[i]);
      }
      if (misses)
        continue;

      // The cols slice keeps the tap's unit dims out of its type.
      SmallVector<int64_t> tapOffsets = {0}, tapSizes = {featuresPerGroup};
      tapOffsets.append(tap);
      tapSizes.append(spatial, 1);
      SmallVector<int64_t> colsOffsets = {0, 0}, colsSizes = {batch, group},
                           sliceShape = {batch, group};
      colsOffsets.append(positionRows ? rangeOffsets : tapOffsets);
      colsOffsets.append(positionRows ? tapOffsets : rangeOffsets);
      colsSizes.append(positionRows ? rangeSizes : tapSizes);
      colsSizes.append(positionRows ? tapSizes : rangeSizes);
      if (positionRows) {
        sliceShape.append(rangeSizes);
        sliceShape.push_back(featuresPerGroup);
      } else {
        sliceShape.push_back(featuresPerGroup);
        sliceShape.append(rangeSizes);
      }
      SmallVector<int64_t> ones(colsSizes.size(), 1);
      Value contribution = rewriter.create<tensor::ExtractSliceOp>(
          loc, RankedTensorType::get(sliceShape, element), cols,
          getAsIndexOpFoldResult(context, colsOffsets),
          getAsIndexOpFoldResult(context, colsSizes),
          getAsIndexOpFoldResult(context, ones));
      SmallVector<OpFoldResult> offsets =
          getAsIndexOpFoldResult(context, outOffsets);
      SmallVector<OpFoldResult> sizes =
          getAsIndexOpFoldResult(context, outSizes);
      SmallVector<OpFoldResult> steps =
          getAsIndexOpFoldResult(context, outSteps);
      Value target = rewriter.create<tensor::ExtractSliceOp>(
          loc, output, offsets, sizes, steps);
      Value sum = rewriter
                      .create<linalg::GenericOp>(
                          loc, target.getType(), contribution, target, addMaps,
                          parallel,
                          [](OpBuilder &b, Location l, ValueRange args) {
                            b.create<linalg::YieldOp>(
                                l, b.create<arith::AddFOp>(l, args[1], args[0])
                                       .getResult());
                          })
                      .getResult(0);
      output = rewriter.create<tensor::InsertSliceOp>(loc, sum, output, offsets,
                                                      sizes, steps);
    }

    SmallVector<ReassociationIndices> merge = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i)
      merge.push_back({3 + i});
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType, output,
                                                         merge);
    return success();
  }
};

/// Casts scalar \p value to \p type when they differ (iN <-> uiN only): arith
/// works on signless integers, kiln tensors of unsigned ONNX types hold uiN.
Value castScalar(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return b.create<UnrealizedConversionCastOp>(loc, type, value).getResult(0);
}

/// The smallest value of element type \p type, as a scalar of that type:
/// -inf for floats, 0 for unsigned and INT_MIN for signless (signed)
/// integers. Max pooling pads and starts with it, so padding never wins.
Value lowestScalar(OpBuilder &b, Location loc, Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(
        loc, b.getFloatAttr(floatType,
                            -std::numeric_limits<double>::infinity()));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest = type.isUnsignedInteger() ? APInt::getMinValue(width)
                                          : APInt::getSignedMinValue(width);
  Value constant = b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(b.getIntegerType(width), lowest));
  return castScalar(b, loc, constant, type);
}

/// Shared by max and average pooling: pads with scalar \p padValue, then
/// reduces each window with \p combine starting from scalar \p init (both
/// of the result's element type).
Value poolWindows(PatternRewriter &rewriter, Location loc, Value source,
                  RankedTensorType resultType, ArrayRef<int64_t> kernel,
                  ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                  ArrayRef<int64_t> dilations, Value padValue, Value init,
                  ScalarFn combine) {
  MLIRContext *context = rewriter.getContext();
  auto inputType = cast<RankedTensorType>(source.getType());
  Type element = resultType.getElementType();
  int64_t spatial = inputType.getRank() - 2;
  SmallVector<int64_t> low, high;
  windowPads(inputType, resultType.getShape(), kernel, strides, pads, dilations,
             low, high);
  Value input = padWith(rewriter, loc, source, low, high, padValue);
  // The window operand only gives the tap loops their extents.
  Value window = rewriter.create<tensor::EmptyOp>(loc, kernel, element);

  int64_t loops = 2 + 2 * spatial;
  AffineExpr n = rewriter.getAffineDimExpr(0), c = rewriter.getAffineDimExpr(1);
  SmallVector<AffineExpr> outs = dims(rewriter, 2, spatial);
  SmallVector<AffineExpr> taps = dims(rewriter, 2 + spatial, spatial);
  SmallVector<AffineExpr> outExprs = {n, c};
  outExprs.append(outs);
  SmallVector<AffineMap> maps = {
      windowInputMap(context, loops, {n, c}, outs, taps, strides, dilations),
      AffineMap::get(loops, 0, taps, context),
      AffineMap::get(loops, 0, outExprs, context)};
  SmallVector<utils::IteratorType> iterators(2 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  Value filled =
      rewriter
          .create<linalg::FillOp>(loc, init,
                                  emptyTensor(rewriter, loc, resultType))
          .getResult(0);
  return rewriter
      .create<linalg::GenericOp>(
          loc, resultType, ValueRange{input, window}, filled, maps, iterators,
          [&](OpBuilder &b, Location l, ValueRange args) {
            b.create<linalg::YieldOp>(l, combine(b, l, {args[0], args[2]}));
          })
      .getResult(0);
}

/// poolWindows with float constants \p padValue and \p init.
Value poolWindows(PatternRewriter &rewriter, Location loc, Value source,
                  RankedTensorType resultType, ArrayRef<int64_t> kernel,
                  ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                  ArrayRef<int64_t> dilations, double padValue, double init,
                  ScalarFn combine) {
  Type element = resultType.getElementType();
  return poolWindows(rewriter, loc, source, resultType, kernel, strides, pads,
                     dilations, scalarConstant(rewriter, loc, element, padValue),
                     scalarConstant(rewriter, loc, element, init), combine);
}

/// Floats combine with arith.maximumf; integers with arith.maxsi (signless,
/// i.e. signed ONNX types) or arith.maxui on their signless bits (uiN).
struct MaxPoolLowering : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    Value lowest = lowestScalar(rewriter, loc, element);
    auto combine = [&](OpBuilder &b, Location l, ValueRange args) -> Value {
      if (isa<FloatType>(element))
        return b.create<arith::MaximumFOp>(l, args[0], args[1]);
      Type bits = b.getIntegerType(element.getIntOrFloatBitWidth());
      Value x = castScalar(b, l, args[0], bits);
      Value y = castScalar(b, l, args[1], bits);
      Value max = isUnsigned(element)
                      ? b.create<arith::MaxUIOp>(l, x, y).getResult()
                      : b.create<arith::MaxSIOp>(l, x, y).getResult();
      return castScalar(b, l, max, element);
    };
    rewriter.replaceOp(
        op, poolWindows(rewriter, loc, op.getInput(), resultType,
                        op.getKernelShape(), op.getStrides(), op.getPads(),
                        op.getDilations(), lowest, lowest, combine));
    return success();
  }
};

/// Max pooling that tracks where each maximum is: one generic with two
/// accumulators (value, flat index). Both start at (lowest, -1); a position
/// takes over when strictly greater, or when it is the first one inside the
/// input (index still -1), so a window of lowest values (0 for uint8, -inf)
/// points at its first real position. Ties keep the first position in
/// row-major window order; padding (lowest) never wins.
struct MaxPoolWithIndicesLowering : OpRewritePattern<MaxPoolWithIndicesOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolWithIndicesOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto valuesType = cast<RankedTensorType>(op.getResult().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    Type element = valuesType.getElementType();
    int64_t spatial = inputType.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads(), dilations = op.getDilations();
    Value lowest = lowestScalar(rewriter, loc, element);
    SmallVector<int64_t> low, high;
    windowPads(inputType, valuesType.getShape(), kernel, strides, pads,
               dilations, low, high);
    Value input = padWith(rewriter, loc, op.getInput(), low, high, lowest);
    Value window = rewriter.create<tensor::EmptyOp>(loc, kernel, element);

    int64_t loops = 2 + 2 * spatial;
    AffineExpr n = rewriter.getAffineDimExpr(0),
               c = rewriter.getAffineDimExpr(1);
    SmallVector<AffineExpr> outs = dims(rewriter, 2, spatial);
    SmallVector<AffineExpr> taps = dims(rewriter, 2 + spatial, spatial);
    SmallVector<AffineExpr> outExprs = {n, c};
    outExprs.append(outs);
    AffineMap outMap = AffineMap::get(loops, 0, outExprs, context);
    SmallVector<AffineMap> maps = {
        windowInputMap(context, loops, {n, c}, outs, taps, strides, dilations),
        AffineMap::get(loops, 0, taps, context), outMap, outMap};
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);

    // Flat position in the unpadded input: (n * C + c) * prod(D) plus the
    // spatial position, row-major or (storage_order 1) column-major.
    ArrayRef<int64_t> in = inputType.getShape();
    bool columnMajor = op.getStorageOrder() == 1;
    auto body = [&](OpBuilder &b, Location l, ValueRange args) {
      auto index = [&](int64_t dim) -> Value {
        return b.create<linalg::IndexOp>(l, dim);
      };
      auto constant = [&](int64_t v) -> Value {
        return b.create<arith::ConstantIndexOp>(l, v);
      };
      auto mulAdd = [&](Value acc, int64_t scale, Value add) -> Value {
        return b.create<arith::AddIOp>(
            l, b.create<arith::MulIOp>(l, acc, constant(scale)), add);
      };
      SmallVector<Value> positions;
      for (int64_t i = 0; i < spatial; ++i) {
        Value pos = b.create<arith::AddIOp>(
            l, b.create<arith::MulIOp>(l, index(2 + i), constant(strides[i])),
            b.create<arith::MulIOp>(l, index(2 + spatial + i),
                                    constant(dilations[i])));
        positions.push_back(
            b.create<arith::SubIOp>(l, pos, constant(pads[i])));
      }
      Value flat = mulAdd(index(0), in[1], index(1));
      if (columnMajor) {
        Value inner = positions.back();
        for (int64_t i = spatial - 2; i >= 0; --i)
          inner = mulAdd(inner, in[2 + i], positions[i]);
        flat = mulAdd(flat, shapeProduct(in.drop_front(2)), inner);
      } else {
        for (int64_t i = 0; i < spatial; ++i)
          flat = mulAdd(flat, in[2 + i], positions[i]);
      }
      Value flat64 = b.create<arith::IndexCastOp>(l, b.getI64Type(), flat);
      Value greater;
      if (isa<FloatType>(element)) {
        greater = b.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT,
                                          args[0], args[2]);
      } else {
        Type bits = b.getIntegerType(element.getIntOrFloatBitWidth());
        greater = b.create<arith::CmpIOp>(
            l,
            isUnsigned(element) ? arith::CmpIPredicate::ugt
                                : arith::CmpIPredicate::sgt,
            castScalar(b, l, args[0], bits), castScalar(b, l, args[2], bits));
      }
      // Inside the unpadded input: 0 <= position < size (unsigned compare).
      Value inside = b.create<arith::ConstantIntOp>(l, 1, 1);
      for (int64_t i = 0; i < spatial; ++i)
        inside = b.create<arith::AndIOp>(
            l, inside,
            b.create<arith::CmpIOp>(l, arith::CmpIPredicate::ult, positions[i],
                                    constant(in[2 + i])));
      Value none = b.create<arith::CmpIOp>(
          l, arith::CmpIPredicate::slt, args[3],
          b.create<arith::ConstantIntOp>(l, 0, 64));
      Value take = b.create<arith::OrIOp>(
          l, greater, b.create<arith::AndIOp>(l, none, inside));
      b.create<linalg::YieldOp>(
          l, ValueRange{b.create<arith::SelectOp>(l, take, args[0], args[2]),
                        b.create<arith::SelectOp>(l, take, flat64, args[3])});
    };
    Value values =
        rewriter
            .create<linalg::FillOp>(loc, lowest,
                                    emptyTensor(rewriter, loc, valuesType))
            .getResult(0);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{valuesType, indicesType}, ValueRange{input, window},
        ValueRange{values, filledTensor(rewriter, loc, indicesType, -1.0)},
        maps, iterators, body);
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// (sum over the window of |x|^p)^(1/p); padding adds zeros.
struct LpPoolLowering : OpRewritePattern<LpPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LpPoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t p = op.getP();
    auto power = [](OpBuilder &b, Location l, Value x,
                     double exponent) -> Value {
      if (exponent == 1.0)
        return x;
      if (exponent == 2.0)
        return b.create<arith::MulFOp>(l, x, x);
      if (exponent == 0.5)
        return b.create<math::SqrtOp>(l, x);
      return b.create<math::PowFOp>(
          l, x, scalarConstant(b, l, x.getType(), exponent));
    };
    Value sums = poolWindows(
        rewriter, loc, op.getInput(), resultType, op.getKernelShape(),
        op.getStrides(), op.getPads(), op.getDilations(), 0.0, 0.0,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value magnitude = b.create<math::AbsFOp>(l, args[0]);
          return b.create<arith::AddFOp>(l, args[1],
                                         power(b, l, magnitude, double(p)))
              .getResult();
        });
    rewriter.replaceOp(
        op, elementwise(rewriter, loc, resultType, sums,
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          return power(b, l, args[0], 1.0 / double(p));
                        }));
    return success();
  }
};

struct AveragePoolLowering : OpRewritePattern<AveragePoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AveragePoolOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    int64_t spatial = inputType.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape(), strides = op.getStrides(),
                      pads = op.getPads();
    SmallVector<int64_t> ones(spatial, 1);
    Value sums = poolWindows(
        rewriter, loc, op.getInput(), resultType, kernel, strides, pads, ones,
        0.0, 0.0, [](OpBuilder &b, Location l, ValueRange args) {
          return b.create<arith::AddFOp>(l, args[0], args[1]).getResult();
        });

    // The divisor table over the output's spatial dims, a product of one
    // factor per dim; it broadcasts over N and C.
    ArrayRef<int64_t> outSpatial = resultType.getShape().drop_front(2);
    SmallVector<SmallVector<double>> perDim;
    for (int64_t i = 0; i < spatial; ++i)
      perDim.push_back(reciprocalCounts(
          inputType.getDimSize(i + 2), outSpatial[i], kernel[i], strides[i],
          pads[i], pads[spatial + i], op.getCountIncludePad()));
    int64_t total = shapeProduct(outSpatial);
    SmallVector<APFloat> table;
    auto floatType = cast<FloatType>(resultType.getElementType());
    for (int64_t flat = 0; flat < total; ++flat) {
      double count = 1.0;
      int64_t rest = flat;
      for (int64_t i = spatial - 1; i >= 0; --i) {
        count *= perDim[i][rest % outSpatial[i]];
        rest /= outSpatial[i];
      }
      APFloat value(1.0 / count);
      bool lost;
      value.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &lost);
      table.push_back(value);
    }
    auto tableType = RankedTensorType::get(outSpatial, floatType);
    Value divisors = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(tableType, table));
    rewriter.replaceOp(
        op, elementwise(rewriter, loc, resultType, {sums, divisors},
                        [](OpBuilder &b, Location l, ValueRange args) {
                          return b.create<arith::MulFOp>(l, args[0], args[1])
                              .getResult();
                        }));
    return success();
  }
};

/// Global pooling: one generic reducing every spatial dim with \p isMax
/// (max from -inf) or a sum scaled by 1 / (number of spatial positions).
template <typename OpTy, bool isMax>
struct GlobalPoolLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type element = resultType.getElementType();
    int64_t rank = inputType.getRank();
    SmallVector<AffineExpr> outExprs = {rewriter.getAffineDimExpr(0),
                                        rewriter.getAffineDimExpr(1)};
    outExprs.append(rank - 2, rewriter.getAffineConstantExpr(0));
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   AffineMap::get(rank, 0, outExprs, context)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    iterators[0] = iterators[1] = utils::IteratorType::parallel;
    double init = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
    Value start = filledTensor(rewriter, loc, resultType, init);
    Value reduced =
        rewriter
            .create<linalg::GenericOp>(
                loc, resultType, op.getInput(), start, maps, iterators,
                [](OpBuilder &b, Location l, ValueRange args) {
                  Value next;
                  if constexpr (isMax)
                    next = b.create<arith::MaximumFOp>(l, args[0], args[1]);
                  else
                    next = b.create<arith::AddFOp>(l, args[0], args[1]);
                  b.create<linalg::YieldOp>(l, next);
                })
            .getResult(0);
    if constexpr (!isMax) {
      double scale = 1.0 / shapeProduct(inputType.getShape().drop_front(2));
      reduced = elementwise(rewriter, loc, resultType, reduced,
                            [&](OpBuilder &b, Location l, ValueRange args) {
                              return b.create<arith::MulFOp>(
                                          l, args[0],
                                          scalarConstant(b, l, element, scale))
                                  .getResult();
                            });
    }
    rewriter.replaceOp(op, reduced);
    return success();
  }
};

} // namespace

void populateConvPatterns(RewritePatternSet &patterns) {
  // ConvAsMatmul takes ungrouped convolutions first; ConvLowering the rest.
  patterns.add<ConvAsMatmul>(patterns.getContext(), /*benefit=*/2);
  patterns.add<ConvLowering, ConvTransposeLowering, MaxPoolLowering,
               MaxPoolWithIndicesLowering, AveragePoolLowering, LpPoolLowering,
               GlobalPoolLowering<GlobalAveragePoolOp, false>,
               GlobalPoolLowering<GlobalMaxPoolOp, true>>(
      patterns.getContext());
}

} // namespace kiln::lowering
