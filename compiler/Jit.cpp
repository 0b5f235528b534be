//===- Jit.cpp - Run a compiled model in-process --------------------------===//

#include "compiler/Jit.h"

#include "kiln/threads.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

namespace kiln {

std::unique_ptr<JitModel>
JitModel::create(std::unique_ptr<llvm::Module> module,
                 std::unique_ptr<llvm::LLVMContext> context,
                 llvm::StringRef name, std::string &error) {
  auto fail = [&](llvm::Error e) {
    error = llvm::toString(std::move(e));
    return nullptr;
  };
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    return fail(jit.takeError());
  // Generated code calls malloc, free and libm; take them from the process.
  auto generator = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!generator)
    return fail(generator.takeError());
  (*jit)->getMainJITDylib().addGenerator(std::move(*generator));
  // The one runtime function generated code calls (kiln/threads.h), from
  // the runtime linked into this process: the executable need not export
  // its symbols.
  llvm::orc::SymbolMap runtime;
  runtime[(*jit)->mangleAndIntern("kiln_parallel_for")] = {
      llvm::orc::ExecutorAddr::fromPtr(&kiln_parallel_for),
      llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  if (llvm::Error e = (*jit)->getMainJITDylib().define(
          llvm::orc::absoluteSymbols(std::move(runtime))))
    return fail(std::move(e));
  module->setDataLayout((*jit)->getDataLayout());
  if (llvm::Error e = (*jit)->addIRModule(
          llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
    return fail(std::move(e));
  auto address = (*jit)->lookup((name + "_info").str());
  if (!address)
    return fail(address.takeError());
  auto model = std::unique_ptr<JitModel>(new JitModel());
  model->jit = std::move(*jit);
  model->modelInfo = address->toPtr<const kiln_model_info_t *>();
  return model;
}

} // namespace kiln
