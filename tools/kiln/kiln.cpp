//===- kiln.cpp - The kiln driver -----------------------------------------===//
//
// `kiln <command> [options]`. Each command parses its own options: they are
// function-local statics, registered only when that command runs, so
// `kiln import --help` lists import's options and nothing else.
// The logic lives in compiler/ and frontends/; this file only wires it up.
//
//===----------------------------------------------------------------------===//

#include "compiler/Artifacts.h"
#include "compiler/Bench.h"
#include "compiler/Compile.h"
#include "compiler/Diagnostics.h"
#include "compiler/Jit.h"
#include "compiler/Registry.h"
#include "compiler/Run.h"
#include "compiler/Inspect.h"
#include "compiler/Output.h"
#include "compiler/Pipeline.h"
#include "frontends/onnx/NodeImporter.h"
#include "frontends/onnx/OnnxImporter.h"

#include "kiln/threads.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace cl = llvm::cl;

namespace {

constexpr const char *kUsage = R"(kiln - an ahead-of-time compiler for deep-learning models

USAGE: kiln <command> [options]

COMMANDS:
  compile   Compile an ONNX model to an object, library or executable
  run       Compile a model in-process (JIT) and run it on .npy inputs
  bench     Compile a model in-process and time its entry point
  import    Import an ONNX model and print its kiln IR
  inspect   Report on an ONNX model: inputs, outputs, operators, parameters,
            and everything kiln does not support
  ops       List the ONNX operators kiln imports

Run 'kiln <command> --help' for a command's options.
)";

cl::OptionCategory &commandCategory() {
  static cl::OptionCategory category("Options");
  return category;
}

/// Parses \p args (args[0] is "kiln <command>") with only the options
/// registered so far and \p category visible in --help.
void parse(std::vector<char *> &args, const char *overview) {
  cl::HideUnrelatedOptions(commandCategory());
  cl::ParseCommandLineOptions(static_cast<int>(args.size()), args.data(),
                              overview);
}

/// Collects --input-shape values; \returns false after printing an error.
bool parseInputShapes(const std::vector<std::string> &specs,
                      kiln::onnx::LoadOptions &options) {
  for (const std::string &spec : specs) {
    std::string error = kiln::onnx::parseInputShape(spec, options.inputShapes);
    if (!error.empty()) {
      llvm::errs() << "kiln: error: --input-shape: " << error << "\n";
      return false;
    }
  }
  return true;
}

/// Options shared by `compile` and `run`, registered when either runs.
struct CodegenFlags {
  cl::opt<std::string> model{cl::Positional, cl::Required,
                             cl::desc("<model.onnx>"),
                             cl::cat(commandCategory())};
  cl::list<std::string> inputShapes{
      "input-shape",
      cl::desc("Size of an input with symbolic dims, e.g. x=1x3x224x224 "
               "(repeat for several inputs)"),
      cl::value_desc("name=D1xD2x..."), cl::cat(commandCategory())};
  cl::opt<std::string> name{
      "name", cl::desc("Prefix of the generated symbols (default: model)"),
      cl::init("model"), cl::cat(commandCategory())};
  cl::opt<std::string> targetCpu{
      "target-cpu",
      cl::desc("CPU to generate code for, e.g. x86-64-v3 (default: host)"),
      cl::cat(commandCategory())};
  cl::opt<std::string> targetFeatures{
      "target-features",
      cl::desc("LLVM target features, e.g. +avx2,-avx512f"),
      cl::cat(commandCategory())};
  cl::opt<unsigned> optLevel{"O", cl::desc("LLVM optimisation level (0-3)"),
                             cl::init(3), cl::Prefix,
                             cl::cat(commandCategory())};
  cl::opt<bool> noMemoryReuse{
      "no-memory-reuse",
      cl::desc("Give every intermediate buffer its own scratch slot "
               "(debugging)"),
      cl::cat(commandCategory())};
  cl::opt<int> threads{
      "threads",
      cl::desc("Threads for the model's large loops (0: the machine's "
               "hardware threads). compile: the default compiled in, which "
               "KILN_NUM_THREADS and the executable's --threads override; "
               "run, bench: the thread count"),
      cl::value_desc("N"), cl::init(0), cl::cat(commandCategory())};
  cl::opt<bool> noParallelLoops{
      "no-parallel-loops",
      cl::desc("Keep every loop on the calling thread: no calls into the "
               "runtime's thread pool"),
      cl::cat(commandCategory())};
  cl::opt<bool> noFusion{
      "no-fusion",
      cl::desc("Skip the fusion passes (BatchNorm folding, elementwise "
               "fusion, contraction epilogues), e.g. to compare outputs "
               "with and without them"),
      cl::cat(commandCategory())};
  cl::opt<bool> printIrAfterAll{"print-ir-after-all",
                                cl::desc("Print the IR after every pass"),
                                cl::cat(commandCategory())};

