//===- kiln.cpp - The kiln driver -----------------------------------------===//
//
// `kiln <command> [options]`. Each command parses its own options: they are
// function-local statics, registered only when that command runs, so
// `kiln import --help` lists import's options and nothing else.
// The logic lives in compiler/ and frontends/; this file only wires it up.
//
//===----------------------------------------------------------------------===//

#include "compiler/Diagnostics.h"
#include "compiler/Inspect.h"
#include "compiler/Output.h"
#include "compiler/Pipeline.h"
#include "frontends/onnx/NodeImporter.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace cl = llvm::cl;

namespace {

constexpr const char *kUsage = R"(kiln - an ahead-of-time compiler for deep-learning models

USAGE: kiln <command> [options]

COMMANDS:
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
  std::string program = "kiln " + command;
  std::vector<char *> args = {program.data()};
  for (int i = 2; i < argc; ++i)
    args.push_back(argv[i]);
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
