//===- Epilogue.h - Elementwise epilogues of contractions -------*- C++ -*-===//
//
// kiln-fuse-epilogues turns the elementwise op that consumes a contraction's
// result (bias, activation, residual add) into that contraction's epilogue:
// a `linalg.generic` marked `kiln.epilogue`, placed right after the
// contraction and iterating over the contraction's output shape. The passes
// that tile the contraction afterwards (kiln-parallelize-loops, then
// kiln-tile-and-vectorize-contractions) keep that invariant at every level:
// each tile of the contraction is followed by the epilogue restricted to the
// tile's output, until the register tile applies it to the accumulators.
//
// The invariant, which everything here relies on: the epilogue E of a
// contraction T is T's next op; E iterates over the shape of T's output
// buffer C (all dims parallel); each operand of E that is C itself is read
// or written at the identity map; every other operand's map is a projected
// permutation (or constants) of those dims. kiln-fuse-epilogues proves the
// rest (no operand of E overlaps C, and E's output overlaps none of T's
// inputs), so E may run tile by tile, right after each tile of T.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_CODEGEN_EPILOGUE_H
#define KILN_PASSES_CODEGEN_EPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::passes {

/// Marks a contraction's epilogue (see the file comment).
inline constexpr llvm::StringLiteral kEpilogueAttr = "kiln.epilogue";

/// \returns the epilogue of \p contraction: its next op if that is a
/// `linalg.generic` marked `kiln.epilogue`, else null.
mlir::linalg::GenericOp epilogueOf(mlir::Operation *contraction);

/// \returns whether tileEpilogue() can restrict the epilogue of a
/// contraction writing \p output to the output tile \p tile writes: the
/// tile's output is a unit-stride `memref.subview` of \p output.
bool canTileEpilogue(mlir::Value output, mlir::linalg::LinalgOp tile);

/// Creates the epilogue of \p tile: \p epilogue restricted to the output
/// tile \p tile writes (subviews of its other operands are created before
/// \p tile, the tiled epilogue right after it, marked again). Requires
/// canTileEpilogue(). \p epilogue itself is left for the caller to erase
/// once every tile has its own.
void tileEpilogue(mlir::RewriterBase &rewriter,
                  mlir::linalg::GenericOp epilogue, mlir::Value output,
                  mlir::linalg::LinalgOp tile);

/// After a contraction with \p epilogue (on the contraction's \p output) was
/// tiled into \p loops (null entries are skipped): gives each tile, the
/// linalg ops in the loops, its own copy of the epilogue and erases the
/// original. If some tile's output is not a plain subview of \p output, the
/// epilogue stays whole after the loops, unmarked: correct, only not fused.
/// \returns whether the epilogue was carried into the tiles.
bool carryEpilogue(mlir::RewriterBase &rewriter,
                   mlir::linalg::GenericOp epilogue, mlir::Value output,
                   llvm::ArrayRef<mlir::Operation *> loops);

/// \returns the buffer \p value views through views, subviews, reshapes and
/// casts: a block argument, a global or an allocation. \p byteOffset is the
/// view's offset into it when \p knownOffset (whole `memref.view`s of the
/// scratch arena are tracked; subviews and reinterpret casts are not).
mlir::Value bufferRoot(mlir::Value value, int64_t &byteOffset,
                       bool &knownOffset);

/// \returns the bytes of \p type's elements (a static memref).
int64_t byteSize(mlir::MemRefType type);

/// \returns whether memrefs \p a and \p b may share bytes: both view the same
/// buffer and are not provably apart. Distinct entry-point arguments,
/// globals and allocations never overlap (kiln/model.h); memrefs rooted in
/// anything else (a loop-carried memref, a select) may.
bool mayOverlap(mlir::Value a, mlir::Value b);

} // namespace kiln::passes

#endif // KILN_PASSES_CODEGEN_EPILOGUE_H
