//===- ExpandMemRefCopy.cpp - memref.copy to linalg.copy ------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace kiln::passes {
#define GEN_PASS_DEF_EXPANDMEMREFCOPYPASS
#include "passes/Passes.h.inc"

namespace {
struct ExpandMemRefCopyPass
    : impl::ExpandMemRefCopyPassBase<ExpandMemRefCopyPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([](mlir::memref::CopyOp copy) {
      mlir::OpBuilder builder(copy);
      builder.create<mlir::linalg::CopyOp>(copy.getLoc(), copy.getSource(),
                                           copy.getTarget());
      copy.erase();
    });
  }
};
} // namespace
} // namespace kiln::passes
