// Explicit tile sizes and vector width (8 f32 lanes) keep the checks
// independent of the host.
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,32,64 vector-bits=256 lower-contractions=0}))' | FileCheck %s
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,32,64 vector-bits=256}))' | FileCheck %s --check-prefix=LOWER

// Dividing sizes: N register tiles, each packing its K x 16 strip of B into
// the stack buffer, then M register tiles whose 4x16 accumulator lives in
// the K loop's iter_args, read before and written after the loop; before
// the loop, the next tile's rows of C (4 rows below) are prefetched, the
// first and the last element of each.
// CHECK-LABEL: func.func @tiles_divisible_matmul(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<8x64xf32>, %[[B:[^:]+]]: memref<64x32xf32>, %[[C:[^:]+]]: memref<8x32xf32>)
//       CHECK:   %[[BUFFER:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4096xi8>
//       CHECK:   %[[STRIP:.+]] = memref.view %[[BUFFER]]{{.*}} to memref<64x16xf32>
//       CHECK:   scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}}
//       CHECK:     scf.for %[[KP:.+]] =
//       CHECK:       %[[ROW:.+]] = vector.transfer_read %[[B]][%[[KP]], %[[J]]]{{.*}} vector<16xf32>
//       CHECK:       vector.transfer_write %[[ROW]], %[[STRIP]][%[[KP]], %{{.+}}]
//       CHECK:     scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}}
//       CHECK:       %[[INIT:.+]] = vector.transfer_read %[[C]][%[[I]], %[[J]]]{{.*}} vector<4x16xf32>
//       CHECK:       %[[NEXT:.+]] = arith.addi %[[I]], %c4
//       CHECK:       memref.prefetch %[[C]][%[[NEXT]], %[[J]]], read, locality<3>, data
// CHECK-COUNT-7:       memref.prefetch %[[C]]
//   CHECK-NOT:       memref.prefetch
//       CHECK:       %[[ACC:.+]] = scf.for %[[K:.+]] = {{.*}} iter_args(%[[SUM:.+]] = %[[INIT]]) -> (vector<4x16xf32>)
//       CHECK:         %[[LHS:.+]] = vector.transfer_read %[[A]][%[[I]], %[[K]]]{{.*}} vector<4x1xf32>
//       CHECK:         %[[RHS:.+]] = vector.transfer_read %[[STRIP]][%[[K]], %{{.+}}]{{.*}} vector<16xf32>
//       CHECK:         %[[RHS2:.+]] = vector.broadcast %[[RHS]] : vector<16xf32> to vector<1x16xf32>
//       CHECK:         %[[NEXT:.+]] = vector.contract {{.*}} %[[LHS]], %[[RHS2]], %[[SUM]] : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//       CHECK:         scf.yield %[[NEXT]]
//       CHECK:       vector.transfer_write %[[ACC]], %[[C]][%[[I]], %[[J]]]
//   CHECK-NOT:   linalg.matmul
// LOWER-LABEL: func.func @tiles_divisible_matmul(
//       LOWER:   scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
//       LOWER:     %[[A0:.+]] = memref.load
//       LOWER:     %[[B0:.+]] = vector.load {{.*}} vector<16xf32>
//       LOWER:     %[[S0:.+]] = vector.splat %[[A0]] : vector<16xf32>
//       LOWER:     vector.fma %[[S0]], %[[B0]], %{{.+}} : vector<16xf32>
//   LOWER-NOT:   vector.contract
//   LOWER-NOT:   vector.transfer_read
func.func @tiles_divisible_matmul(%a: memref<8x64xf32>, %b: memref<64x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x64xf32>, memref<64x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// -----

// Ragged sizes: the partial M, N and K tiles are peeled into static
// remainder tiles (10 = 2 x 4 + 2 rows, 24 = 16 + 8 columns, 70 = 64 + 6
// in K), so every tile is vectorized and no linalg.matmul is left. The N
// edge is one whole vector: no masks.
// CHECK-LABEL: func.func @peels_ragged_matmul(
//   CHECK-NOT:   mask
//   CHECK-DAG:   vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//   CHECK-DAG:   vector<2x1xf32>, vector<1x16xf32> into vector<2x16xf32>
//   CHECK-DAG:   vector<4x1xf32>, vector<1x8xf32> into vector<4x8xf32>
//   CHECK-DAG:   vector<2x1xf32>, vector<1x8xf32> into vector<2x8xf32>
//   CHECK-NOT:   linalg.matmul
//   CHECK-NOT:   mask
func.func @peels_ragged_matmul(%a: memref<10x70xf32>, %b: memref<70x24xf32>, %c: memref<10x24xf32>) {
  linalg.matmul ins(%a, %b : memref<10x70xf32>, memref<70x24xf32>) outs(%c : memref<10x24xf32>)
  return
}

// -----

// An N edge that is not whole vectors (26 = 16 + 10 columns) runs the full
// tiles' kernel 16 wide: its strip of B is packed into rows padded to 16
// (masked reads of B, the padding zeros written unmasked), the K loop reads
// the padded strip without masks, and only the accumulator's transfers of
// C are masked. The M edge (6 = 4 + 2 rows) stays a shorter static tile.
// CHECK-LABEL: func.func @masks_n_edge(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<6x64xf32>, %[[B:[^:]+]]: memref<64x26xf32>, %[[C:[^:]+]]: memref<6x26xf32>)
//       CHECK:   %[[PADDED:.+]] = memref.view {{.*}} {kiln.padded_strip} {{.*}} to memref<64x16xf32>
//       CHECK:   %[[ROWMASK:.+]] = vector.constant_mask [10] : vector<16xi1>
//       CHECK:   scf.for %[[KP:.+]] =
//       CHECK:     %[[ROW:.+]] = vector.transfer_read %[[B]][%[[KP]], %{{.+}}], %{{.+}}, %[[ROWMASK]] {{.*}} : memref<64x26xf32>, vector<16xf32>
//       CHECK:     vector.transfer_write %[[ROW]], %[[PADDED]][%[[KP]], %{{.+}}] {in_bounds = [true]} : vector<16xf32>, memref<64x16xf32>
//       CHECK:   %[[MASK:.+]] = vector.constant_mask [4, 10] : vector<4x16xi1>
//       CHECK:   %[[INIT:.+]] = vector.transfer_read %[[C]][%{{.+}}, %{{.+}}], %{{.+}}, %[[MASK]] {{.*}} : memref<6x26xf32>, vector<4x16xf32>
//       CHECK:   %[[ACC:.+]] = scf.for %[[K:.+]] = {{.*}} iter_args(%[[SUM:.+]] = %[[INIT]]) -> (vector<4x16xf32>)
//       CHECK:     %[[RHS:.+]] = vector.transfer_read %[[PADDED]][%[[K]], %{{.+}}], %{{[^,]+}} {in_bounds = [true]} : memref<64x16xf32>, vector<16xf32>
//       CHECK:     vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//       CHECK:   vector.transfer_write %[[ACC]], %[[C]][%{{.+}}, %{{.+}}], %[[MASK]] {{.*}} : vector<4x16xf32>, memref<6x26xf32>
//       CHECK:   vector.constant_mask [2, 10] : vector<2x16xi1>
//       CHECK:   vector.contract {{.*}} : vector<2x1xf32>, vector<1x16xf32> into vector<2x16xf32>
//   CHECK-NOT:   linalg.matmul
// LOWER-LABEL: func.func @masks_n_edge(
//       LOWER:   vector.maskedload %{{.+}} : memref<64x26xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
//       LOWER:   vector.maskedload %{{.+}} : memref<6x26xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
//       LOWER:   scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
//   LOWER-NOT:     vector.maskedload
//       LOWER:     vector.load {{.*}} : memref<64x16xf32>, vector<16xf32>
//   LOWER-NOT:     vector.maskedload
//       LOWER:   vector.maskedstore %{{.+}} : memref<6x26xf32>, vector<16xi1>, vector<16xf32>
func.func @masks_n_edge(%a: memref<6x64xf32>, %b: memref<64x26xf32>, %c: memref<6x26xf32>) {
  linalg.matmul ins(%a, %b : memref<6x64xf32>, memref<64x26xf32>) outs(%c : memref<6x26xf32>)
  return
}

// -----

// A (10-class) head no taller than one register tile: B is read in place,
// so the edge's loads of B keep their mask, inside the K loop.
// CHECK-LABEL: func.func @masks_unpacked_edge(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<1x64xf32>, %[[B:[^:]+]]: memref<64x10xf32>, %[[C:[^:]+]]: memref<1x10xf32>)
//   CHECK-NOT:   memref.view
//       CHECK:   %[[MASK:.+]] = vector.constant_mask [10] : vector<16xi1>
//       CHECK:   %[[INIT:.+]] = vector.transfer_read %[[C]]{{.*}}, %[[MASK]] {{.*}} vector<16xf32>
//       CHECK:   %[[ACC:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[INIT]]) -> (vector<16xf32>)
//       CHECK:     vector.transfer_read %[[B]]{{.*}}, %[[MASK]] {{.*}} : memref<64x10xf32>, vector<16xf32>
//       CHECK:     vector.contract
//       CHECK:   vector.transfer_write %[[ACC]], %[[C]]{{.*}}, %[[MASK]]
// LOWER-LABEL: func.func @masks_unpacked_edge(
//       LOWER:   scf.for
//       LOWER:     vector.maskedload {{.*}} : memref<64x10xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
//       LOWER:     vector.fma {{.*}} : vector<16xf32>
//       LOWER:   vector.maskedstore {{.*}} : memref<1x10xf32>, vector<16xi1>, vector<16xf32>
func.func @masks_unpacked_edge(%a: memref<1x64xf32>, %b: memref<64x10xf32>, %c: memref<1x10xf32>) {
  linalg.matmul ins(%a, %b : memref<1x64xf32>, memref<64x10xf32>) outs(%c : memref<1x10xf32>)
  return
}

// -----

// C is a view (of the scratch arena): its accumulator transfers stay in the
// K loop, where masked stores and reloads would not be store-forwarded; the
// N edge then stays a static 10-wide tile.
// CHECK-LABEL: func.func @keeps_static_edge_on_views(
//   CHECK-NOT:   mask
//       CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x10xf32> into vector<4x10xf32>
//   CHECK-NOT:   mask
func.func @keeps_static_edge_on_views(%a: memref<4x64xf32>, %b: memref<64x10xf32>, %arena: memref<160xi8>) {
  %c0 = arith.constant 0 : index
  %c = memref.view %arena[%c0][] : memref<160xi8> to memref<4x10xf32>
  linalg.matmul ins(%a, %b : memref<4x64xf32>, memref<64x10xf32>) outs(%c : memref<4x10xf32>)
  return
}

// -----

// B^T with an N edge: the strip is transposed into the padded rows through
// masked reads of B^T's columns.
// CHECK-LABEL: func.func @masks_transposed_edge(
//       CHECK:   %[[PADDED:.+]] = memref.view {{.*}} {kiln.padded_strip} {{.*}} to memref<64x16xf32>
//       CHECK:   vector.transfer_read {{.*}} : memref<12x64xf32>, vector<16x1xf32>
//       CHECK:   vector.transpose
//       CHECK:   vector.transfer_write {{.*}}, %[[PADDED]]{{.*}} {in_bounds = [true]} : vector<16xf32>, memref<64x16xf32>
//       CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//   CHECK-NOT:   linalg.matmul
// LOWER-LABEL: func.func @masks_transposed_edge(
//       LOWER:   vector.maskedload {{.*}} : memref<12x64xf32>
//       LOWER:   vector.maskedstore {{.*}} : memref<4x12xf32>
func.func @masks_transposed_edge(%a: memref<4x64xf32>, %bt: memref<12x64xf32>, %c: memref<4x12xf32>) {
  linalg.matmul_transpose_b ins(%a, %bt : memref<4x64xf32>, memref<12x64xf32>) outs(%c : memref<4x12xf32>)
  return
}

// -----

// B^T (Gemm with transB, PyTorch's Linear): each strip is transposed while
// packed, and the register tiles are those of a plain matmul.
// CHECK-LABEL: func.func @packs_transposed_b(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<4x64xf32>, %[[BT:[^:]+]]: memref<32x64xf32>
//       CHECK:   %[[STRIP:.+]] = memref.view {{.*}} to memref<64x16xf32>
//       CHECK:   vector.transfer_read %[[BT]]{{.*}} vector<16x1xf32>
//       CHECK:   vector.transpose
//       CHECK:   vector.transfer_write {{.*}}, %[[STRIP]]
//       CHECK:   vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//   CHECK-NOT:   linalg.matmul_transpose_b
func.func @packs_transposed_b(%a: memref<4x64xf32>, %bt: memref<32x64xf32>, %c: memref<4x32xf32>) {
  linalg.matmul_transpose_b ins(%a, %bt : memref<4x64xf32>, memref<32x64xf32>) outs(%c : memref<4x32xf32>)
  return
}

// -----

// Batch dims are tiled by 1 and dropped from the vectors. A block of A no
// taller than one register tile is not worth packing B for.
// CHECK-LABEL: func.func @tiles_batch_matmul(
//       CHECK:   scf.for %[[BATCH:.+]] = %{{.+}} to %{{.+}} step %{{.+}}
//   CHECK-NOT:     memref.view
//       CHECK:     vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//   CHECK-NOT:   linalg.batch_matmul
func.func @tiles_batch_matmul(%a: memref<3x4x8xf32>, %b: memref<3x8x16xf32>, %c: memref<3x4x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x4x8xf32>, memref<3x8x16xf32>) outs(%c : memref<3x4x16xf32>)
  return
}