  /// Imports the model; on failure the diagnostics are already printed.
  mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
  import(mlir::MLIRContext &context, kiln::CompileOptions &options) {
    kiln::onnx::LoadOptions load;
    if (!parseInputShapes(inputShapes, load))
      return mlir::failure();
    std::string nameError = kiln::checkModelName(name);
    if (!nameError.empty()) {
      llvm::errs() << "kiln: error: --name: " << nameError << "\n";
      return mlir::failure();
    }
    if (optLevel > 3) {
      llvm::errs() << "kiln: error: -O" << optLevel
                   << ": the level must be 0 to 3\n";
      return mlir::failure();
    }
    options.name = name;
    options.source = model;
    options.targetCpu = targetCpu;
    options.targetFeatures = targetFeatures;
    options.optLevel = optLevel;
    if (threads < 0 || threads > KILN_MAX_THREADS) {
      llvm::errs() << "kiln: error: --threads=" << threads
                   << ": expected 0 to " << KILN_MAX_THREADS << "\n";
      return mlir::failure();
    }
    options.memoryReuse = !noMemoryReuse;
    options.threads = threads;
    options.parallelLoops = !noParallelLoops;
    options.fusion = !noFusion;
    return kiln::onnx::importModelFile(&context, model, load);
  }

  /// Adds --print-ir-after-all and MLIR's pass-manager flags to \p pm.
  mlir::LogicalResult configure(mlir::PassManager &pm) {
    if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
      return mlir::failure();
    if (printIrAfterAll) {
      pm.getContext()->disableMultithreading();
      pm.enableIRPrinting(
          nullptr, [](mlir::Pass *, mlir::Operation *) { return true; },
          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
    }
    return mlir::success();
  }
};

/// What `compile` and `run` set up after parsing their flags: the compiler's
/// registry and context, diagnostics in the driver's format, the imported
/// module and its signature.
struct CodegenSession {
  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<kiln::DiagnosticPrinter> printer;
  kiln::CompileOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  kiln::ModelSignature signature;

  /// \returns failure after printing why.
  mlir::LogicalResult open(CodegenFlags &flags) {
    kiln::registerCompilerDialects(registry);
    kiln::registerCompilerPasses();
    context = std::make_unique<mlir::MLIRContext>(registry);
    printer = std::make_unique<kiln::DiagnosticPrinter>(context.get());
    auto imported = flags.import(*context, options);
    if (mlir::failed(imported))
      return mlir::failure();
    module = std::move(*imported);
    auto read = kiln::readSignature(*module);
    if (mlir::failed(read))
      return mlir::failure();
    signature = std::move(*read);
    return mlir::success();
  }
};

/// The runtime library next to this executable's lib/ directory, or
/// $KILN_RUNTIME_LIB.
std::string runtimeLibraryPath(const char *argv0) {
  if (auto env = llvm::sys::Process::GetEnv("KILN_RUNTIME_LIB"))
    return *env;
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&runtimeLibraryPath));
  llvm::SmallString<256> path(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(path, "lib", "libkiln_runtime.a");
  return std::string(path);
}

