//===- Artifacts.cpp - Objects, libraries and executables -----------------===//

#include "compiler/Artifacts.h"

#include "compiler/Output.h"
#include "compiler/Weights.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace kiln {
namespace {

std::string join(llvm::StringRef dir, llvm::StringRef file) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  return std::string(path);
}

/// Runs \p program with \p args; \returns failure with its output in \p error.
mlir::LogicalResult runTool(llvm::StringRef program,
                            llvm::ArrayRef<std::string> args,
                            std::string &error) {
  auto found = llvm::sys::findProgramByName(program);
  if (!found) {
    error = "cannot find '" + program.str() + "' on PATH to link with";
    return mlir::failure();
  }
  llvm::SmallString<128> log;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("kiln-link", "log", log)) {
    error = "cannot create a temporary file: " + ec.message();
    return mlir::failure();
  }
  std::vector<llvm::StringRef> argv = {*found};
  for (const std::string &arg : args)
    argv.push_back(arg);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*found, argv, std::nullopt,
                                         redirects, 0, 0, &message);
  auto output = llvm::MemoryBuffer::getFile(log);
  llvm::sys::fs::remove(log);
  if (status != 0) {
    error = program.str() + " failed" +
            (message.empty() ? "" : ": " + message) +
            (output ? "\n" + (*output)->getBuffer().trim().str() : "");
    return mlir::failure();
  }
  return mlir::success();
}

/// Writes \p path by producing it at a temporary path with \p make, then
/// renaming; nothing is left behind on failure.
mlir::LogicalResult
produceAtomically(const std::string &path,
                  llvm::function_ref<mlir::LogicalResult(const std::string &)> make,
                  std::string &error) {
  std::string temp = path + ".tmp-link";
  llvm::sys::fs::remove(temp);
  if (mlir::failed(make(temp))) {
    llvm::sys::fs::remove(temp);
    return mlir::failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    error = "cannot write '" + path + "': " + ec.message();
    return mlir::failure();
  }
  return mlir::success();
}

} // namespace

