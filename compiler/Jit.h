//===- Jit.h - Run a compiled model in-process ------------------*- C++ -*-===//
//
// `kiln run` compiles a model exactly as `kiln compile` would, then loads the
// optimised LLVM module with ORC's LLJIT instead of writing an object file,
// and drives it through the same runtime ABI (kiln/model.h).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_JIT_H
#define KILN_COMPILER_JIT_H

#include "kiln/model.h"

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>

namespace kiln {

/// A JIT-compiled model; the code lives as long as this object.
class JitModel {
public:
  /// Compiles \p module (which owns \p context) and looks up NAME_info.
  /// \returns null with the reason in \p error.
  static std::unique_ptr<JitModel>
  create(std::unique_ptr<llvm::Module> module,
         std::unique_ptr<llvm::LLVMContext> context, llvm::StringRef name,
         std::string &error);

  const kiln_model_info_t *info() const { return modelInfo; }

private:
  std::unique_ptr<llvm::orc::LLJIT> jit;
  const kiln_model_info_t *modelInfo = nullptr;
};

} // namespace kiln

#endif // KILN_COMPILER_JIT_H
