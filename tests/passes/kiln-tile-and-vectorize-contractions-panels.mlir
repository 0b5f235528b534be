// Panels. Row panels of A: a block of a row-major A that enough register
// tiles read is copied, before the N register tiles sweep it, into panels
// of MR rows stored K-major; each register tile then reads its MR values of
// A for one K step from one place instead of MR rows a stride apart.
// Column panels of B (prefix RHS): a K cache block of B that more than one
// M cache tile reads is copied once into its NR-wide strips, which the
// register tiles read instead of packing their strip for every M tile.
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,64,32 lhs-panel-columns=4 vector-bits=256 lower-contractions=0}))' | FileCheck %s
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,64,32 lhs-panel-columns=4 vector-bits=256 pack-lhs=0 lower-contractions=0}))' | FileCheck %s --check-prefix=OFF
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,64,32 lhs-panel-columns=4 vector-bits=256}))' | FileCheck %s --check-prefix=LOWER
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=4,64,32 pack-lhs=0 vector-bits=256 lower-contractions=0}))' | FileCheck %s --check-prefix=RHS
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=4,64,32 pack-lhs=0 pack-rhs=0 vector-bits=256 lower-contractions=0}))' | FileCheck %s --check-prefix=RHSOFF

// 10 rows: two whole 4-row panels, copied once per K cache block (32)
// before the loop over the four 16-wide column tiles, as 4 x 8 -> 8 x 4
// transposes of vectors; the register tiles read vector<4> rows of their
// panel, the 2-row M edge reads A itself.
// CHECK-LABEL: func.func @packs_row_panels(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<10x64xf32>, %[[B:[^:]+]]: memref<64x64xf32>, %[[C:[^:]+]]: memref<10x64xf32>)
//       CHECK:   %[[PANELS:.+]] = memref.view {{.*}} to memref<2x32x4xf32>
//       CHECK:   scf.for %[[K0:.+]] = %c0 to %c64 step %c32
//       CHECK:     %[[BLOCK:.+]] = memref.subview %[[A]][0, %[[K0]]] [8, 32] [1, 1]
//       CHECK:     %[[ROWS:.+]] = memref.expand_shape %[[BLOCK]] {{\[\[}}0, 1], [2]] output_shape [2, 4, 32]
//       CHECK:     scf.for %[[P:.+]] = %c0 to %c2 step %c1
//       CHECK:       scf.for %[[KK:.+]] = %c0 to %c32 step %c8
//       CHECK:         %[[V:.+]] = vector.transfer_read %[[ROWS]][%[[P]], %c0, %[[KK]]]{{.*}} vector<4x8xf32>
//       CHECK:         %[[T:.+]] = vector.transpose %[[V]], [1, 0] : vector<4x8xf32> to vector<8x4xf32>
//       CHECK:         vector.transfer_write %[[T]], %[[PANELS]][%[[P]], %[[KK]], %c0] {{.*}} : vector<8x4xf32>, memref<2x32x4xf32>
//       CHECK:     scf.for %[[J:.+]] = %c0 to %c64 step %c16
//       CHECK:       scf.for %[[I:.+]] = %c0 to %c8 step %c4
//       CHECK:         %[[PANEL:.+]] = affine.apply #{{.+}}(%[[I]])
//       CHECK:         scf.for %[[K:.+]] = %c0 to %c32 step %c1
//       CHECK:           vector.transfer_read %[[PANELS]][%[[PANEL]], %[[K]], %c0]{{.*}} : memref<2x32x4xf32>, vector<4xf32>
//       CHECK:           vector.contract {{.*}} : vector<1x4xf32>, vector<1x16xf32> into vector<4x16xf32>
//       CHECK:       scf.for
//       CHECK:         vector.transfer_read %[[A]][%c8, %{{.+}}]{{.*}} vector<2x1xf32>
//       CHECK:         vector.contract {{.*}} : vector<2x1xf32>, vector<1x16xf32> into vector<2x16xf32>
// Lowered, each of the tile's 4 values of A is a scalar load from the panel
// (a broadcast from memory), not an extract from one vector<4> load.
// LOWER-LABEL: func.func @packs_row_panels(
//       LOWER:   scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
//   LOWER-NOT:     vector.extract
//       LOWER:     memref.load %{{.+}}[%{{.+}}, %{{.+}}, %c0] : memref<2x32x4xf32>
//       LOWER:     vector.splat
//       LOWER:     memref.load %{{.+}}[%{{.+}}, %{{.+}}, %c1] : memref<2x32x4xf32>
//       LOWER:     memref.load %{{.+}}[%{{.+}}, %{{.+}}, %c2] : memref<2x32x4xf32>
//       LOWER:     memref.load %{{.+}}[%{{.+}}, %{{.+}}, %c3] : memref<2x32x4xf32>
//   LOWER-NOT:     vector.extract
//       LOWER:     scf.yield
// OFF-LABEL: func.func @packs_row_panels(
//   OFF-NOT:   memref.expand_shape
//   OFF-NOT:   vector.transpose
//       OFF:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// With 4-row M cache tiles, B's 32 x 64 K cache blocks go into four column
// panels once per block (vector rows of 16), before the loop over the M
// cache tiles; no strip is packed per register tile, the M edge's tiles read
// the panels too.
// RHS-LABEL: func.func @packs_row_panels(
//  RHS-SAME:     %[[A:[^:]+]]: memref<10x64xf32>, %[[B:[^:]+]]: memref<64x64xf32>, %[[C:[^:]+]]: memref<10x64xf32>)
//       RHS:   %[[PANELS:.+]] = memref.view {{.*}} to memref<4x32x16xf32>
//   RHS-NOT:   memref<32x16xf32>
//       RHS:   scf.for %[[K0:.+]] = %c0 to %c64 step %c32
//       RHS:     %[[BLOCK:.+]] = memref.subview %[[B]][%[[K0]], 0] [32, 64] [1, 1]
//       RHS:     %[[STRIPS:.+]] = memref.expand_shape %[[BLOCK]] {{\[\[}}0], [1, 2]] output_shape [32, 4, 16]
//       RHS:     scf.for %[[S:.+]] = %c0 to %c4 step %c1
//       RHS:       scf.for %[[KK:.+]] = %c0 to %c32 step %c1
//       RHS:         %[[ROW:.+]] = vector.transfer_read %[[STRIPS]][%[[KK]], %[[S]], %c0]{{.*}} vector<16xf32>
//       RHS:         vector.transfer_write %[[ROW]], %[[PANELS]][%[[S]], %[[KK]], %c0]
//       RHS:     scf.for %{{.+}} = %c0 to %c8 step %c4
//       RHS:       scf.for %[[J:.+]] = %c0 to %c64 step %c16
//       RHS:         %[[STRIP:.+]] = affine.apply #{{.+}}(%[[J]])
//       RHS:         scf.for %[[K:.+]] = %c0 to %c32 step %c1
//       RHS:           vector.transfer_read %[[PANELS]][%[[STRIP]], %[[K]], %c0]{{.*}} : memref<4x32x16xf32>, vector<16xf32>
//       RHS:     scf.for %[[J2:.+]] = %c0 to %c64 step %c16
//       RHS:       scf.for
//       RHS:         vector.transfer_read %[[PANELS]]{{.*}} : memref<4x32x16xf32>, vector<16xf32>
//       RHS:         vector.contract {{.*}} : vector<2x1xf32>, vector<1x16xf32> into vector<2x16xf32>
//   RHS-NOT:   memref<32x16xf32>
// Without them, tiles no taller than a register tile read B in place.
// RHSOFF-LABEL: func.func @packs_row_panels(
//   RHSOFF-NOT:   memref.expand_shape
//       RHSOFF:   vector.transfer_read %arg1{{.*}} : memref<64x64xf32>, vector<16xf32>
func.func @packs_row_panels(%a: memref<10x64xf32>, %b: memref<64x64xf32>, %c: memref<10x64xf32>) {
  linalg.matmul ins(%a, %b : memref<10x64xf32>, memref<64x64xf32>) outs(%c : memref<10x64xf32>)
  return
}

