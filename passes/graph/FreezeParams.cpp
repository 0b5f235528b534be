//===- FreezeParams.cpp - Turn parameters into constants ------------------===//
//
// Inference-only: after this pass the weights are ordinary constants that
// folders and constant-weight rewrites can use.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

namespace kiln::passes {
#define GEN_PASS_DEF_FREEZEPARAMSPASS
#include "passes/Passes.h.inc"

namespace {
struct FreezeParamsPass : impl::FreezeParamsPassBase<FreezeParamsPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([](ParamOp param) {
      mlir::OpBuilder builder(param);
      auto constant =
          builder.create<ConstantOp>(param.getLoc(), param.getValue());
      param.getResult().replaceAllUsesWith(constant.getResult());
      param.erase();
    });
  }
};
} // namespace
} // namespace kiln::passes
