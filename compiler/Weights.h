//===- Weights.h - Weights outside the code (--weights=external) -*- C++ -*-===//
//
// With --weights=external the constant tensors of a model leave the object
// file: each large constant global of the lowered (LLVM dialect) module is
// replaced by a pointer "slot" that the runtime points into a mapped
// NAME.weights file (kiln/model.h documents the format), and generated code
// loads the slot where it took the global's address.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_WEIGHTS_H
#define KILN_COMPILER_WEIGHTS_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// Constants smaller than this stay in the object (per-channel vectors,
/// small tables); they cost less inline than a pointer load.
constexpr uint64_t kMinExternalWeightBytes = 1024;

struct ExternalWeight {
  std::string name; ///< The constant global it replaces.
  std::string slot; ///< The pointer global generated code loads.
  uint64_t offset;  ///< In the data region, 64-aligned.
  uint64_t bytes;
};

struct WeightsFile {
  std::vector<ExternalWeight> weights;
  std::string data;      ///< The data region.
  uint64_t checksum = 0; ///< FNV-1a 64 of `data`.
};

/// Moves every constant global of at least \p minBytes out of \p module (an
/// LLVM-dialect module from lowerToLLVMDialect) into \p file.
mlir::LogicalResult externalizeWeights(mlir::ModuleOp module,
                                       uint64_t minBytes, WeightsFile &file);

/// \returns the bytes of the weights file: header, then the data region.
std::string serializeWeightsFile(const WeightsFile &file);

/// FNV-1a 64 of \p data.
uint64_t fnv1a64(llvm::StringRef data);

} // namespace kiln

#endif // KILN_COMPILER_WEIGHTS_H