int runCompile(std::vector<char *> &args, const char *argv0) {
  static CodegenFlags flags;
  static cl::opt<std::string> outDir(
      "o", cl::desc("Directory to write the artifacts to (default: .)"),
      cl::value_desc("dir"), cl::init("."), cl::cat(commandCategory()));
  static cl::opt<std::string> weightsMode(
      "weights",
      cl::desc("Where weights live: 'embedded' in the code (default) or "
               "'external' in NAME.weights, mapped at run time"),
      cl::value_desc("embedded|external"), cl::init("embedded"),
      cl::cat(commandCategory()));
  static cl::opt<std::string> memoryPlan(
      "memory-plan",
      cl::desc("Write the scratch-memory plan to FILE (a table) and "
               "FILE.svg (a picture)"),
      cl::value_desc("FILE"), cl::cat(commandCategory()));
  static cl::opt<kiln::EmitKind> emit(
      "emit", cl::desc("What to produce"),
      cl::values(
          clEnumValN(kiln::EmitKind::Object, "obj", "NAME.o and NAME.h"),
          clEnumValN(kiln::EmitKind::StaticLib, "lib", "libNAME.a and NAME.h"),
          clEnumValN(kiln::EmitKind::SharedLib, "shared",
                     "libNAME.so and NAME.h"),
          clEnumValN(kiln::EmitKind::Executable, "exe",
                     "NAME: reads inputs from .npy, writes outputs to .npy"),
          clEnumValN(kiln::EmitKind::MLIR, "mlir",
                     "NAME.mlir: the module in the LLVM dialect"),
          clEnumValN(kiln::EmitKind::LLVMIR, "llvm", "NAME.ll: LLVM IR"),
          clEnumValN(kiln::EmitKind::Assembly, "asm", "NAME.s: assembly")),
      cl::init(kiln::EmitKind::Object), cl::cat(commandCategory()));
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  parse(args, "kiln compile: an ONNX model to native code\n");
  // Flag errors first: no reason to import a model for a misspelled option.
  if (weightsMode != "embedded" && weightsMode != "external") {
    llvm::errs() << "kiln: error: --weights=" << weightsMode
                 << ": expected 'embedded' or 'external'\n";
    return EXIT_FAILURE;
  }

  CodegenSession session;
  if (mlir::failed(session.open(flags)))
    return EXIT_FAILURE;
  kiln::CompileOptions &options = session.options;
  mlir::OwningOpRef<mlir::ModuleOp> &module = session.module;
  kiln::ModelSignature &signature = session.signature;
  options.externalWeights = weightsMode == "external";
  kiln::ArtifactOptions artifact;
  artifact.emit = emit;
  artifact.outDir = outDir;
  artifact.runtimeLibrary = runtimeLibraryPath(argv0);
  artifact.memoryPlanPath = memoryPlan;
#ifdef KILN_RUNTIME_LINK_FLAGS
  llvm::SmallVector<llvm::StringRef> linkFlags;
  llvm::StringRef(KILN_RUNTIME_LINK_FLAGS).split(linkFlags, ' ');
  for (llvm::StringRef flag : linkFlags)
    artifact.linkFlags.push_back(flag.str());
#endif
  std::vector<std::string> written;
  std::string error;
  if (mlir::failed(kiln::writeArtifacts(
          *module, signature, options, artifact,
          [&](mlir::PassManager &pm) { return flags.configure(pm); }, written,
          error))) {
    if (!error.empty())
      llvm::errs() << "kiln: error: " << error << "\n";
    return EXIT_FAILURE;
  }
  for (const std::string &file : written)
    llvm::outs() << "wrote " << file << "\n";
  return EXIT_SUCCESS;
}

/// Compiles the model of \p flags as `kiln compile` would and loads it
/// with the JIT. \returns null after printing why.
std::unique_ptr<kiln::JitModel> compileInProcess(CodegenFlags &flags,
                                                 CodegenSession &session) {
  if (mlir::failed(session.open(flags)))
    return nullptr;
  kiln::CompileOptions &options = session.options;
  mlir::OwningOpRef<mlir::ModuleOp> &module = session.module;
  kiln::ModelSignature &signature = session.signature;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> target =
      kiln::createTargetMachine(options, error);
  if (!target) {
    llvm::errs() << "kiln: error: " << error << "\n";
    return nullptr;
  }
  auto scratch = kiln::lowerToLLVMDialect(
      *module, options,
      [&](mlir::PassManager &pm) { return flags.configure(pm); });
  if (mlir::failed(scratch))
    return nullptr;
  auto llvmContext = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> llvmModule =
      kiln::translateToLLVMIR(*module, *llvmContext, signature, options,
                              *target, /*withMain=*/false, *scratch);
  if (!llvmModule) {
    llvm::errs() << "kiln: error: translation to LLVM IR failed\n";
    return nullptr;
  }
  kiln::optimizeLLVMIR(*llvmModule, *target, options.optLevel);
  auto jit = kiln::JitModel::create(std::move(llvmModule),
                                    std::move(llvmContext), options.name, error);
  if (!jit) {
    llvm::errs() << "kiln: error: JIT: " << error << "\n";
    return nullptr;
  }
  return jit;
}

