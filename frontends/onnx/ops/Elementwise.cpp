//===- Elementwise.cpp - Import ONNX elementwise ops and activations ------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {
namespace {

template <typename OpTy>
OpImporter binary(const char *opType) {
  return {opType,
          {},
          [](NodeImporter &n) -> mlir::LogicalResult {
            auto lhs = n.input(0), rhs = n.input(1);
            if (mlir::failed(lhs) || mlir::failed(rhs))
              return mlir::failure();
            return n.setResult(
                createInferred<OpTy>(n.builder(), n.loc(), *lhs, *rhs));
          },
          /*check=*/nullptr, ElementTypes::FloatOrSigned};
}

template <typename OpTy>
OpImporter unary(const char *opType) {
  return {opType,
          {},
          [](NodeImporter &n) -> mlir::LogicalResult {
            auto x = n.input(0);
            if (mlir::failed(x))
              return mlir::failure();
            return n.setResult(createInferred<OpTy>(n.builder(), n.loc(), *x));
          },
          /*check=*/nullptr,
          ElementTypes::Float};
}

} // namespace

void registerElementwiseOps(OpRegistry &registry) {
  registry.add(binary<AddOp>("Add"));
  registry.add(binary<SubOp>("Sub"));
  registry.add(binary<MulOp>("Mul"));
  registry.add(binary<DivOp>("Div"));
  registry.add(unary<ReluOp>("Relu"));
  registry.add(unary<SigmoidOp>("Sigmoid"));
  registry.add(unary<TanhOp>("Tanh"));
}

} // namespace kiln::onnx
