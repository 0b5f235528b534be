//===- Shape.cpp - kiln constants and shape ops to tensor/linalg ----------===//
//
// Data movement becomes tensor ops where they express it (reshapes, strided
// slices, inserts, constant pads) and `linalg.generic` elsewhere: broadcasts
// and triangles as elementwise generics, and negative steps, reflect and
// edge pads as generics that `tensor.extract` their source element.
//
//===----------------------------------------------------------------------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;

namespace kiln::lowering {
namespace {

/// Constants and (for inference) parameters become arith.constant; a
/// dense_resource value stays a resource through bufferization.
template <typename OpTy>
struct ConstantLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

/// \returns \p input reshaped to \p type: collapsed to 1-D, then expanded.
Value reshapeTo(OpBuilder &b, Location loc, Value input,
                RankedTensorType type) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType == type)
    return input;
  if (inputType.getRank() == 0 || type.getRank() == 0) {
    // Reassociations cannot name a rank-0 side; a scalar has one element,
    // so collapse/expand through the empty reassociation.
    if (inputType.getRank() == 0)
      return b.create<tensor::ExpandShapeOp>(loc, type, input,
                                             ArrayRef<ReassociationIndices>{});
    return b.create<tensor::CollapseShapeOp>(loc, type, input,
                                             ArrayRef<ReassociationIndices>{});
  }
  Value flat = input;
  if (inputType.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < inputType.getRank(); ++i)
      all.push_back(i);
    flat = b.create<tensor::CollapseShapeOp>(loc, input,
                                             ArrayRef<ReassociationIndices>{all});
  }
  if (type.getRank() == 1)
    return flat;
  ReassociationIndices all;
  for (int64_t i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  return b.create<tensor::ExpandShapeOp>(loc, type, flat,
                                         ArrayRef<ReassociationIndices>{all});
}

template <typename OpTy>
struct ReshapeLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), op.getInput(),
                                     cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Value init = emptyTensor(rewriter, op.getLoc(), op.getType());
    auto transpose = rewriter.create<linalg::TransposeOp>(
        op.getLoc(), op.getInput(), init, op.getPerm());
    rewriter.replaceOp(op, transpose->getResult(0));
    return success();
  }
};

/// \returns a `linalg.generic` producing \p type whose element at index `i`
/// is `source[indices(i)]` (a `tensor.extract`): the lowering of data
/// movement that strided slices and affine maps cannot express (negative
/// steps, reflections, clamps).
Value gatherGeneric(OpBuilder &b, Location loc, RankedTensorType type,
                    Value source,
                    function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                    ArrayRef<Value>)>
                        indices) {
  int64_t rank = type.getRank();
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, type, ValueRange{}, emptyTensor(b, loc, type),
      SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange) {
        SmallVector<Value> index;
        for (int64_t d = 0; d < rank; ++d)
          index.push_back(nested.create<linalg::IndexOp>(nestedLoc, d));
        Value element = nested.create<tensor::ExtractOp>(
            nestedLoc, source, indices(nested, nestedLoc, index));
        nested.create<linalg::YieldOp>(nestedLoc, element);
      });
  return generic.getResult(0);
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantIndexOp>(loc, value);
}

