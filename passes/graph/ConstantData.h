//===- ConstantData.h - Reading and making weights in graph rewrites ------===//
//
// The graph rewrites that compute with weights at compile time (BatchNorm
// folding, weight packing) read a `kiln.constant`'s values and build new
// constants with these helpers. Values travel as doubles, which hold f32 and
// f64 exactly.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_GRAPH_CONSTANTDATA_H
#define KILN_PASSES_GRAPH_CONSTANTDATA_H

#include "ir/KilnOps.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace kiln::passes {

/// \returns the values of the f32/f64 `kiln.constant` defining \p value, in
/// row-major order, or std::nullopt if \p value is not such a constant or
/// its data is not available (an elided resource blob).
std::optional<llvm::SmallVector<double>> constantValues(mlir::Value value);

/// \returns a new `kiln.constant` of \p type (f32 or f64) holding \p values:
/// inline when small, else a resource blob named after \p key (made unique
/// by the builtin dialect's resource manager), as the importer stores
/// weights.
mlir::Value makeConstant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                         mlir::RankedTensorType type,
                         llvm::ArrayRef<double> values, llvm::StringRef key);

} // namespace kiln::passes

#endif // KILN_PASSES_GRAPH_CONSTANTDATA_H
