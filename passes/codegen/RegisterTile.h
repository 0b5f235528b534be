//===- RegisterTile.h - The host's contraction register tile ----*- C++ -*-===//
//
// kiln-tile-and-vectorize-contractions computes MR x NR blocks of a product
// in registers; kiln-pack-weight-strips stores constant B operands in strips
// NR wide. Both take the tile from here, so the strips fit the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_CODEGEN_REGISTERTILE_H
#define KILN_PASSES_CODEGEN_REGISTERTILE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

#include <cstdint>

namespace kiln::passes {

/// \returns the M, N, K register tile for the host's widest vector registers:
/// an MR x NR block of accumulators that fills most of the register file
/// (MR * NR / lanes accumulators plus NR / lanes B vectors and one broadcast).
inline llvm::SmallVector<int64_t, 3> hostRegisterTile() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return {12, 32, 1}; // 24 of 32 zmm accumulate, 2 hold B (BLIS's skx,
                        // whose 32 x 12 is this tile column-major). 8 x 32
                        // was 7% slower at 1024^3: 16 FMAs per 10 loads.
  if (features.lookup("avx2") || features.lookup("avx"))
    return {6, 16, 1}; // 12 of 16 ymm accumulate, 2 hold B (BLIS's haswell).
  return {4, 8, 1};    // 8 of 16 xmm accumulate, 2 hold B.
}

/// \returns the bits of the host's widest vector registers (the unit the
/// contraction kernels' N edge is masked up to).
inline int64_t hostVectorBits() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 512;
  if (features.lookup("avx2") || features.lookup("avx"))
    return 256;
  return 128;
}

} // namespace kiln::passes

#endif // KILN_PASSES_CODEGEN_REGISTERTILE_H