/// Constant pads become `tensor.pad`; reflect and edge pads gather.
struct PadLowering : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = op.getType().getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Location loc = op.getLoc();
    if (Value dynamicValue = op.getDynamicValue()) {
      // A run-time fill value: read its one element, then tensor.pad.
      auto valueType = cast<RankedTensorType>(dynamicValue.getType());
      SmallVector<Value> at(valueType.getRank(),
                            indexConstant(rewriter, loc, 0));
      Value fill = rewriter.create<tensor::ExtractOp>(loc, dynamicValue, at);
      SmallVector<OpFoldResult> low, high;
      for (int64_t d = 0; d < rank; ++d) {
        low.push_back(rewriter.getIndexAttr(pads[d]));
        high.push_back(rewriter.getIndexAttr(pads[rank + d]));
      }
      rewriter.replaceOpWithNewOp<tensor::PadOp>(
          op, op.getType(), op.getInput(), low, high, fill);
      return success();
    }
    if (op.getMode() == "constant") {
      if (isUnsigned(op.getType().getElementType()))
        return rewriter.notifyMatchFailure(op, "unsigned pad value");
      rewriter.replaceOp(op, padConstant(rewriter, loc, op.getInput(),
                                         pads.take_front(rank),
                                         pads.drop_front(rank),
                                         op.getValue().convertToDouble()));
      return success();
    }
    bool reflect = op.getMode() == "reflect";
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    Value result = gatherGeneric(
        rewriter, loc, op.getType(), op.getInput(),
        [&](OpBuilder &b, Location l, ArrayRef<Value> index) {
          SmallVector<Value> source;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = index[d];
            if (pads[d] == 0 && pads[rank + d] == 0) {
              source.push_back(i);
              continue;
            }
            Value zero = indexConstant(b, l, 0);
            Value last = indexConstant(b, l, inputType.getDimSize(d) - 1);
            Value src = b.create<arith::SubIOp>(l, i, indexConstant(b, l, pads[d]));
            if (reflect) {
              // -src before the start, 2 * last - src past the end: pads are
              // smaller than the dim, so one reflection suffices.
              Value negated = b.create<arith::SubIOp>(l, zero, src);
              Value before = b.create<arith::CmpIOp>(
                  l, arith::CmpIPredicate::slt, src, zero);
              src = b.create<arith::SelectOp>(l, before, negated, src);
              Value mirrored = b.create<arith::SubIOp>(
                  l, indexConstant(b, l, 2 * (inputType.getDimSize(d) - 1)),
                  src);
              Value after = b.create<arith::CmpIOp>(
                  l, arith::CmpIPredicate::sgt, src, last);
              src = b.create<arith::SelectOp>(l, after, mirrored, src);
            } else {
              src = b.create<arith::MaxSIOp>(l, src, zero);
              src = b.create<arith::MinSIOp>(l, src, last);
            }
            source.push_back(src);
          }
          return source;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Each input is inserted into the result at its offset along the axis.
struct ConcatLowering : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    Value result = emptyTensor(rewriter, op.getLoc(), type);
    int64_t offset = 0;
    for (Value input : op.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      if (inputType.getDimSize(axis) == 0)
        continue;
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes, strides(type.getRank(),
                                               rewriter.getIndexAttr(1));
      for (int64_t d : inputType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      result = rewriter.create<tensor::InsertSliceOp>(
          op.getLoc(), input, result, offsets, sizes, strides);
      offset += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Positive steps are a strided `tensor.extract_slice`; a negative step
/// gathers.
struct SliceLowering : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        offsets.push_back(rewriter.getIndexAttr(starts[d]));
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        strides.push_back(rewriter.getIndexAttr(steps[d]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, op.getInput(), offsets, sizes, strides);
      return success();
    }
    Value result = gatherGeneric(
        rewriter, op.getLoc(), type, op.getInput(),
        [&](OpBuilder &b, Location l, ArrayRef<Value> index) {
          SmallVector<Value> source;
          for (auto [i, start, step] : llvm::zip(index, starts, steps))
            source.push_back(b.create<arith::AddIOp>(
                l, indexConstant(b, l, start),
                b.create<arith::MulIOp>(l, i, indexConstant(b, l, step))));
          return source;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExpandLowering : OpRewritePattern<ExpandOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ExpandOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(),
                        cast<RankedTensorType>(op.getType()), op.getInput(),
                        [](OpBuilder &, Location, ValueRange args) {
                          return args[0];
                        }));
    return success();
  }
};

/// keep = (j - i >= k) for the upper triangle, (j - i <= k) for the lower;
/// a run-time k is read once, before the loop nest.
struct TriluLowering : OpRewritePattern<TriluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TriluOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (isUnsigned(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsigned zero constant");
    int64_t rank = type.getRank();
    bool upper = op.getUpper();
    Location loc = op.getLoc();
    Value k;
    if (Value dynamicK = op.getDynamicK()) {
      auto kType = cast<RankedTensorType>(dynamicK.getType());
      SmallVector<Value> at(kType.getRank(), indexConstant(rewriter, loc, 0));
      k = rewriter.create<arith::IndexCastOp>(
          loc, rewriter.getIndexType(),
          rewriter.create<tensor::ExtractOp>(loc, dynamicK, at));
    } else {
      k = indexConstant(rewriter, loc,
                        static_cast<int64_t>(op.getK().value_or(0)));
    }
    Value result = elementwise(
        rewriter, loc, type, op.getInput(),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value i = b.create<linalg::IndexOp>(l, rank - 2);
          Value j = b.create<linalg::IndexOp>(l, rank - 1);
          Value diff = b.create<arith::SubIOp>(l, j, i);
          Value keep = b.create<arith::CmpIOp>(
              l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              diff, k);
          return b.create<arith::SelectOp>(
              l, keep, args[0],
              scalarConstant(b, l, type.getElementType(), 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering<ConstantOp>, ConstantLowering<ParamOp>,
               ReshapeLowering<ReshapeOp>, ReshapeLowering<FlattenOp>,
               TransposeLowering, PadLowering, ConcatLowering, SliceLowering,
               ExpandLowering, TriluLowering>(patterns.getContext());
}

} // namespace kiln::lowering