// -----

// Two column tiles (fewer than lhs-panel-columns) would not repay the copy.
// CHECK-LABEL: func.func @few_columns_read_a_in_place(
//   CHECK-NOT:   memref.expand_shape
//   CHECK-NOT:   vector.transpose
//       CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
func.func @few_columns_read_a_in_place(%a: memref<10x64xf32>, %b: memref<64x32xf32>, %c: memref<10x32xf32>) {
  linalg.matmul ins(%a, %b : memref<10x64xf32>, memref<64x32xf32>) outs(%c : memref<10x32xf32>)
  return
}

// -----

// A transposed A (M contiguous) has its MR values of one K step side by
// side already: read in place.
// CHECK-LABEL: func.func @transposed_a_in_place(
//   CHECK-NOT:   memref.expand_shape
//   CHECK-NOT:   vector.transpose
//       CHECK:   vector.transfer_read %arg0{{.*}} : memref<64x10xf32>, vector<4xf32>
func.func @transposed_a_in_place(%a: memref<64x10xf32>, %b: memref<64x64xf32>, %c: memref<10x64xf32>) {
  linalg.matmul_transpose_a ins(%a, %b : memref<64x10xf32>, memref<64x64xf32>) outs(%c : memref<10x64xf32>)
  return
}

// -----

