//===- ElementwiseInPlace.cpp - Elementwise results over dead inputs ------===//
//
// Runs on tensors right before bufferization. The conditions make the reuse
// safe by construction: every iterator is parallel and the reused input is
// read at the same index it is written at, so each element is read before
// it is overwritten, and no other op can observe the input afterwards.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

namespace kiln::passes {
#define GEN_PASS_DEF_ELEMENTWISEINPLACEPASS
#include "passes/Passes.h.inc"

namespace {

/// \returns the input of \p op its single output can take over, or null.
mlir::OpOperand *reusableInput(mlir::linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
    return nullptr;
  mlir::OpOperand *init = op.getDpsInitOperand(0);
  if (!init->get().getDefiningOp<mlir::tensor::EmptyOp>() ||
      op.getMatchingBlockArgument(init).getUses().begin() !=
          op.getMatchingBlockArgument(init).getUses().end())
    return nullptr;
  mlir::AffineMap outMap = op.getMatchingIndexingMap(init);
  for (mlir::OpOperand *input : op.getDpsInputOperands()) {
    mlir::Value value = input->get();
    if (value.getType() != init->get().getType() ||
        op.getMatchingIndexingMap(input) != outMap || !value.hasOneUse())
      continue;
    // Never an argument (the caller's, read-only) or a constant (a global).
    mlir::Operation *producer = value.getDefiningOp();
    if (!producer || producer->hasTrait<mlir::OpTrait::ConstantLike>())
      continue;
    return input;
  }
  return nullptr;
}

struct ElementwiseInPlacePass
    : impl::ElementwiseInPlacePassBase<ElementwiseInPlacePass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([](mlir::linalg::GenericOp op) {
      if (mlir::OpOperand *input = reusableInput(op))
        op.getDpsInitOperand(0)->set(input->get());
    });
  }
};
} // namespace
} // namespace kiln::passes
