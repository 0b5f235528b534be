//===- Shape.cpp - kiln constants and shape ops to tensor/linalg ----------===//

#include "passes/conversion/kiln-to-linalg/Lowering.h"

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

struct PadLowering : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = op.getType().getRank();
    ArrayRef<int64_t> pads = op.getPads();
    rewriter.replaceOp(op, padConstant(rewriter, op.getLoc(), op.getInput(),
                                       pads.take_front(rank),
                                       pads.drop_front(rank),
                                       op.getValue().convertToDouble()));
    return success();
  }
};

} // namespace

void populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering<ConstantOp>, ConstantLowering<ParamOp>,
               ReshapeLowering<ReshapeOp>, ReshapeLowering<FlattenOp>,
               TransposeLowering, PadLowering>(patterns.getContext());
}

} // namespace kiln::lowering