int runRun(std::vector<char *> &args) {
  static CodegenFlags flags;
  static cl::list<std::string> inputs(
      "i", cl::desc("Input .npy, one per model input, in order"),
      cl::value_desc("file"), cl::cat(commandCategory()));
  static cl::list<std::string> outputs(
      "o", cl::desc("Where to write outputs (.npy), in order"),
      cl::value_desc("file"), cl::cat(commandCategory()));
  static cl::list<std::string> expects(
      "expect", cl::desc("Reference .npy per output, in order; exit 1 on a "
                         "mismatch"),
      cl::value_desc("file"), cl::cat(commandCategory()));
  static cl::opt<double> rtol("rtol", cl::desc("Relative tolerance (1e-4)"),
                              cl::init(1e-4), cl::cat(commandCategory()));
  static cl::opt<double> atol("atol", cl::desc("Absolute tolerance (1e-5)"),
                              cl::init(1e-5), cl::cat(commandCategory()));
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  parse(args, "kiln run: compile a model in-process and run it on .npy "
              "inputs\n\n  With --expect, prints the max abs/rel error per "
              "output and exits 1 beyond\n  |got - want| <= atol + rtol * "
              "|want|.\n");

  CodegenSession session;
  std::unique_ptr<kiln::JitModel> jit = compileInProcess(flags, session);
  if (!jit)
    return EXIT_FAILURE;
  // The JIT-compiled model's default is --threads; say so to the runtime
  // too, so that it wins over KILN_NUM_THREADS as with an executable.
  if (flags.threads > 0)
    (void)kiln_set_num_threads(flags.threads);
  kiln::RunFiles files;
  files.inputs.assign(inputs.begin(), inputs.end());
  files.outputs.assign(outputs.begin(), outputs.end());
  files.expects.assign(expects.begin(), expects.end());
  files.rtol = rtol;
  files.atol = atol;
  return kiln::runAndCheck(*jit->info(), files, llvm::outs(), llvm::errs());
}

int runBench(std::vector<char *> &args) {
  static CodegenFlags flags;
  static cl::list<std::string> inputs(
      "i", cl::desc("Input .npy, one per model input, in order (default: "
                    "random inputs)"),
      cl::value_desc("file"), cl::cat(commandCategory()));
  static cl::opt<unsigned> warmup("warmup",
                                  cl::desc("Untimed calls first (5)"),
                                  cl::init(5), cl::cat(commandCategory()));
  static cl::opt<unsigned> runs("runs", cl::desc("Timed calls (20)"),
                                cl::init(20), cl::cat(commandCategory()));
  static cl::opt<bool> json("json",
                            cl::desc("Print one JSON object (for scripts)"),
                            cl::cat(commandCategory()));
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  parse(args, "kiln bench: compile a model in-process as 'kiln compile' "
              "would and time its entry point\n\n  Prints the median, min, "
              "max and mean latency in ms of --runs calls after --warmup\n"
              "  calls, on the -i inputs or on random ones (floats uniform in "
              "[-1, 1), integers 0).\n");
  if (runs == 0) {
    llvm::errs() << "kiln: error: --runs must be at least 1\n";
    return EXIT_FAILURE;
  }
  CodegenSession session;
  std::unique_ptr<kiln::JitModel> jit = compileInProcess(flags, session);
  if (!jit)
    return EXIT_FAILURE;
  if (flags.threads > 0)
    (void)kiln_set_num_threads(flags.threads);
  kiln::BenchOptions options;
  options.inputs.assign(inputs.begin(), inputs.end());
  options.warmup = warmup;
  options.runs = runs;
  options.json = json;
  options.threads = session.options.parallelLoops
                        ? kiln_get_num_threads(session.options.threads)
                        : 1;
  return kiln::benchModel(*jit->info(), options, llvm::outs(), llvm::errs());
}

enum class PipelineKind { None, Graph };

