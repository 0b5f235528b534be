// Accumulators of products whose C is a view (planned in the arena, or
// viewed through an expand_shape): hoisted out of the K loop into its
// iter_args when nothing else in the loop can touch C's bytes, left in
// place (loaded and stored every K step) when A's view may overlap them.
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tile-and-vectorize-contractions{prefetch-rhs-bytes=0 register-tile-sizes=4,16,1 cache-tile-sizes=0,32,64 vector-bits=256 lower-contractions=0}))' | FileCheck %s

// A at bytes [0, 2048) and C at [2048, 2560) of one arena: disjoint.
// CHECK-LABEL: func.func @arena_views_disjoint(
//       CHECK:   %[[C:.+]] = memref.view %{{.*}}[%{{.*}}][] : memref<4096xi8> to memref<8x16xf32>
//       CHECK:   %[[INIT:.+]] = vector.transfer_read %[[C]]
//       CHECK:   %[[SUM:.+]] = scf.for {{.*}} iter_args(%[[ACC:.+]] = %[[INIT]])
//   CHECK-NOT:     vector.transfer_write
//       CHECK:     vector.contract {{.*}} %[[ACC]]
//       CHECK:     scf.yield
//       CHECK:   vector.transfer_write %[[SUM]], %[[C]]
//   CHECK-NOT:   unrealized_conversion_cast
func.func @arena_views_disjoint(%arena: memref<4096xi8>, %b: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c2048 = arith.constant 2048 : index
  %a = memref.view %arena[%c0][] : memref<4096xi8> to memref<8x64xf32>
  %c = memref.view %arena[%c2048][] : memref<4096xi8> to memref<8x16xf32>
  linalg.matmul ins(%a, %b : memref<8x64xf32>, memref<64x16xf32>) outs(%c : memref<8x16xf32>)
  return
}

// -----

// C viewed through an expand_shape (weights stored as K x 16 strips), B a
// global, A an argument: different buffers.
// CHECK-LABEL: func.func @expanded_output(
//       CHECK:   %[[C:.+]] = memref.expand_shape
//       CHECK:   %[[INIT:.+]] = vector.transfer_read %[[C]]
//       CHECK:   %[[SUM:.+]] = scf.for {{.*}} iter_args(%[[ACC:.+]] = %[[INIT]])
//   CHECK-NOT:     vector.transfer_write
//       CHECK:     scf.yield
//       CHECK:   vector.transfer_write %[[SUM]], %[[C]]
memref.global "private" constant @strips : memref<2x64x16xf32> = dense<1.0>
func.func @expanded_output(%a: memref<8x64xf32>, %out: memref<8x32xf32>) {
  %b = memref.get_global @strips : memref<2x64x16xf32>
  %c = memref.expand_shape %out [[0], [1, 2]] output_shape [8, 2, 16] : memref<8x32xf32> into memref<8x2x16xf32>
  linalg.generic {
      indexing_maps = [affine_map<(m, j, n, k) -> (m, k)>,
                       affine_map<(m, j, n, k) -> (j, k, n)>,
                       affine_map<(m, j, n, k) -> (m, j, n)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x64xf32>, memref<2x64x16xf32>)
      outs(%c : memref<8x2x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A at bytes [0, 2048) and C at [1536, 2048): they overlap, so the
// accumulators stay in memory inside the K loop.
// CHECK-LABEL: func.func @arena_views_overlap(
//       CHECK:   scf.for
//       CHECK:     vector.transfer_read
//       CHECK:     vector.contract
//       CHECK:     vector.transfer_write
//       CHECK:   }
func.func @arena_views_overlap(%arena: memref<4096xi8>, %b: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1536 = arith.constant 1536 : index
  %a = memref.view %arena[%c0][] : memref<4096xi8> to memref<8x64xf32>
  %c = memref.view %arena[%c1536][] : memref<4096xi8> to memref<8x16xf32>
  linalg.matmul ins(%a, %b : memref<8x64xf32>, memref<64x16xf32>) outs(%c : memref<8x16xf32>)
  return
}
