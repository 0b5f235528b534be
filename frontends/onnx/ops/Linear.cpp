//===- Linear.cpp - Import ONNX MatMul and Gemm ---------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {

void registerLinearOps(OpRegistry &registry) {
  registry.add({"MatMul", {}, [](NodeImporter &n) -> mlir::LogicalResult {
                  auto a = n.input(0), b = n.input(1);
                  if (mlir::failed(a) || mlir::failed(b))
                    return mlir::failure();
                  return n.setResult(
                      createInferred<MatMulOp>(n.builder(), n.loc(), *a, *b));
                },
                /*check=*/nullptr, ElementTypes::FloatOrSigned});

  registry.add(
      {"Gemm",
       {"alpha", "beta", "transA", "transB"},
       [](NodeImporter &n) -> mlir::LogicalResult {
         auto a = n.input(0), b = n.input(1);
         auto alpha = n.floatAttr("alpha", 1.0f);
         auto beta = n.floatAttr("beta", 1.0f);
         auto transA = n.intAttr("transA", 0), transB = n.intAttr("transB", 0);
         if (mlir::failed(a) || mlir::failed(b) || mlir::failed(alpha) ||
             mlir::failed(beta) || mlir::failed(transA) ||
             mlir::failed(transB))
           return mlir::failure();
         mlir::OpBuilder &builder = n.builder();
         return n.setResult(createInferred<GemmOp>(
             builder, n.loc(), *a, *b, n.optionalInput(2),
             builder.getF32FloatAttr(*alpha), builder.getF32FloatAttr(*beta),
             builder.getBoolAttr(*transA != 0),
             builder.getBoolAttr(*transB != 0)));
       },
       /*check=*/nullptr,
       ElementTypes::Float});
}

} // namespace kiln::onnx
