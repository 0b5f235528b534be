//===- Recurrent.cpp - Import ONNX RNN, LSTM and GRU ----------------------===//

#include "frontends/onnx/NodeImporter.h"
#include "ir/KilnOps.h"

namespace kiln::onnx {

void registerRecurrentOps(OpRegistry &) {}

} // namespace kiln::onnx
