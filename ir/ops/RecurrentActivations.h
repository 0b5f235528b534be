//===- RecurrentActivations.h - Activations of RNN/LSTM/GRU -----*- C++ -*-===//
//
// The activation functions ONNX allows in the `activations` attribute of
// RNN, LSTM and GRU, with the alpha/beta each takes and its defaults. The
// importer (resolving alpha/beta lists), the verifiers and the lowering
// share this table.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_RECURRENTACTIVATIONS_H
#define KILN_IR_OPS_RECURRENTACTIVATIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace kiln {

enum class RecurrentActivation {
  Relu,            ///< max(x, 0)
  Tanh,            ///< tanh(x)
  Sigmoid,         ///< 1 / (1 + exp(-x))
  Affine,          ///< alpha * x + beta
  LeakyRelu,       ///< x >= 0 ? x : alpha * x
  ThresholdedRelu, ///< x > alpha ? x : 0
  ScaledTanh,      ///< alpha * tanh(beta * x)
  HardSigmoid,     ///< clamp(alpha * x + beta, 0, 1)
  Elu,             ///< x >= 0 ? x : alpha * (exp(x) - 1)
  Softsign,        ///< x / (1 + |x|)
  Softplus,        ///< log(1 + exp(x))
};

/// One activation's name, whether it takes alpha and beta, and the values
/// it uses when the model gives none (the ONNX operators' defaults).
struct RecurrentActivationInfo {
  llvm::StringLiteral name;
  RecurrentActivation kind;
  bool takesAlpha, takesBeta;
  float defaultAlpha, defaultBeta;
};

inline llvm::ArrayRef<RecurrentActivationInfo> recurrentActivations() {
  static const RecurrentActivationInfo table[] = {
      {"Relu", RecurrentActivation::Relu, false, false, 0.0f, 0.0f},
      {"Tanh", RecurrentActivation::Tanh, false, false, 0.0f, 0.0f},
      {"Sigmoid", RecurrentActivation::Sigmoid, false, false, 0.0f, 0.0f},
      {"Affine", RecurrentActivation::Affine, true, true, 1.0f, 0.0f},
      {"LeakyRelu", RecurrentActivation::LeakyRelu, true, false, 0.01f, 0.0f},
      {"ThresholdedRelu", RecurrentActivation::ThresholdedRelu, true, false,
       1.0f, 0.0f},
      {"ScaledTanh", RecurrentActivation::ScaledTanh, true, true, 1.0f, 1.0f},
      {"HardSigmoid", RecurrentActivation::HardSigmoid, true, true, 0.2f,
       0.5f},
      {"Elu", RecurrentActivation::Elu, true, false, 1.0f, 0.0f},
      {"Softsign", RecurrentActivation::Softsign, false, false, 0.0f, 0.0f},
      {"Softplus", RecurrentActivation::Softplus, false, false, 0.0f, 0.0f},
  };
  return table;
}

/// \returns the entry named \p name (ONNX spelling, compared without case,
/// as ONNX Runtime does), or nullptr.
inline const RecurrentActivationInfo *
findRecurrentActivation(llvm::StringRef name) {
  for (const RecurrentActivationInfo &info : recurrentActivations())
    if (name.equals_insensitive(info.name))
      return &info;
  return nullptr;
}

/// \returns the activation named exactly \p name (kiln IR uses the ONNX
/// spelling), or std::nullopt.
inline std::optional<RecurrentActivation>
parseRecurrentActivation(llvm::StringRef name) {
  for (const RecurrentActivationInfo &info : recurrentActivations())
    if (name == info.name)
      return info.kind;
  return std::nullopt;
}

} // namespace kiln

#endif // KILN_IR_OPS_RECURRENTACTIVATIONS_H
