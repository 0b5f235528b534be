//===- Artifacts.h - Objects, libraries and executables ---------*- C++ -*-===//
//
// `kiln compile --emit=...`: writes the artifacts of a compiled model into a
// directory, each file atomically (temporary + rename), so a failed compile
// never leaves a partial artifact. Libraries and executables are linked with
// clang-19 (a build dependency of kiln, found on PATH).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_ARTIFACTS_H
#define KILN_COMPILER_ARTIFACTS_H

#include "compiler/Compile.h"

#include <string>
#include <vector>

namespace kiln {

enum class EmitKind {
  Object,     ///< NAME.o + NAME.h
  StaticLib,  ///< libNAME.a + NAME.h
  SharedLib,  ///< libNAME.so + NAME.h
  Executable, ///< NAME, reading and writing .npy through the runtime
  MLIR,       ///< NAME.mlir: the LLVM-dialect module
  LLVMIR,     ///< NAME.ll: optimised LLVM IR
  Assembly,   ///< NAME.s
};

struct ArtifactOptions {
  EmitKind emit = EmitKind::Object;
  std::string outDir = ".";
  /// libkiln_runtime.a, linked into executables.
  std::string runtimeLibrary;
  /// Extra flags for linking executables (e.g. sanitizer runtimes when the
  /// runtime library itself is instrumented).
  std::vector<std::string> linkFlags;
  /// If set, the memory plan is written here as a table, and as a picture
  /// to the same path plus ".svg".
  std::string memoryPlanPath;
};

/// Lowers \p module (imported, with \p signature) and writes the artifacts.
/// \returns failure with diagnostics or a message in \p error; on success
/// \p written lists the files.
mlir::LogicalResult
writeArtifacts(mlir::ModuleOp module, const ModelSignature &signature,
               const CompileOptions &compile, const ArtifactOptions &artifact,
               llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)>
                   configure,
               std::vector<std::string> &written, std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_ARTIFACTS_H
