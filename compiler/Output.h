//===- Output.h - Write output files atomically ----------------*- C++ -*-===//

#ifndef KILN_COMPILER_OUTPUT_H
#define KILN_COMPILER_OUTPUT_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace kiln {

/// Writes \p path through \p write. "-" means stdout. A file is written to a
/// temporary next to it and renamed into place only when \p write succeeds
/// and every byte reached the disk, so a failure never leaves a partial
/// file. \returns failure with the reason in \p error.
mlir::LogicalResult
writeFileAtomically(llvm::StringRef path,
                    llvm::function_ref<mlir::LogicalResult(llvm::raw_ostream &)>
                        write,
                    std::string &error);

} // namespace kiln

#endif // KILN_COMPILER_OUTPUT_H
