// Prefetch of B's rows inside the K loops: each K step prefetches the row
// `prefetch-rhs-bytes` ahead of the one it reads, one prefetch per cache
// line of the row. 32-float rows are 128 bytes: 256 bytes ahead is 2 rows,
// 2 lines each. With 0, none.
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=256 register-tile-sizes=4,32,1 cache-tile-sizes=4,64,64 pack-lhs=0 vector-bits=256 lower-contractions=0}))' | FileCheck %s
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,32,1 cache-tile-sizes=4,64,64 pack-lhs=0 vector-bits=256 lower-contractions=0}))' | FileCheck %s --check-prefix=OFF

// Two M cache tiles read B's 64 x 64 block: it is copied into two column
// panels (the copy loop carries nothing and is not prefetched); the K loop
// of each register tile prefetches its panel's row k + 2. A's reads (4 x 1
// columns, not whole rows) are not prefetched.
// CHECK-LABEL: func.func @panel_rows(
//       CHECK:   %[[PANELS:.+]] = memref.view {{.*}} to memref<2x64x32xf32>
//       CHECK:   scf.for %[[KK:.+]] = %c0 to %c64 step %c1
//   CHECK-NOT:     memref.prefetch
//       CHECK:     vector.transfer_write {{.*}}, %[[PANELS]]
//       CHECK:   scf.for %[[I:.+]] = %c0 to %c8 step %c4
//       CHECK:     scf.for %[[J:.+]] = %c0 to %c64 step %c32
//       CHECK:       %[[P:.+]] = affine.apply #{{.+}}(%[[J]])
//       CHECK:       scf.for %[[K:.+]] = %c0 to %c64 step %c1 iter_args(
//       CHECK:         %[[AHEAD:.+]] = affine.apply #[[PLUS2:.+]](%[[K]])
//       CHECK:         memref.prefetch %[[PANELS]][%[[P]], %[[AHEAD]], %c0], read, locality<3>, data
//       CHECK:         memref.prefetch %[[PANELS]][%[[P]], %[[AHEAD]], %c16], read, locality<3>, data
//   CHECK-NOT:         memref.prefetch
//       CHECK:         vector.transfer_read %[[PANELS]][%[[P]], %[[K]], %c0]{{.*}} : memref<2x64x32xf32>, vector<32xf32>
//       CHECK:         vector.contract
//       CHECK:         scf.yield
// OFF-LABEL: func.func @panel_rows(
//   OFF-NOT:   memref.prefetch %{{.+}}[%{{.+}}, %{{.+}}, %c16]
func.func @panel_rows(%a: memref<8x64xf32>, %b: memref<64x64xf32>, %c: memref<8x64xf32>) {
  linalg.matmul ins(%a, %b : memref<8x64xf32>, memref<64x64xf32>)
                outs(%c : memref<8x64xf32>)
  return
}

// -----

// K loops of fewer than 16 steps prefetch nothing.
// CHECK-LABEL: func.func @short_k(
//   CHECK-NOT:   memref.prefetch
//       CHECK:   return
func.func @short_k(%a: memref<8x8xf32>, %b: memref<8x64xf32>, %c: memref<8x64xf32>) {
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x64xf32>)
                outs(%c : memref<8x64xf32>)
  return
}