// -----

// A contraction generic whose batch dim only A has (NumPy broadcasting in
// MatMul): that dim is tiled by 1 too, the rest is a matmul.
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
// CHECK-LABEL: func.func @tiles_broadcast_generic(
//       CHECK:   scf.for
//       CHECK:     vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
//   CHECK-NOT:   linalg.generic
func.func @tiles_broadcast_generic(%a: memref<2x4x8xf32>, %b: memref<8x16xf32>, %c: memref<2x4x16xf32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x4x8xf32>, memref<8x16xf32>) outs(%c : memref<2x4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Must not fire on a generic that is not a contraction (a sum of squares).
#in = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
// CHECK-LABEL: func.func @keeps_non_contraction(
//       CHECK:   linalg.generic
//   CHECK-NOT:   vector.
func.func @keeps_non_contraction(%a: memref<8x16xf32>, %c: memref<8xf32>) {
  linalg.generic {indexing_maps = [#in, #red], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<8x16xf32>) outs(%c : memref<8xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %p = arith.mulf %x, %x : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Must not fire on dynamic shapes: they stay for convert-linalg-to-loops.
// CHECK-LABEL: func.func @keeps_dynamic_matmul(
//       CHECK:   linalg.matmul
//   CHECK-NOT:   vector.
func.func @keeps_dynamic_matmul(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>)
  return
}

// -----

// Must not fire before bufferization.
// CHECK-LABEL: func.func @keeps_tensor_matmul(
//       CHECK:   linalg.matmul
//   CHECK-NOT:   vector.
func.func @keeps_tensor_matmul(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

// B stored as strips by kiln-pack-weight-strips: each K x 16 strip is
// contiguous already, so nothing is copied even though A is taller than a
// register tile; the register tiles read the constant directly.
// CHECK-LABEL: func.func @prepacked_strips(
//  CHECK-SAME:     %[[A:[^:]+]]: memref<8x64xf32>, %[[B:[^:]+]]: memref<2x64x16xf32>, %[[C:[^:]+]]: memref<8x2x16xf32>)
//   CHECK-NOT:   memref.alloca
//   CHECK-NOT:   memref.view
//       CHECK:   scf.for %[[S:.+]] =
//       CHECK:     vector.transfer_read %[[B]][%[[S]], %{{.+}}, %{{.+}}]{{.*}} vector<16xf32>
//       CHECK:     vector.contract
//   CHECK-NOT:   linalg.generic
// The 4x1x16 accumulator stays one iter_arg: split into rows as the 2-D
// ones are, the mlp-b32 benchmark's kernel spilled and ran 2x slower.
// LOWER-LABEL: func.func @prepacked_strips(
//       LOWER:   scf.for {{.*}} iter_args({{.*}}) -> (vector<4x1x16xf32>)
//       LOWER:     vector.fma
//   LOWER-NOT:   vector.contract
#strips_a = affine_map<(m, s, r, k) -> (m, k)>
#strips_b = affine_map<(m, s, r, k) -> (s, k, r)>
#strips_c = affine_map<(m, s, r, k) -> (m, s, r)>
func.func @prepacked_strips(%a: memref<8x64xf32>, %b: memref<2x64x16xf32>, %c: memref<8x2x16xf32>) {
  linalg.generic {indexing_maps = [#strips_a, #strips_b, #strips_c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x64xf32>, memref<2x64x16xf32>) outs(%c : memref<8x2x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
