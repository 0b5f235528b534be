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

/// \returns the register tile of large products on the host, or nothing
/// where hostRegisterTile() serves all: with AVX-512, 6 x 64 x 1 (24 zmm
/// accumulate, 4 hold B). Each K step takes 4 loads of B and 6 broadcasts
/// of A for its 24 FMAs, where 12 x 32 takes 2 and 12, and broadcasts from
/// memory are what limits the kernel on the Sapphire Rapids-class Xeon:
/// with A and B in L1, 12 x 32 ran at 84% of the FMA peak, 6 x 64 at 90%,
/// 12 x 32 without A's broadcasts at 97%. On whole products (B's rows
/// prefetched) 6 x 64 was 1% faster at 256^3, 5-8% from 512^3 to 2048^3.
/// It is no tile for every product: twice the passes over B per row of C
/// (MR 6), and 64-wide strips; LeNet, the batch-32 MLP and the batch-1
/// MLP were 4.4x, 1.6x and 1.3x slower with it as the only tile.
inline llvm::SmallVector<int64_t, 3> hostWideRegisterTile() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return {6, 64, 1};
  return {};
}

/// The smallest M, N and K of a product that takes the wide register tile
/// (the sizes it was measured to gain at: the square products from 256^3).
constexpr int64_t kWideTileMinM = 120, kWideTileMinN = 256, kWideTileMinK = 128;

/// \returns the M, N, K cache tile for the host and its register tile
/// \p reg, as measured from 256^3 to 2048^3 (interleaved A/B runs):
/// - AVX-512 (a Sapphire Rapids-class Xeon, 48 KiB L1, 2 MiB L2): 10
///   register rows x 512 x 512. Measured with 12 x 32 tiles: K = 512 halves
///   the passes over C against 256 (+4% at 1024^3, +10% at 2048^3) although
///   B's 64 KiB strip then streams from L2 (hostRhsPrefetchBytes() hides
///   that); 240 rows were 5% slower than 120, N = 1024 no faster than 512.
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

/// \returns the M, N, K cache tile for the wide register tile \p wide
/// (hostWideRegisterTile()), measured on the AVX-512 Xeon (6 x 64 tiles,
/// interleaved A/B): 10 register rows x 256 x 512. N = 256 against 512:
/// +6% at 1024^3 on one thread (+6% on two), the same at 512^3 and
/// 2048^3; K = 1024 no better than 512 (K = 256 2% worse); 36 or 120 rows
/// no better than 60.
inline llvm::SmallVector<int64_t, 3>
hostWideCacheTile(llvm::ArrayRef<int64_t> wide) {
  return {10 * wide[0], 256, 512};
}

/// \returns how far ahead (bytes) the contraction kernels prefetch the rows
/// of B they stream (the prefetch-rhs-bytes of
/// kiln-tile-and-vectorize-contractions), 0 for none. On the AVX-512 Xeon,
/// B's 128 KiB column panel (512 K steps of 64 floats) does not fit in its
/// 48 KiB L1 and the L1 prefetcher alone leaves the kernel waiting for it:
/// 4 KiB ahead made 1024^3 8% and 2048^3 10% faster with 6 x 64 tiles (2
/// and 8 KiB within 2% of 4), the batch-32 MLP's 784-deep strips 11% and
/// the batch-1 MLP 7% faster with 12 x 32 tiles; the convolutional models
/// of the suite within their noise. Not measured on an AVX2 host, whose
/// 256 x 16 strip of B stays in L1.
inline int64_t hostRhsPrefetchBytes() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features.lookup("avx512f") ? 4096 : 0;
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
