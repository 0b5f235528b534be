//===- Activation.cpp - Import ONNX activations and trigonometry ----------===//
//
// Each activation becomes one kiln op whose float attributes carry the ONNX
// values (or the ONNX defaults); PRelu keeps its slope as an operand.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

#include <array>
#include <utility>

namespace kiln::onnx {
namespace {

/// One float attribute of an activation: its ONNX name and default.
using FloatParam = std::pair<const char *, float>;

/// An activation whose float attributes \p params map, in order, to the
/// F32 attributes of `OpTy` that follow its input in the builder.
template <typename OpTy, size_t N>
OpImporter activation(const char *opType,
                      const std::array<FloatParam, N> &params) {
  std::vector<std::string> names;
  for (const FloatParam &p : params)
    names.push_back(p.first);
  return {opType, names,
          [params](NodeImporter &n) -> mlir::LogicalResult {
            auto x = n.input(0);
            if (mlir::failed(x))
              return mlir::failure();
            std::array<mlir::FloatAttr, N> attrs;
            for (size_t i = 0; i < N; ++i) {
              auto value = n.floatAttr(params[i].first, params[i].second);
              if (mlir::failed(value))
                return mlir::failure();
              attrs[i] = n.builder().getF32FloatAttr(*value);
            }
            return std::apply(
                [&](auto... attr) {
                  return n.setResult(
                      createInferred<OpTy>(n.builder(), n.loc(), *x, attr...));
                },
                attrs);
          },
          /*check=*/nullptr, ElementTypes::Float};
}

template <typename OpTy>
OpImporter unary(const char *opType) {
  return activation<OpTy, 0>(opType, {});
}

mlir::LogicalResult importPRelu(NodeImporter &n) {
  auto x = n.input(0), slope = n.input(1);
  if (mlir::failed(x) || mlir::failed(slope))
    return mlir::failure();
  return n.setResult(
      createInferred<PReluOp>(n.builder(), n.loc(), *x, *slope));
}

} // namespace

void registerActivationOps(OpRegistry &registry) {
  registry.add(activation<LeakyReluOp, 1>("LeakyRelu", {{{"alpha", 0.01f}}}));
  registry.add(activation<EluOp, 1>("Elu", {{{"alpha", 1.0f}}}));
  registry.add(activation<SeluOp, 2>(
      "Selu", {{{"alpha", 1.67326319217681884765625f},
                {"gamma", 1.05070102214813232421875f}}}));
  registry.add(activation<CeluOp, 1>("Celu", {{{"alpha", 1.0f}}}));
  registry.add(activation<HardSigmoidOp, 2>(
      "HardSigmoid", {{{"alpha", 0.2f}, {"beta", 0.5f}}}));
  registry.add(unary<HardSwishOp>("HardSwish"));
  registry.add(unary<SoftplusOp>("Softplus"));
  registry.add(unary<SoftsignOp>("Softsign"));
  registry.add(
      activation<ThresholdedReluOp, 1>("ThresholdedRelu", {{{"alpha", 1.0f}}}));
  registry.add(activation<ShrinkOp, 2>(
      "Shrink", {{{"lambd", 0.5f}, {"bias", 0.0f}}}));
  registry.add({"PRelu", {}, importPRelu, /*check=*/nullptr,
                ElementTypes::FloatOrSigned});

  registry.add(unary<SinOp>("Sin"));
  registry.add(unary<CosOp>("Cos"));
  registry.add(unary<TanOp>("Tan"));
  registry.add(unary<AsinOp>("Asin"));
  registry.add(unary<AcosOp>("Acos"));
  registry.add(unary<AtanOp>("Atan"));
  registry.add(unary<SinhOp>("Sinh"));
  registry.add(unary<CoshOp>("Cosh"));
  registry.add(unary<AsinhOp>("Asinh"));
  registry.add(unary<AcoshOp>("Acosh"));
  registry.add(unary<AtanhOp>("Atanh"));
}

} // namespace kiln::onnx
