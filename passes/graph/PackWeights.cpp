//===- PackWeights.cpp - Constant weights in the layout kernels read ------===//
//
// Weights are constants in an inference compile: whatever layout change a
// kernel wants can be made once, here, instead of on every call. Today that
// is the transpose of a Gemm operand given transposed (PyTorch's Linear
// exports `Gemm(x, W, b, transB=1)` with W as [out, in]).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/graph/ConstantData.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::passes {
#define GEN_PASS_DEF_PACKWEIGHTSPASS
#include "passes/Passes.h.inc"

namespace {

/// \returns a constant holding the transpose of the 2-D constant \p value,
/// or a null value if \p value is not a constant whose data is available.
mlir::Value transposedConstant(mlir::PatternRewriter &rewriter,
                               mlir::Location loc, mlir::Value value) {
  std::optional<llvm::SmallVector<double>> values = constantValues(value);
  if (!values)
    return {};
  auto type = mlir::cast<mlir::RankedTensorType>(value.getType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  llvm::SmallVector<double> transposed(values->size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      transposed[c * rows + r] = (*values)[r * cols + c];
  auto transposedType =
      mlir::RankedTensorType::get({cols, rows}, type.getElementType());
  return makeConstant(rewriter, loc, transposedType, transposed,
                      "t_packed_weight");
}

/// `kiln.gemm` with a constant operand marked transposed: the operand is
/// transposed now and the flag cleared.
struct TransposeGemmWeights : mlir::OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  mlir::LogicalResult
  matchAndRewrite(GemmOp gemm, mlir::PatternRewriter &rewriter) const override {
    rewriter.setInsertionPoint(gemm);
    mlir::Value a = gemm.getA(), b = gemm.getB();
    mlir::Value newA = gemm.getTransA()
                           ? transposedConstant(rewriter, gemm.getLoc(), a)
                           : mlir::Value();
    mlir::Value newB = gemm.getTransB()
                           ? transposedConstant(rewriter, gemm.getLoc(), b)
                           : mlir::Value();
    if (!newA && !newB)
      return rewriter.notifyMatchFailure(
          gemm, "no transposed operand is a constant");
    rewriter.modifyOpInPlace(gemm, [&] {
      if (newA) {
        gemm.getAMutable().assign(newA);
        gemm.setTransA(false);
      }
      if (newB) {
        gemm.getBMutable().assign(newB);
        gemm.setTransB(false);
      }
    });
    return mlir::success();
  }
};

struct PackWeightsPass : impl::PackWeightsPassBase<PackWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    patterns.add<TransposeGemmWeights>(&getContext());
    if (mlir::failed(mlir::applyPatternsAndFoldGreedily(getOperation(),
                                                        std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln::passes