mlir::LogicalResult
writeArtifacts(mlir::ModuleOp module, const ModelSignature &signature,
               const CompileOptions &compile, const ArtifactOptions &artifact,
               llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)>
                   configure,
               std::vector<std::string> &written, std::string &error) {
  std::unique_ptr<llvm::TargetMachine> target =
      createTargetMachine(compile, error);
  if (!target)
    return mlir::failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(artifact.outDir)) {
    error = "cannot create '" + artifact.outDir + "': " + ec.message();
    return mlir::failure();
  }
  mlir::FailureOr<ScratchInfo> scratch =
      lowerToLLVMDialect(module, compile, configure);
  if (mlir::failed(scratch))
    return mlir::failure();

  const std::string &name = compile.name;
  auto write = [&](const std::string &file,
                   llvm::function_ref<mlir::LogicalResult(llvm::raw_ostream &)> body)
      -> mlir::LogicalResult {
    std::string path = join(artifact.outDir, file);
    if (mlir::failed(writeFileAtomically(path, body, error)))
      return mlir::failure();
    written.push_back(path);
    return mlir::success();
  };

  if (!artifact.memoryPlanPath.empty()) {
    auto writePlan = [&](const std::string &path, const std::string &text) {
      if (mlir::failed(writeFileAtomically(
              path,
              [&](llvm::raw_ostream &os) {
                os << text;
                return mlir::success();
              },
              error)))
        return mlir::failure();
      written.push_back(path);
      return mlir::success();
    };
    if (mlir::failed(writePlan(artifact.memoryPlanPath,
                               formatPlanTable(scratch->plan))) ||
        mlir::failed(writePlan(artifact.memoryPlanPath + ".svg",
                               formatPlanSvg(scratch->plan))))
      return mlir::failure();
  }

  WeightsFile weights;
  if (compile.externalWeights) {
    if (mlir::failed(
            externalizeWeights(module, kMinExternalWeightBytes, weights)))
      return mlir::failure();
    if (mlir::failed(write(name + ".weights", [&](llvm::raw_ostream &os) {
          os << serializeWeightsFile(weights);
          return mlir::success();
        })))
      return mlir::failure();
  }

  if (artifact.emit == EmitKind::MLIR)
    return write(name + ".mlir", [&](llvm::raw_ostream &os) {
      module.print(os);
      return mlir::success();
    });

  llvm::LLVMContext context;
  bool exe = artifact.emit == EmitKind::Executable;
  std::unique_ptr<llvm::Module> llvmModule = translateToLLVMIR(
      module, context, signature, compile, *target, exe, *scratch,
      compile.externalWeights ? &weights : nullptr);
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return mlir::failure();
  }
  optimizeLLVMIR(*llvmModule, *target, compile.optLevel);

  if (artifact.emit == EmitKind::LLVMIR)
    return write(name + ".ll", [&](llvm::raw_ostream &os) {
      llvmModule->print(os, nullptr);
      return mlir::success();
    });

  auto emitTo = [&](const std::string &file, bool assembly) {
    return write(file, [&](llvm::raw_ostream &os) -> mlir::LogicalResult {
      llvm::SmallString<0> buffer;
      llvm::raw_svector_ostream stream(buffer);
      if (mlir::failed(emitMachineCode(*llvmModule, *target, stream, assembly,
                                       error)))
        return mlir::failure();
      os << buffer;
      return mlir::success();
    });
  };
  if (artifact.emit == EmitKind::Assembly)
    return emitTo(name + ".s", /*assembly=*/true);

  // Everything else starts from the object. Libraries and executables link
  // it from a private temporary so only the final artifact appears.
  bool keepObject = artifact.emit == EmitKind::Object;
  std::string object = keepObject ? name + ".o" : "." + name + ".kiln-tmp.o";
  if (mlir::failed(emitTo(object, /*assembly=*/false)))
    return mlir::failure();
  std::string objectPath = written.back();
  if (!keepObject)
    written.pop_back();
  auto removeObject = llvm::make_scope_exit([&] {
    if (!keepObject)
      llvm::sys::fs::remove(objectPath);
  });

  if (artifact.emit != EmitKind::Executable &&
      mlir::failed(write(name + ".h", [&](llvm::raw_ostream &os) {
        os << generateHeader(signature, compile, *scratch);
        return mlir::success();
      })))
    return mlir::failure();

  switch (artifact.emit) {
  case EmitKind::StaticLib: {
    std::string path = join(artifact.outDir, "lib" + name + ".a");
    std::string memberName = name + ".o";
    if (mlir::failed(produceAtomically(
            path,
            [&](const std::string &temp) -> mlir::LogicalResult {
              auto member = llvm::NewArchiveMember::getFile(objectPath, true);
              if (!member) {
                error = llvm::toString(member.takeError());
                return mlir::failure();
              }
              member->MemberName = memberName;
              if (llvm::Error e = llvm::writeArchive(
                      temp, {std::move(*member)},
                      llvm::SymtabWritingMode::NormalSymtab,
                      llvm::object::Archive::K_GNU, /*Deterministic=*/true,
                      /*Thin=*/false)) {
                error = llvm::toString(std::move(e));
                return mlir::failure();
              }
              return mlir::success();
            },
            error)))
      return mlir::failure();
    written.push_back(path);
    return mlir::success();
  }
  case EmitKind::SharedLib: {
    std::string path = join(artifact.outDir, "lib" + name + ".so");
    if (mlir::failed(produceAtomically(
            path,
            [&](const std::string &temp) {
              // The runtime's thread pool (kiln_parallel_for) goes into the
              // library when the code calls it, so that the library loads
              // on its own (e.g. through ctypes); --as-needed keeps
              // libstdc++ out of a library that does not use the pool.
              std::vector<std::string> args = {"-shared", "-fuse-ld=lld",
                                               "-o", temp, objectPath};
              if (!artifact.runtimeLibrary.empty() &&
                  llvm::sys::fs::exists(artifact.runtimeLibrary)) {
                args.push_back("-Wl,--as-needed");
                args.push_back(artifact.runtimeLibrary);
              }
              args.push_back("-lm");
              return runTool("clang++-19", args, error);
            },
            error)))
      return mlir::failure();
    written.push_back(path);
    return mlir::success();
  }
  case EmitKind::Executable: {
    if (artifact.runtimeLibrary.empty() ||
        !llvm::sys::fs::exists(artifact.runtimeLibrary)) {
      error = "cannot find the kiln runtime library '" +
              artifact.runtimeLibrary + "' to link the executable with";
      return mlir::failure();
    }
    std::string path = join(artifact.outDir, name);
    if (mlir::failed(produceAtomically(
            path,
            [&](const std::string &temp) {
              std::vector<std::string> args = {"-fuse-ld=lld", "-o", temp,
                                               objectPath,
                                               artifact.runtimeLibrary, "-lm"};
              args.insert(args.end(), artifact.linkFlags.begin(),
                          artifact.linkFlags.end());
              return runTool("clang++-19", args, error);
            },
            error)))
      return mlir::failure();
    written.push_back(path);
    return mlir::success();
  }
  default:
    return mlir::success();
  }
}

} // namespace kiln
