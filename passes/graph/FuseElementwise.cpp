//===- FuseElementwise.cpp - Elementwise chains into one loop nest --------===//
//
// MLIR's elementwise fusion (linalg::populateElementwiseOpsFusionPatterns)
// with kiln's policy: fuse only when both ops are all-parallel and the
// producer has no other use, so fusion never duplicates work or turns a
// cheap reduction input into a recomputation inside a window.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

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

struct FuseElementwisePass
    : impl::FuseElementwisePassBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    mlir::RewritePatternSet patterns(&getContext());
    mlir::linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](mlir::OpOperand *fused) {
          mlir::Operation *producer = fused->get().getDefiningOp();
          return allParallel(producer) && allParallel(fused->getOwner()) &&
                 producer->hasOneUse();
        });
    if (mlir::failed(mlir::applyPatternsAndFoldGreedily(getOperation(),
                                                        std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace kiln::passes
