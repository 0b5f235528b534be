//===- PrepareEntryPoints.cpp - Caller-owned inputs and outputs -----------===//
//
// The ABI (kiln/model.h) gives every input and output its own caller-owned
// buffer: inputs are read-only and each output is written. One-shot
// bufferization would otherwise write into an argument in place, and
// buffer-results-to-out-params cannot give one out-parameter to a value
// returned twice or to an argument.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace kiln::passes {
#define GEN_PASS_DEF_PREPAREENTRYPOINTSPASS
#include "passes/Passes.h.inc"

namespace {
struct PrepareEntryPointsPass
    : impl::PrepareEntryPointsPassBase<PrepareEntryPointsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<mlir::func::FuncOp>()) {
      if (func.isPrivate() || func.isExternal())
        continue;
      mlir::OpBuilder builder(func.getContext());
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (mlir::isa<mlir::TensorType>(func.getArgument(i).getType()))
          func.setArgAttr(i, mlir::bufferization::BufferizationDialect::
                                 kWritableAttrName,
                          builder.getBoolAttr(false));
      func.walk([&](mlir::func::ReturnOp ret) {
        llvm::SmallPtrSet<mlir::Value, 8> seen;
        builder.setInsertionPoint(ret);
        for (mlir::OpOperand &operand : ret->getOpOperands()) {
          mlir::Value value = operand.get();
          auto type = mlir::dyn_cast<mlir::RankedTensorType>(value.getType());
          if (!type)
            continue;
          bool isArgument = mlir::isa<mlir::BlockArgument>(value);
          if (seen.insert(value).second && !isArgument)
            continue;
          operand.set(builder.create<mlir::bufferization::AllocTensorOp>(
              ret.getLoc(), type, mlir::ValueRange(), /*copy=*/value));
        }
      });
    }
  }
};
} // namespace
} // namespace kiln::passes
