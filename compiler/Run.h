//===- Run.h - Run a model on .npy files and check its outputs --*- C++ -*-===//

#ifndef KILN_COMPILER_RUN_H
#define KILN_COMPILER_RUN_H

#include "kiln/model.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace kiln {

struct RunFiles {
  std::vector<std::string> inputs;  ///< One .npy per model input, in order.
  std::vector<std::string> outputs; ///< Where to write outputs; may be short.
  std::vector<std::string> expects; ///< Reference .npy per output; may be short.
  double rtol = 1e-4, atol = 1e-5;
};

/// Runs \p model on \p files.inputs, writes the outputs given paths for, and
/// compares each output that has a reference: element-wise
/// |got - want| <= atol + rtol * |want| (NaN matches NaN). Prints one line
/// per compared output (max abs and rel error) to \p os; errors go to
/// \p errs as one line each. \returns 0 if everything ran and matched, 1
/// otherwise.
int runAndCheck(const kiln_model_info_t &model, const RunFiles &files,
                llvm::raw_ostream &os, llvm::raw_ostream &errs);

} // namespace kiln

#endif // KILN_COMPILER_RUN_H
