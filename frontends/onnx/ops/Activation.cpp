//===- Activation.cpp - Import ONNX activations ---------------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {

void registerActivationOps(OpRegistry &) {}

} // namespace kiln::onnx
