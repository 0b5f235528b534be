//===- kiln-opt.cpp - MlirOptMain with the kiln dialect and passes --------===//
//
// For lit tests and IR exploration. Registers kiln and the upstream dialects
// kiln's pipeline lowers through, not all of MLIR: registerAllDialects costs
// tens of seconds of compile time and gigabytes of memory for nothing here.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registry.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  kiln::registerCompilerDialects(registry);
  kiln::registerCompilerPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "kiln optimizer driver\n", registry));
}
