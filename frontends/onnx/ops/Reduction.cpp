//===- Reduction.cpp - Import ONNX reductions, top-k, losses --------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {

void registerReductionOps(OpRegistry &) {}

} // namespace kiln::onnx
