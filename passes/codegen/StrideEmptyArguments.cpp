//===- StrideEmptyArguments.cpp - Static strides for zero-size arguments --===//
//
// A memref with a 0 among its sizes has no static canonical strides: MLIR
// makes every stride outside the 0 dimension dynamic (memref<20x0x5xf32>
// reads as strided<[?, 5, 1]>). The bare-pointer calling convention of
// convert-func-to-llvm accepts only static strides, so it left a function
// with such an argument unconverted, and LLVM translation then rejected the
// remaining func.func. The argument's strides are irrelevant (nothing is
// ever read or written through it), so this pass states them: the suffix
// products of the sizes.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::passes {
#define GEN_PASS_DEF_STRIDEEMPTYARGUMENTSPASS
#include "passes/Passes.h.inc"

namespace {
/// memref<20x0x5xf32> -> memref<20x0x5xf32, strided<[0, 5, 1]>>, or null
/// if \p type is not a zero-size memref of identity layout.
mlir::MemRefType stridedEmptyType(mlir::Type type) {
  auto memref = mlir::dyn_cast<mlir::MemRefType>(type);
  if (!memref || !memref.hasStaticShape() || memref.getNumElements() != 0 ||
      !memref.getLayout().isIdentity())
    return {};
  llvm::ArrayRef<int64_t> shape = memref.getShape();
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return mlir::MemRefType::get(
      shape, memref.getElementType(),
      mlir::StridedLayoutAttr::get(memref.getContext(), /*offset=*/0, strides),
      memref.getMemorySpace());
}

struct StrideEmptyArgumentsPass
    : impl::StrideEmptyArgumentsPassBase<StrideEmptyArgumentsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<mlir::func::FuncOp>()) {
      if (func.isExternal())
        continue;
      mlir::Block &entry = func.getBody().front();
      mlir::OpBuilder builder = mlir::OpBuilder::atBlockBegin(&entry);
      llvm::SmallVector<mlir::Type> inputs(func.getArgumentTypes());
      bool changed = false;
      for (auto [i, arg] : llvm::enumerate(entry.getArguments())) {
        mlir::MemRefType strided = stridedEmptyType(arg.getType());
        if (!strided)
          continue;
        mlir::Type original = arg.getType();
        arg.setType(strided);
        auto cast = builder.create<mlir::memref::CastOp>(arg.getLoc(),
                                                         original, arg);
        arg.replaceAllUsesExcept(cast.getResult(), cast);
        inputs[i] = strided;
        changed = true;
      }
      if (changed)
        func.setFunctionType(builder.getFunctionType(
            inputs, func.getFunctionType().getResults()));
    }
  }
};
} // namespace
} // namespace kiln::passes
