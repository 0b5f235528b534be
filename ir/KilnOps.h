//===- KilnOps.h - The kiln dialect and its ops -----------------*- C++ -*-===//
//
// Include this to use the kiln dialect. Besides the generated op classes it
// declares createInferred(), which builds an op whose result type comes from
// the op's own shape inference and reports failure instead of aborting.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_KILNOPS_H
#define KILN_IR_KILNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ir/KilnOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "ir/KilnOps.h.inc"

namespace kiln {

/// Builds `OpTy` with the result type its shape inference computes. The
/// op's generated inferring builder aborts when inference fails; this one
/// emits the diagnostic at \p loc (naming the ONNX node) and returns failure.
/// \p args are the op's builder arguments after the result type.
template <typename OpTy, typename... Args>
mlir::FailureOr<OpTy> createInferred(mlir::OpBuilder &builder,
                                     mlir::Location loc, Args &&...args) {
  // A placeholder type: the op never escapes this function with it.
  mlir::Type placeholder =
      mlir::UnrankedTensorType::get(builder.getF32Type());
  auto op = builder.create<OpTy>(loc, placeholder, std::forward<Args>(args)...);
  llvm::SmallVector<mlir::Type, 1> inferred;
  if (mlir::failed(OpTy::inferReturnTypes(builder.getContext(), loc,
                                          typename OpTy::Adaptor(op),
                                          inferred))) {
    op->erase();
    return mlir::failure();
  }
  op->getResult(0).setType(inferred.front());
  return op;
}

} // namespace kiln

#endif // KILN_IR_KILNOPS_H
