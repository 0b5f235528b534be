//===- FoldBatchNorm.cpp - BatchNormalization into the preceding Conv -----===//
//
// Inference models keep BatchNormalization after convolutions (PyTorch folds
// some of them at export, not all: never after ConvTranspose, not when the
// model is exported without constant folding). Folding it into the conv's
// weights removes one pass over the activation and one buffer.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace kiln::passes {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "passes/Passes.h.inc"

namespace {

/// Constants at least this large become resource blobs, as the importer's
/// weights are, so that IR dumps stay readable.
constexpr int64_t kMaxInlineElements = 16;

/// \returns the values of the f32/f64 constant \p value as doubles, or
/// std::nullopt if it is not a constant whose data is available.
std::optional<llvm::SmallVector<double>> constantValues(mlir::Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = mlir::cast<mlir::ShapedType>(constant.getType());
  mlir::Type element = type.getElementType();
  if (!element.isF32() && !element.isF64())
    return std::nullopt;
  llvm::SmallVector<double> values;
  values.reserve(type.getNumElements());
  mlir::Attribute attr = constant.getValue();
  if (auto dense = mlir::dyn_cast<mlir::DenseElementsAttr>(attr)) {
    for (const llvm::APFloat &v : dense.getValues<llvm::APFloat>())
      values.push_back(v.convertToDouble());
    return values;
  }
  auto resource = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(attr);
  if (!resource || !resource.getRawHandle().getBlob())
    return std::nullopt; // An elided blob: nothing to fold.
  llvm::ArrayRef<char> bytes = resource.getRawHandle().getBlob()->getData();
  size_t width = element.isF32() ? sizeof(float) : sizeof(double);
  if (bytes.size() != width * type.getNumElements())
    return std::nullopt;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    if (element.isF32()) {
      float v;
      std::memcpy(&v, bytes.data() + i * width, width);
      values.push_back(v);
    } else {
      double v;
      std::memcpy(&v, bytes.data() + i * width, width);
      values.push_back(v);
    }
  }
  return values;
}

/// \returns a kiln.constant of \p type holding \p values.
mlir::Value makeConstant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                         mlir::RankedTensorType type,
                         llvm::ArrayRef<double> values, llvm::StringRef key) {
  mlir::ElementsAttr attr;
  if (type.getNumElements() < kMaxInlineElements) {
    llvm::SmallVector<mlir::Attribute> elements;
    for (double v : values)
      elements.push_back(rewriter.getFloatAttr(type.getElementType(), v));
    attr = mlir::DenseElementsAttr::get(type, elements);
  } else {
    llvm::SmallVector<char> bytes;
    for (double v : values) {
      if (type.getElementType().isF32()) {
        float f = static_cast<float>(v);
        bytes.append(reinterpret_cast<char *>(&f),
                     reinterpret_cast<char *>(&f) + sizeof f);
      } else {
        bytes.append(reinterpret_cast<char *>(&v),
                     reinterpret_cast<char *>(&v) + sizeof v);
      }
    }
    auto blob = mlir::HeapAsmResourceBlob::allocateAndCopyWithAlign(
        llvm::ArrayRef<char>(bytes), alignof(double));
    // The builtin dialect's resource manager makes the key unique.
    attr = mlir::DenseResourceElementsAttr::get(type, key, std::move(blob));
  }
  return rewriter.create<ConstantOp>(loc, attr);
}

struct FoldIntoConv : mlir::OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  mlir::LogicalResult
  matchAndRewrite(BatchNormOp bn,
                  mlir::PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    auto filter = constantValues(conv.getFilter());
    auto scale = constantValues(bn.getScale());
    auto shift = constantValues(bn.getBias());
    auto mean = constantValues(bn.getMean());
    auto var = constantValues(bn.getVar());
    if (!filter || !scale || !shift || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "operands are not constants");
    auto filterType = mlir::cast<mlir::RankedTensorType>(
        conv.getFilter().getType());
    int64_t channels = filterType.getDimSize(0);
    if (static_cast<int64_t>(scale->size()) != channels ||
        static_cast<int64_t>(shift->size()) != channels ||
        static_cast<int64_t>(mean->size()) != channels ||
        static_cast<int64_t>(var->size()) != channels)
      return rewriter.notifyMatchFailure(bn, "statistics are not per channel");
    llvm::SmallVector<double> bias(channels, 0.0);
    if (mlir::Value convBias = conv.getBias()) {
      auto values = constantValues(convBias);
      if (!values)
        return rewriter.notifyMatchFailure(bn, "conv bias is not constant");
      bias = *values;
    }

    double epsilon = bn.getEpsilon().convertToDouble();
    int64_t perChannel = filterType.getNumElements() / channels;
    for (int64_t m = 0; m < channels; ++m) {
      double s = (*scale)[m] / std::sqrt((*var)[m] + epsilon);
      for (int64_t i = 0; i < perChannel; ++i)
        (*filter)[m * perChannel + i] *= s;
      bias[m] = (bias[m] - (*mean)[m]) * s + (*shift)[m];
    }

    mlir::Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    rewriter.setInsertionPoint(conv);
    mlir::Value newFilter =
        makeConstant(rewriter, loc, filterType, *filter, "t_bn_folded_filter");
    auto biasType = mlir::RankedTensorType::get({channels},
                                                filterType.getElementType());
    mlir::Value newBias =
        makeConstant(rewriter, loc, biasType, bias, "t_bn_folded_bias");
    auto folded = rewriter.create<ConvOp>(
        loc, bn.getType(), conv.getInput(), newFilter, newBias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupAttr());
    rewriter.replaceOp(bn, folded.getResult());
    rewriter.eraseOp(conv);
    return mlir::success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConv>(&getContext());
    if (mlir::failed(
            mlir::applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace kiln::passes
