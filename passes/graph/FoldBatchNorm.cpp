//===- FoldBatchNorm.cpp - BatchNormalization into the preceding weights --===//
//
// Inference models keep BatchNormalization after convolutions and linear
// layers (PyTorch folds some of them at export, not all: never after
// ConvTranspose or Linear, not when the model is exported without constant
// folding). Folding it into the producer's weights removes one pass over the
// activation and one buffer.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace kiln::passes {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "passes/Passes.h.inc"

namespace {

/// An inference BatchNormalization as a per-channel affine map: the folded
/// output is `x * scale[m] + shift[m]`.
struct ChannelAffine {
  llvm::SmallVector<double> scale, shift;
};

/// \returns \p bn as a ChannelAffine, or std::nullopt if its statistics are
/// not constants of its channel count.
std::optional<ChannelAffine> channelAffine(BatchNormOp bn) {
  auto scale = constantValues(bn.getScale());
  auto shift = constantValues(bn.getBias());
  auto mean = constantValues(bn.getMean());
  auto var = constantValues(bn.getVar());
  if (!scale || !shift || !mean || !var)
    return std::nullopt;
  int64_t channels =
      mlir::cast<mlir::RankedTensorType>(bn.getType()).getDimSize(1);
  for (const auto *values : {&*scale, &*shift, &*mean, &*var})
    if (static_cast<int64_t>(values->size()) != channels)
      return std::nullopt;
  ChannelAffine affine;
  double epsilon = bn.getEpsilon().convertToDouble();
  for (int64_t m = 0; m < channels; ++m) {
    double s = (*scale)[m] / std::sqrt((*var)[m] + epsilon);
    affine.scale.push_back(s);
    affine.shift.push_back((*shift)[m] - (*mean)[m] * s);
  }
  return affine;
}

/// \returns the folded bias `bias[m] * scale[m] + shift[m]` (a missing bias
/// counts as zero), or std::nullopt if \p bias is not a constant.
std::optional<llvm::SmallVector<double>>
foldedBias(mlir::Value bias, const ChannelAffine &affine) {
  llvm::SmallVector<double> values(affine.scale.size(), 0.0);
  if (bias) {
    auto constant = constantValues(bias);
    if (!constant || constant->size() != values.size())
      return std::nullopt;
    values = *constant;
  }
  for (size_t m = 0; m < values.size(); ++m)
    values[m] = values[m] * affine.scale[m] + affine.shift[m];
  return values;
}

mlir::Value biasConstant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                         mlir::Type element, llvm::ArrayRef<double> values) {
  auto type = mlir::RankedTensorType::get(
      {static_cast<int64_t>(values.size())}, element);
  return makeConstant(rewriter, loc, type, values, "t_bn_folded_bias");
}

/// Folds a BatchNormalization into the single-use Conv, ConvTranspose or
/// Gemm that produces its input, when that op's weights (and bias) are
/// constants: the weights of output channel m are scaled by scale[m], the
/// bias becomes `bias[m] * scale[m] + shift[m]`.
struct FoldIntoProducer : mlir::OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  mlir::LogicalResult
  matchAndRewrite(BatchNormOp bn,
                  mlir::PatternRewriter &rewriter) const override {
    mlir::Operation *producer = bn.getInput().getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !mlir::isa<ConvOp, ConvTransposeOp, GemmOp>(producer))
      return rewriter.notifyMatchFailure(
          bn, "input is not a single-use conv, conv_transpose or gemm");
    std::optional<ChannelAffine> affine = channelAffine(bn);
    if (!affine)
      return rewriter.notifyMatchFailure(bn, "statistics are not constants");
    mlir::Location loc = rewriter.getFusedLoc({producer->getLoc(), bn.getLoc()});
    rewriter.setInsertionPoint(producer);
    mlir::Operation *folded = nullptr;
    if (auto conv = mlir::dyn_cast<ConvOp>(producer))
      folded = foldConv(rewriter, loc, conv, *affine);
    else if (auto convT = mlir::dyn_cast<ConvTransposeOp>(producer))
      folded = foldConvTranspose(rewriter, loc, convT, *affine);
    else
      folded = foldGemm(rewriter, loc, mlir::cast<GemmOp>(producer), *affine);
    if (!folded)
      return rewriter.notifyMatchFailure(bn, "weights are not constants");
    rewriter.replaceOp(bn, folded->getResults());
    rewriter.eraseOp(producer);
    return mlir::success();
  }

