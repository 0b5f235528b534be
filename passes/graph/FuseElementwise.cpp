//===- FuseElementwise.cpp - Elementwise chains into one loop nest --------===//
//
// MLIR's elementwise fusion (linalg::fuseElementwiseOps; not the whole
// populateElementwiseOpsFusionPatterns set, whose clean-up patterns would
// rewrite the outs of generics inside loops) with kiln's policy: fuse only when both ops are all-parallel and the
// producer has no other use, so fusion never duplicates work or turns a
// cheap reduction input into a recomputation inside a window. Only ops at
// the top level of a function fuse: the bodies of loops that lowerings build
// (recurrent layers, scatters) are laid out for in-place bufferization, which
// fusion there would break.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln::passes {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "passes/Passes.h.inc"

namespace {

bool allParallel(mlir::Operation *op) {
  auto generic = mlir::dyn_cast_or_null<mlir::linalg::GenericOp>(op);
  return generic && generic.getNumLoops() == generic.getNumParallelLoops();
}

/// Fuses a single-use, all-parallel producer generic into an all-parallel
/// consumer generic, both at the top level of a function.
struct FuseProducer : mlir::OpRewritePattern<mlir::linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  mlir::LogicalResult
  matchAndRewrite(mlir::linalg::GenericOp consumer,
                  mlir::PatternRewriter &rewriter) const override {
    if (!allParallel(consumer) ||
        !mlir::isa<mlir::func::FuncOp>(consumer->getParentOp()))
      return mlir::failure();
    for (mlir::OpOperand &operand : consumer->getOpOperands()) {
      mlir::Operation *producer = operand.get().getDefiningOp();
      if (!allParallel(producer) || !producer->hasOneUse() ||
          producer->getBlock() != consumer->getBlock() ||
          !mlir::linalg::areElementwiseOpsFusable(&operand))
        continue;
      auto fused = mlir::linalg::fuseElementwiseOps(rewriter, &operand);
      if (mlir::failed(fused))
        continue;
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceUsesWithIf(original, replacement,
                                   [&](mlir::OpOperand &use) {
                                     return use.getOwner() != producer;
                                   });
      rewriter.eraseOp(consumer);
      if (producer->use_empty())
        rewriter.eraseOp(producer);
      return mlir::success();
    }
    return mlir::failure();
  }
};

struct FuseElementwisePass
    : impl::FuseElementwisePassBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    patterns.add<FuseProducer>(&getContext());
    if (mlir::failed(mlir::applyPatternsAndFoldGreedily(getOperation(),
                                                        std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace kiln::passes