int runImport(std::vector<char *> &args) {
  static cl::opt<std::string> model(cl::Positional, cl::Required,
                                    cl::desc("<model.onnx>"),
                                    cl::cat(commandCategory()));
  static cl::opt<std::string> output(
      "o", cl::desc("Write the IR here instead of stdout"),
      cl::value_desc("file"), cl::init("-"), cl::cat(commandCategory()));
  static cl::list<std::string> inputShapes(
      "input-shape",
      cl::desc("Size of an input with symbolic dims, e.g. x=1x3x224x224 "
               "(repeat for several inputs)"),
      cl::value_desc("name=D1xD2x..."), cl::cat(commandCategory()));
  static cl::opt<PipelineKind> pipeline(
      "pipeline", cl::desc("Passes to run after import"),
      cl::values(clEnumValN(PipelineKind::None, "none",
                            "none: print the importer's output (default)"),
                 clEnumValN(PipelineKind::Graph, "graph",
                            "the graph pipeline: freeze parameters, "
                            "canonicalize, CSE")),
      cl::init(PipelineKind::None), cl::cat(commandCategory()));
  static cl::opt<bool> printWeights(
      "print-weights",
      cl::desc("Print weight blobs in full (elided by default)"),
      cl::cat(commandCategory()));
  static cl::opt<bool> printIrAfterAll(
      "print-ir-after-all", cl::desc("Print the IR after every pass"),
      cl::cat(commandCategory()));
  static cl::opt<bool> printDebugInfo(
      "print-locations",
      cl::desc("Print locations (ONNX node names) with the IR"),
      cl::cat(commandCategory()));
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  parse(args, "kiln import: an ONNX model to kiln IR\n\n"
              "  MLIR's --mlir-print-* and --mlir-* pass-manager flags are "
              "accepted too (see --help-hidden).\n");

  kiln::onnx::LoadOptions options;
  if (!parseInputShapes(inputShapes, options))
    return EXIT_FAILURE;

  mlir::MLIRContext context;
  kiln::DiagnosticPrinter printer(&context);
  auto module = kiln::onnx::importModelFile(&context, model, options);
  if (mlir::failed(module))
    return EXIT_FAILURE;

  if (pipeline == PipelineKind::Graph) {
    mlir::PassManager pm(&context);
    if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
      return EXIT_FAILURE;
    if (printIrAfterAll) {
      context.disableMultithreading();
      pm.enableIRPrinting(
          /*shouldPrintBeforePass=*/nullptr,
          /*shouldPrintAfterPass=*/[](mlir::Pass *, mlir::Operation *) {
            return true;
          },
          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
    }
    kiln::buildGraphPipeline(pm);
    if (mlir::failed(pm.run(**module)))
      return EXIT_FAILURE;
  }

  mlir::OpPrintingFlags flags;
  if (!printWeights && !flags.getLargeResourceStringLimit())
    flags.elideLargeResourceString(/*largeResourceLimit=*/64);
  if (printDebugInfo)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  std::string error;
  if (mlir::failed(kiln::writeFileAtomically(
          output,
          [&](llvm::raw_ostream &os) {
            (*module)->print(os, flags);
            os << "\n";
            return mlir::success();
          },
          error))) {
    llvm::errs() << "kiln: error: " << error << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}

int runInspect(std::vector<char *> &args) {
  static cl::opt<std::string> model(cl::Positional, cl::Required,
                                    cl::desc("<model.onnx>"),
                                    cl::cat(commandCategory()));
  parse(args, "kiln inspect: a report on an ONNX model\n\n"
              "  Exits 0 when the model is valid ONNX, whether or not kiln "
              "supports all of it;\n  the report lists what it does not.\n");
  mlir::MLIRContext context;
  kiln::DiagnosticPrinter printer(&context);
  return mlir::succeeded(kiln::inspectModel(&context, model, llvm::outs()))
             ? EXIT_SUCCESS
             : EXIT_FAILURE;
}

int runOps(std::vector<char *> &args) {
  parse(args, "kiln ops: the ONNX operators kiln imports, one per line\n");
  for (const std::string &op : kiln::onnx::OpRegistry::get().opTypes())
    llvm::outs() << op << "\n";
  return EXIT_SUCCESS;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  if (argc < 2) {
    llvm::errs() << kUsage;
    return EXIT_FAILURE;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    llvm::outs() << kUsage;
    return EXIT_SUCCESS;
  }
  if (command == "--version") {
    llvm::outs() << "kiln 0.1 (LLVM/MLIR " << LLVM_VERSION_STRING
                 << ", ONNX opset " << kiln::onnx::kTargetOpset << ")\n";
    return EXIT_SUCCESS;
  }
  // libLLVM registers a global -threads of its own; kiln's commands take
  // --threads for the model's thread count, so LLVM's is renamed first.
  llvm::StringMap<cl::Option *> &registered = cl::getRegisteredOptions();
  if (auto it = registered.find("threads"); it != registered.end())
    it->second->setArgStr("llvm-threads");
  std::string program = "kiln " + command;
  std::vector<char *> args = {program.data()};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
  if (command == "compile")
    return runCompile(args, argv[0]);
  if (command == "run")
    return runRun(args);
  if (command == "bench")
    return runBench(args);
  if (command == "import")
    return runImport(args);
  if (command == "inspect")
    return runInspect(args);
  if (command == "ops")
    return runOps(args);
  llvm::errs() << "kiln: error: unknown command '" << command
               << "'; run 'kiln --help' for the list\n";
  return EXIT_FAILURE;
}