private:
  /// Filter [M, C/group, K...]: output channel m is filter row m.
  static mlir::Operation *foldConv(mlir::PatternRewriter &rewriter,
                                   mlir::Location loc, ConvOp conv,
                                   const ChannelAffine &affine) {
    auto filter = constantValues(conv.getFilter());
    auto bias = foldedBias(conv.getBias(), affine);
    auto filterType =
        mlir::cast<mlir::RankedTensorType>(conv.getFilter().getType());
    int64_t channels = filterType.getDimSize(0);
    if (!filter || !bias || channels != static_cast<int64_t>(bias->size()))
      return nullptr;
    int64_t perChannel = filterType.getNumElements() / channels;
    for (int64_t m = 0; m < channels; ++m)
      for (int64_t i = 0; i < perChannel; ++i)
        (*filter)[m * perChannel + i] *= affine.scale[m];
    return rewriter.create<ConvOp>(
        loc, conv.getType(), conv.getInput(),
        makeConstant(rewriter, loc, filterType, *filter,
                     "t_bn_folded_filter"),
        biasConstant(rewriter, loc, filterType.getElementType(), *bias),
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr());
  }

  /// Filter [C, M/group, K...]: output channel m = g * M/group + j is
  /// column j of the rows of group g.
  static mlir::Operation *foldConvTranspose(mlir::PatternRewriter &rewriter,
                                            mlir::Location loc,
                                            ConvTransposeOp conv,
                                            const ChannelAffine &affine) {
    auto filter = constantValues(conv.getFilter());
    auto bias = foldedBias(conv.getBias(), affine);
    auto filterType =
        mlir::cast<mlir::RankedTensorType>(conv.getFilter().getType());
    int64_t group = conv.getGroup();
    int64_t inputs = filterType.getDimSize(0);
    int64_t perGroup = filterType.getDimSize(1);
    if (!filter || !bias ||
        group * perGroup != static_cast<int64_t>(bias->size()))
      return nullptr;
    int64_t taps = filterType.getNumElements() / (inputs * perGroup);
    for (int64_t c = 0; c < inputs; ++c) {
      int64_t g = c / (inputs / group);
      for (int64_t j = 0; j < perGroup; ++j)
        for (int64_t k = 0; k < taps; ++k)
          (*filter)[(c * perGroup + j) * taps + k] *=
              affine.scale[g * perGroup + j];
    }
    return rewriter.create<ConvTransposeOp>(
        loc, conv.getType(), conv.getInput(),
        makeConstant(rewriter, loc, filterType, *filter,
                     "t_bn_folded_filter"),
        biasConstant(rewriter, loc, filterType.getElementType(), *bias),
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getOutputPaddingAttr(), conv.getGroupAttr());
  }

  /// `alpha * op(A) * op(B) + beta * C` with a constant B ([K, N], or
  /// [N, K] with trans_b): output channel n is column n of op(B). C must be
  /// absent or one row ([N] or [1, N]); the folded gemm has beta 1.
  static mlir::Operation *foldGemm(mlir::PatternRewriter &rewriter,
                                   mlir::Location loc, GemmOp gemm,
                                   const ChannelAffine &affine) {
    auto b = constantValues(gemm.getB());
    auto bType = mlir::cast<mlir::RankedTensorType>(gemm.getB().getType());
    int64_t n = static_cast<int64_t>(affine.scale.size());
    if (!b || bType.getDimSize(gemm.getTransB() ? 0 : 1) != n)
      return nullptr;
    llvm::SmallVector<double> c(n, 0.0);
    if (mlir::Value bias = gemm.getC()) {
      // One value per channel, along the last dim ([N] or [1, N]; not
      // [N, 1], which broadcasts along rows); a scalar C has one channel.
      auto values = constantValues(bias);
      auto cType = mlir::cast<mlir::RankedTensorType>(bias.getType());
      if (!values || static_cast<int64_t>(values->size()) != n ||
          (cType.getRank() > 0 && cType.getDimSize(cType.getRank() - 1) != n))
        return nullptr;
      double beta = gemm.getBeta().convertToDouble();
      for (int64_t i = 0; i < n; ++i)
        c[i] = (*values)[i] * beta;
    }
    for (int64_t row = 0; row < bType.getDimSize(0); ++row)
      for (int64_t col = 0; col < bType.getDimSize(1); ++col)
        (*b)[row * bType.getDimSize(1) + col] *=
            affine.scale[gemm.getTransB() ? row : col];
    llvm::SmallVector<double> bias(n);
    for (int64_t i = 0; i < n; ++i)
      bias[i] = c[i] * affine.scale[i] + affine.shift[i];
    auto folded = rewriter.create<GemmOp>(
        loc, gemm.getType(), gemm.getA(),
        makeConstant(rewriter, loc, bType, *b, "t_bn_folded_weight"),
        biasConstant(rewriter, loc, bType.getElementType(), bias),
        gemm.getAlphaAttr(), rewriter.getF32FloatAttr(1.0f),
        gemm.getTransAAttr(), gemm.getTransBAttr());
    return folded;
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoProducer>(&getContext());
    if (mlir::failed(
            mlir::applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace kiln::passes
