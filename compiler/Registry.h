//===- Registry.h - The dialects and passes the compiler uses ---*- C++ -*-===//
//
// A minimal registry: kiln plus the upstream dialects, interface models and
// passes that kiln's pipeline lowers through, instead of registerAll*
// (tens of seconds of compile time and gigabytes of memory for one file).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_REGISTRY_H
#define KILN_COMPILER_REGISTRY_H

#include "mlir/IR/DialectRegistry.h"

namespace kiln {

/// Adds every dialect and external interface model of the pipeline, and the
/// LLVM IR translations, to \p registry.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Registers kiln's passes, the upstream passes its pipelines name, and the
/// kiln pipelines, with the global pass registry. Idempotent.
void registerCompilerPasses();

} // namespace kiln

#endif // KILN_COMPILER_REGISTRY_H
