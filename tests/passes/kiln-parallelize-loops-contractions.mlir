// Which dim kiln-parallelize-loops splits a contraction along, with the
// default cost thresholds (the multiply-adds per element moved, which would
// keep the tall product whole, have kiln-parallelize-loops-intensity.mlir):
// a dim of the larger input, so that each tile reads only its part of it
// (the tiles read all of the other input).
// RUN: kiln-opt %s --kiln-parallelize-loops='min-macs-per-moved-element=0' | FileCheck %s

// An MLP layer at batch 32 whose weights are stored as K x 32 strips: the
// 16 strips (1.6 MB) outweigh the 32 x 784 input, so the tiles take 8
// strips each (the N dim inside a strip, 32, is a single aligned tile).
// CHECK-LABEL: func.func private @strips_parallel0(
// CHECK:         memref.subview %{{.+}}[%[[J:.+]], 0, 0] [8, 784, 32] [1, 1, 1] : memref<16x784x32xf32>
// CHECK:         memref.subview %{{.+}}[0, %[[J]], 0] [32, 8, 32] [1, 1, 1] : memref<32x16x32xf32>
// CHECK:         linalg.generic

// The same layer at batch 1 does 0.8 M multiply-adds, below the 2^20 of
// min-cost, but streams 1.6 MB of weights: counted in (4 per element read),
// it is split too, and each core reads half of them.
// CHECK-LABEL: func.func private @matvec_parallel0(
// CHECK:         memref.subview %{{.+}}[%{{.+}}, 0, 0] [8, 784, 32] [1, 1, 1] : memref<16x784x32xf32>

// A tall A (2048 x 64) and a small B: split along M, 8 tiles of 256 rows.
// CHECK-LABEL: func.func private @tall_parallel0(
// CHECK:         memref.subview %{{.+}}[%[[I:.+]], 0] [256, 64] [1, 1] : memref<2048x64xf32>
// CHECK:         memref.subview %{{.+}}[%[[I]], 0] [256, 64] [1, 1] : memref<2048x64xf32>
// CHECK:         linalg.matmul

// Two strips of 512 x 32 (a convolution's im2col columns written as strips,
// kiln-pack-weight-strips) outweigh nothing: A is as large. The strips dim
// counts whole strips (aligned to 1, not to the 8 register rows of M), so
// the product splits into its 2 strips, as the same product with B in rows
// splits N into 2 tiles of 32 columns, rather than into 8 tiles of 8 rows
// that would each read all of B.
// CHECK-LABEL: func.func private @two_strips_parallel0(
// CHECK:         memref.subview %{{.+}}[%[[S:.+]], 0, 0] [1, 512, 32] [1, 1, 1] : memref<2x512x32xf32>
// CHECK:         memref.subview %{{.+}}[0, %[[S]], 0] [64, 1, 32] [1, 1, 1] : memref<64x2x32xf32>
// CHECK:         linalg.generic

#a = affine_map<(m, j, n, k) -> (m, k)>
#b = affine_map<(m, j, n, k) -> (j, k, n)>
#c = affine_map<(m, j, n, k) -> (m, j, n)>
memref.global "private" constant @w : memref<16x784x32xf32> = dense<1.0>
func.func @strips(%x: memref<32x784xf32>, %y: memref<32x16x32xf32>) {
  %w = memref.get_global @w : memref<16x784x32xf32>
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<32x784xf32>, memref<16x784x32xf32>) outs(%y : memref<32x16x32xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func @matvec(%x: memref<1x784xf32>, %y: memref<1x16x32xf32>) {
  %w = memref.get_global @w : memref<16x784x32xf32>
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x784xf32>, memref<16x784x32xf32>) outs(%y : memref<1x16x32xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
func.func @tall(%a: memref<2048x64xf32>, %b: memref<64x64xf32>, %c: memref<2048x64xf32>) {
  linalg.matmul ins(%a, %b : memref<2048x64xf32>, memref<64x64xf32>) outs(%c : memref<2048x64xf32>)
  return
}
func.func @two_strips(%a: memref<64x512xf32>, %b: memref<2x512x32xf32>, %c: memref<64x2x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x512xf32>, memref<2x512x32xf32>) outs(%c : memref<64x2x32xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
