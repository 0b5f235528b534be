//===- RegisterTile.h - The host's contraction register tile ----*- C++ -*-===//
//
// kiln-tile-and-vectorize-contractions computes MR x NR blocks of a product
// in registers; kiln-pack-weight-strips stores constant B operands in strips
// NR wide. Both take the tile from here, so the strips fit the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_CODEGEN_REGISTERTILE_H
#define KILN_PASSES_CODEGEN_REGISTERTILE_H

#include "llvm/ADT/ArrayRef.h"
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

/// \returns the M, N, K cache tile for the host and its register tile
/// \p reg, as measured from 256^3 to 2048^3 (interleaved A/B runs):
/// - AVX-512 (a Sapphire Rapids-class Xeon, 48 KiB L1, 2 MiB L2, 12 x 32
///   tiles): 10 register rows x 512 x 512. K = 512 halves the passes over
///   C against 256 (+4% at 1024^3, +10% at 2048^3) although B's 64 KiB
///   strip then streams from L2; 240 rows were 5% slower than 120, N =
///   1024 no faster than 512.
/// - AVX2 (Zen 3, 32 KiB L1, 512 KiB L2, 6 x 16 tiles): 40 register rows x
///   512 x 256: a 256 x NR strip of B (16 KiB) stays in L1, the block of A
///   (240 KiB) in L2.
/// The K x N block is what kiln-tile-and-vectorize-contractions copies
/// into column panels on the stack: 1 MiB with AVX-512, 512 KiB with AVX2.
inline llvm::SmallVector<int64_t, 3>
hostCacheTile(llvm::ArrayRef<int64_t> reg) {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return {10 * reg[0], 512, 512};
  return {40 * reg[0], 512, 256};
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
