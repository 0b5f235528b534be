//===- Normalization.cpp - Import BatchNormalization, Softmax, LogSoftmax -===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {
namespace {

mlir::LogicalResult importBatchNorm(NodeImporter &n) {
  llvm::SmallVector<mlir::Value, 5> operands;
  for (size_t i = 0; i < 5; ++i) {
    auto value = n.input(i);
    if (mlir::failed(value))
      return mlir::failure();
    operands.push_back(*value);
  }
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  if (mlir::failed(epsilon))
    return mlir::failure();
  return n.setResult(createInferred<BatchNormOp>(
      n.builder(), n.loc(), operands[0], operands[1], operands[2], operands[3],
      operands[4], n.builder().getF32FloatAttr(*epsilon)));
}

} // namespace

void registerNormalizationOps(OpRegistry &registry) {
  registry.add({"BatchNormalization",
                {"epsilon", "momentum", "training_mode"},
                importBatchNorm,
                [](const ::onnx::NodeProto &node) -> std::optional<std::string> {
                  if (auto why = checkAttrValue(node, "training_mode", {"0"}))
                    return why;
                  for (int i = 1; i < node.output_size(); ++i)
                    if (!node.output(i).empty())
                      return "output " + std::to_string(i + 1) +
                             " (running statistics) of BatchNormalization";
                  return std::nullopt;
                },
                ElementTypes::Float});
}

} // namespace kiln::onnx
