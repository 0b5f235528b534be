//===- Compile.h - kiln IR to native code -----------------------*- C++ -*-===//
//
// The back half of the compiler: an imported module is lowered to the LLVM
// dialect (Pipeline.h), translated to LLVM IR with the runtime ABI of
// kiln/model.h added (NAME_run_packed, NAME_info, optionally main), optimised
// for the target CPU and emitted as an object file or assembly. Artifacts.h
// turns objects into libraries and executables; Jit.h runs them in-process.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_COMPILE_H
#define KILN_COMPILER_COMPILE_H

#include "compiler/MemoryPlan.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln {

/// One input or output of the compiled entry point.
struct TensorSignature {
  std::string name;          ///< The ONNX graph input/output name.
  mlir::RankedTensorType type;
};

/// The entry point's inputs and outputs, in order.
struct ModelSignature {
  std::vector<TensorSignature> inputs, outputs;
};

struct CompileOptions {
  /// Prefix of every exported symbol (NAME_run, NAME_info, ...); a C
  /// identifier.
  std::string name = "model";
  /// The model file, recorded in NAME_info and the header.
  std::string source;
  /// LLVM CPU name; empty means the host CPU.
  std::string targetCpu;
  /// LLVM feature string (e.g. "+avx2,-avx512f"); empty means the host's
  /// features for the host CPU and the CPU's defaults otherwise.
  std::string targetFeatures;
  /// LLVM optimisation level, 0 to 3.
  unsigned optLevel = 3;
  /// Keep large constants in NAME.weights instead of the object (Weights.h).
  bool externalWeights = false;
  /// Let intermediate buffers share scratch bytes (the memory plan).
  bool memoryReuse = true;
  /// Run large loops on the runtime's thread pool (kiln/threads.h).
  bool parallelLoops = true;
  /// The default thread count compiled into the model; 0 lets the runtime
  /// decide (the machine's hardware threads).
  int32_t threads = 0;
  /// Run the fusion passes (PipelineOptions::fusion).
  bool fusion = true;
};

/// The scratch arena the memory planner gave the entry point.
struct ScratchInfo {
  int64_t bytes = 0;
  int64_t alignment = 64;
  /// The planner's record (empty when nothing was planned).
  MemoryPlan plan;
};

struct WeightsFile;

/// \returns "" if \p name can prefix C symbols, else why not.
std::string checkModelName(llvm::StringRef name);

/// \returns the signature of the imported module's @main (names from the
/// `kiln.name` attributes), or failure with a diagnostic.
mlir::FailureOr<ModelSignature> readSignature(mlir::ModuleOp module);

/// \returns the plan the memory planner recorded (`kiln.memory_plan`) for
/// entry point \p function.
MemoryPlan memoryPlanFromAttr(mlir::DictionaryAttr plan,
                              llvm::StringRef function);

/// Renames @main to NAME_run and runs the compile pipeline on \p module.
/// \p configure may add instrumentation (IR printing) to the pass manager.
/// \returns the entry point's scratch arena.
mlir::FailureOr<ScratchInfo> lowerToLLVMDialect(
    mlir::ModuleOp module, const CompileOptions &options,
    llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)> configure =
        nullptr);

/// Creates the target machine for \p options (PIC, aggressive codegen).
/// \returns null with the reason in \p error for an unknown CPU.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CompileOptions &options, std::string &error);

/// Translates a module lowered by lowerToLLVMDialect() to LLVM IR and adds
/// the runtime ABI: NAME_run_packed, NAME_info and, with \p withMain, a
/// `main` that calls kiln_main. Every other definition gets internal linkage,
/// so several compiled models link into one program.
/// \p weights describes the constants moved out by externalizeWeights(), or
/// is null when every weight is embedded.
std::unique_ptr<llvm::Module>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  const ModelSignature &signature,
                  const CompileOptions &options, llvm::TargetMachine &target,
                  bool withMain, const ScratchInfo &scratch,
                  const WeightsFile *weights = nullptr);

/// Runs LLVM's default optimisation pipeline at \p options.optLevel.
void optimizeLLVMIR(llvm::Module &module, llvm::TargetMachine &target,
                    unsigned optLevel);

/// Emits \p module as an object file (or assembly) to \p os.
mlir::LogicalResult emitMachineCode(llvm::Module &module,
                                    llvm::TargetMachine &target,
                                    llvm::raw_pwrite_stream &os, bool assembly,
                                    std::string &error);

/// The C header of a compiled model: the entry points with one typed
/// pointer per input and output (and the scratch arena), every shape,
/// element type and size as constants, and NAME_WEIGHTS_FILE when
/// \p options.externalWeights.
std::string generateHeader(const ModelSignature &signature,
                           const CompileOptions &options,
                           const ScratchInfo &scratch);

/// \returns the kiln_dtype_t value of \p element, or 0 if it has none.
int32_t runtimeDtype(mlir::Type element);

} // namespace kiln

#endif // KILN_COMPILER_COMPILE_H