// K = 30 (untiled): the copy transposes 4 x 2 blocks, the largest whose
// width divides K; A, read whole, is copied once before the column loop.
// CHECK-LABEL: func.func @odd_depth(
//       CHECK:   %[[PANELS:.+]] = memref.view {{.*}} to memref<2x30x4xf32>
//       CHECK:   %[[ROWS:.+]] = memref.expand_shape %arg0 {{\[\[}}0, 1], [2]] output_shape [2, 4, 30]
//       CHECK:   scf.for %[[P:.+]] = %c0 to %c2 step %c1
//       CHECK:     scf.for %[[KK:.+]] = %c0 to %c30 step %c2
//       CHECK:       vector.transfer_read %[[ROWS]]{{.*}} vector<4x2xf32>
//       CHECK:       vector.transfer_write {{.*}} : vector<2x4xf32>, memref<2x30x4xf32>
//       CHECK:   scf.for %{{.+}} = %c0 to %c64 step %c16
//       CHECK:     vector.transfer_read %[[PANELS]]{{.*}} : memref<2x30x4xf32>, vector<4xf32>
func.func @odd_depth(%a: memref<8x30xf32>, %b: memref<30x64xf32>, %c: memref<8x64xf32>) {
  linalg.matmul ins(%a, %b : memref<8x30xf32>, memref<30x64xf32>) outs(%c : memref<8x64xf32>)
  return
}

// -----

// N = 40: two whole strips in the column panels; the 8-wide edge strip
// stays out of them (its tiles, no taller than a register tile here, read B
// in place).
// RHS-LABEL: func.func @column_panels_and_edge_strip(
//  RHS-SAME:     %[[A:[^:]+]]: memref<10x64xf32>, %[[B:[^:]+]]: memref<64x40xf32>, %[[C:[^:]+]]: memref<10x40xf32>)
//       RHS:   %[[PANELS:.+]] = memref.view {{.*}} to memref<2x32x16xf32>
//       RHS:   memref.subview %[[B]][%{{.+}}, 0] [32, 32] [1, 1]
//       RHS:   vector.transfer_read %[[PANELS]]{{.*}} : memref<2x32x16xf32>, vector<16xf32>
//       RHS:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//       RHS:   vector.transfer_read %[[B]]{{.*}} : memref<64x40xf32>, vector<8xf32>
//       RHS:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x8xf32> into vector<4x8xf32>
func.func @column_panels_and_edge_strip(%a: memref<10x64xf32>, %b: memref<64x40xf32>, %c: memref<10x40xf32>) {
  linalg.matmul ins(%a, %b : memref<10x64xf32>, memref<64x40xf32>) outs(%c : memref<10x40xf32>)
  return
}
