// RUN: kiln-opt %s --kiln-parallelize-loops | FileCheck %s
// RUN: kiln-opt %s --kiln-parallelize-loops='min-macs-per-moved-element=0' | FileCheck %s --check-prefix=ALL

// The prologues of a split contraction - ops before it that write, whole,
// an input it reads along the split dim, and write more elements than they
// read from other cores (an im2col of a 3x3 convolution) - run in its
// tiles: each tile first computes the slice it reads, on its own core. The
// 16 x 144 x 1024 product of a 16-channel 3x3 convolution on 32x32 splits
// along N in two tiles of 512 columns = 16 image rows; the im2col tile
// reads 18 rows of the padded image. Its 2.4 M multiply-adds are 68 per
// element moved between cores (the padded image and the output) where,
// with the columns moved, they were 14 (kiln-parallelize-loops-intensity).
// The bias broadcast into the output, between the im2col and the product,
// stays on the calling thread (it moves nothing the split would not); the
// im2col moves past it, as neither touches what the other does.
// The tile's first image row: its first column / 32.
//       CHECK: #[[ROWS:.+]] = affine_map<(d0) -> (d0 floordiv 32)>
// CHECK-LABEL: func.func @conv(
//   CHECK-NOT:   memref<16x3x3x1x32x32xf32>)
//       CHECK:   linalg.generic {{.*}} ins(%{{.+}} : memref<16x1xf32>) outs(%{{.+}} : memref<16x1024xf32>)
//   CHECK-NOT:   linalg.{{generic|matmul}}
//       CHECK:   call @kiln_parallel_for
//   CHECK-NOT:   linalg.{{generic|matmul}}
//       CHECK:   return
// CHECK-LABEL: func.func private @conv_parallel0(
//       CHECK:   scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
//   CHECK-DAG:     %[[ROW:.+]] = affine.apply #[[ROWS]](%[[N]])
//   CHECK-DAG:     %[[ROW2:.+]] = affine.apply #[[ROWS]](%[[N]])
//       CHECK:     %[[IMAGE:.+]] = memref.subview %{{.+}}[0, 0, %[[ROW]], 0] [1, 16, 18, 34] [1, 1, 1, 1] : memref<1x16x34x34xf32> to memref<1x16x18x34xf32, strided<[18496, 1156, 34, 1], offset: ?>>
//       CHECK:     %[[COLS:.+]] = memref.subview %{{.+}}[0, 0, 0, 0, %[[ROW2]], 0] [16, 3, 3, 1, 16, 32] [1, 1, 1, 1, 1, 1] : memref<16x3x3x1x32x32xf32> to memref<16x3x3x1x16x32xf32
//       CHECK:     linalg.generic {{.*}} ins(%[[IMAGE]] : {{.*}}) outs(%[[COLS]] : {{.*}})
//       CHECK:     %[[B:.+]] = memref.subview %{{.+}}[0, %[[N]]] [144, 512] [1, 1] : memref<144x1024xf32>
//       CHECK:     linalg.matmul ins(%{{.+}}, %[[B]] : {{.*}})
//  CHECK-NEXT:     linalg.generic {{.*}} attrs = {kiln.epilogue}
//       CHECK:   }
#image = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
#cols = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#bias = affine_map<(d0, d1) -> (d0, 0)>
#id = affine_map<(d0, d1) -> (d0, d1)>
memref.global "private" constant @w : memref<16x144xf32> = dense<1.0>
memref.global "private" constant @bias : memref<16x1xf32> = dense<0.5>
func.func @conv(%arena: memref<800000xi8>) {
  %c0 = arith.constant 0 : index
  %c600000 = arith.constant 600000 : index
  %c700000 = arith.constant 700000 : index
  %zero = arith.constant 0.0 : f32
  %padded = memref.view %arena[%c600000][] : memref<800000xi8> to memref<1x16x34x34xf32>
  %cols = memref.view %arena[%c0][] : memref<800000xi8> to memref<16x3x3x1x32x32xf32>
  linalg.generic {indexing_maps = [#image, #cols], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x16x34x34xf32>) outs(%cols : memref<16x3x3x1x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %y = memref.view %arena[%c700000][] : memref<800000xi8> to memref<16x1024xf32>
  %bias = memref.get_global @bias : memref<16x1xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<16x1xf32>) outs(%y : memref<16x1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %w = memref.get_global @w : memref<16x144xf32>
  %b = memref.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : memref<16x3x3x1x32x32xf32> into memref<144x1024xf32>
  linalg.matmul ins(%w, %b : memref<16x144xf32>, memref<144x1024xf32>) outs(%y : memref<16x1024xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : memref<16x1024xf32>) outs(%y : memref<16x1024xf32>) attrs = {kiln.epilogue} {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// The memory plan put the output where the padded image was (the image is
// dead once the im2col has read it): the im2col cannot move past the bias
// broadcast, which overwrites image rows, so it stays on the calling thread.
// Its columns then move between cores, and by default the product is left
// whole.
// CHECK-LABEL: func.func @output_over_image(
//   CHECK-NOT:   kiln_parallel_for
//       CHECK:   return
// ALL-LABEL: func.func @output_over_image(
//       ALL:   linalg.generic {{.*}} ins(%{{.+}} : memref<1x16x34x34xf32>) outs(%{{.+}} : memref<16x3x3x1x32x32xf32>)
//       ALL:   linalg.generic {{.*}} ins(%{{.+}} : memref<16x1xf32>)
//       ALL:   call @kiln_parallel_for
//   ALL-NOT:   linalg.{{generic|matmul}}
//       ALL:   return
func.func @output_over_image(%arena: memref<800000xi8>) {
  %c0 = arith.constant 0 : index
  %c600000 = arith.constant 600000 : index
  %padded = memref.view %arena[%c600000][] : memref<800000xi8> to memref<1x16x34x34xf32>
  %cols = memref.view %arena[%c0][] : memref<800000xi8> to memref<16x3x3x1x32x32xf32>
  linalg.generic {indexing_maps = [#image, #cols], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x16x34x34xf32>) outs(%cols : memref<16x3x3x1x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %y = memref.view %arena[%c600000][] : memref<800000xi8> to memref<16x1024xf32>
  %bias = memref.get_global @bias : memref<16x1xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<16x1xf32>) outs(%y : memref<16x1024xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %w = memref.get_global @w : memref<16x144xf32>
  %b = memref.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : memref<16x3x3x1x32x32xf32> into memref<144x1024xf32>
  linalg.matmul ins(%w, %b : memref<16x144xf32>, memref<144x1024xf32>) outs(%y : memref<16x1024xf32>)
  return
}

// 36 x 36 images: 1296 columns have no divisor that is a multiple of 32
// near 512, so the split leaves a remainder tile, which would need slices of
// its own; prologues are only taken when every tile is whole.
// ALL-LABEL: func.func @remainder_tile(
//       ALL:   linalg.generic {{.*}} outs(%{{.+}} : memref<16x3x3x1x36x36xf32>)
//       ALL:   call @kiln_parallel_for
#image36 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
func.func @remainder_tile(%padded: memref<1x16x38x38xf32>, %y: memref<16x1296xf32>) {
  %c0 = arith.constant 0 : index
  %cols = memref.alloc() : memref<16x3x3x1x36x36xf32>
  linalg.generic {indexing_maps = [#image36, #cols], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x16x38x38xf32>) outs(%cols : memref<16x3x3x1x36x36xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %w = memref.get_global @w : memref<16x144xf32>
  %b = memref.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : memref<16x3x3x1x36x36xf32> into memref<144x1296xf32>
  linalg.matmul ins(%w, %b : memref<16x144xf32>, memref<144x1296xf32>) outs(%y : memref<16x1296xf32>)
  return
}

// A 1x1 convolution's "im2col" copies the image element for element: in the
// tiles it would move as much between cores as the columns do, so it stays.
// ALL-LABEL: func.func @pointwise(
//       ALL:   linalg.generic {{.*}} outs(%{{.+}} : memref<16x1x1x1x32x32xf32>)
//       ALL:   call @kiln_parallel_for
#image1x1 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
func.func @pointwise(%image: memref<1x16x32x32xf32>, %y: memref<64x1024xf32>) {
  %cols = memref.alloc() : memref<16x1x1x1x32x32xf32>
  linalg.generic {indexing_maps = [#image1x1, #cols], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%image : memref<1x16x32x32xf32>) outs(%cols : memref<16x1x1x1x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %w = memref.alloc() : memref<64x16xf32>
  %b = memref.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : memref<16x1x1x1x32x32xf32> into memref<16x1024xf32>
  linalg.matmul ins(%w, %b : memref<64x16xf32>, memref<16x1024xf32>) outs(%y : memref<64x1024xf32>)
  return
}
