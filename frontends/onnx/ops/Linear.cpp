//===- Linear.cpp - Import ONNX MatMul, Gemm and Einsum -------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/Einsum.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {
namespace {

/// Einsum: the equation is made explicit here (`...` expanded for the
/// operand ranks, the implicit result spelled out), so kiln.einsum and its
/// lowering see one letter per dim.
mlir::LogicalResult importEinsum(NodeImporter &n) {
  auto equation = n.stringAttr("equation", std::nullopt);
  if (mlir::failed(equation))
    return mlir::failure();
  llvm::SmallVector<mlir::Value> inputs;
  llvm::SmallVector<int64_t> ranks;
  for (int i = 0; i < n.node().input_size(); ++i) {
    auto type = n.inputType(i);
    if (mlir::failed(type))
      return mlir::failure();
    inputs.push_back(*n.input(i));
    ranks.push_back(type->getRank());
  }
  std::string error;
  std::optional<EinsumEquation> parsed =
      parseEinsum(*equation, ranks, /*requireExplicit=*/false, error);
  if (!parsed)
    return n.emitError() << "Einsum " << error;
  return n.setResult(createInferred<EinsumOp>(
      n.builder(), n.loc(), inputs, n.builder().getStringAttr(parsed->str())));
}

} // namespace

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

  registry.add({"Einsum", {"equation"}, importEinsum, /*check=*/nullptr,
                ElementTypes::FloatOrSigned});
}

} // namespace kiln::onnx
