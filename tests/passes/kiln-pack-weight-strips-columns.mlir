// An explicit strip width keeps the checks independent of the host.
// RUN: kiln-opt %s --split-input-file --kiln-pack-weight-strips=strip-width=32 | FileCheck %s

// The columns of a 3x3 convolution's im2col (16 channels, 32x32 image) feed
// the product as B: the im2col writes them as strips instead, [N / 32, K,
// 32] = one image row per strip, its loops in that order (image row, the
// one-wide outer part of the column dim, channel, kernel row, kernel
// column, column), and the product reads them as a constant's strips.
//   CHECK-DAG: #[[IMAGE:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d1 + d4, d2 * 32 + d6 + d5)>
//   CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4, d5, d6)>
// CHECK-LABEL: func.func @im2col_rows(
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<1x32x1x16x3x3x32xf32>
//       CHECK:   %[[COLS:.+]] = linalg.generic {indexing_maps = [#[[IMAGE]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.+}} : tensor<1x16x34x34xf32>) outs(%[[E]] : tensor<1x32x1x16x3x3x32xf32>)
//       CHECK:   %[[STRIPS:.+]] = tensor.collapse_shape %[[COLS]] {{\[}}[0, 1, 2], [3, 4, 5], [6]] : tensor<1x32x1x16x3x3x32xf32> into tensor<32x144x32xf32>
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %[[STRIPS]] : tensor<16x144xf32>, tensor<32x144x32xf32>)
//   CHECK-NOT:   linalg.matmul
#image = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
func.func @im2col_rows(%x: tensor<1x16x34x34xf32>, %w: tensor<16x144xf32>, %c: tensor<16x1024xf32>) -> tensor<16x1024xf32> {
  %e = tensor.empty() : tensor<16x3x3x1x32x32xf32>
  %cols = linalg.generic {indexing_maps = [#image, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x16x34x34xf32>) outs(%e : tensor<16x3x3x1x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x3x3x1x32x32xf32>
  %b = tensor.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : tensor<16x3x3x1x32x32xf32> into tensor<144x1024xf32>
  %y = linalg.matmul ins(%w, %b : tensor<16x144xf32>, tensor<144x1024xf32>) outs(%c : tensor<16x1024xf32>) -> tensor<16x1024xf32>
  return %y : tensor<16x1024xf32>
}

// -----

// A stride-2 convolution's 16x16 output rows go two to a strip: the image
// row loop splits into (row / 2, row % 2), and a strip holds rows 2s and
// 2s + 1.
//   CHECK-DAG: #[[IMAGE:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, (d1 * 2 + d5) * 2 + d3, d6 * 2 + d4)>
// CHECK-LABEL: func.func @im2col_two_rows(
//       CHECK:   linalg.generic {indexing_maps = [#[[IMAGE]], #{{.+}}]{{.*}} outs(%{{.+}} : tensor<1x8x16x3x3x2x16xf32>)
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2, 3, 4], [5, 6]] : tensor<1x8x16x3x3x2x16xf32> into tensor<8x144x32xf32>
//   CHECK-NOT:   linalg.matmul
#image2 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 * 2 + d1, d5 * 2 + d2)>
#id6b = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
func.func @im2col_two_rows(%x: tensor<1x16x34x34xf32>, %w: tensor<32x144xf32>, %c: tensor<32x256xf32>) -> tensor<32x256xf32> {
  %e = tensor.empty() : tensor<16x3x3x1x16x16xf32>
  %cols = linalg.generic {indexing_maps = [#image2, #id6b], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x16x34x34xf32>) outs(%e : tensor<16x3x3x1x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x3x3x1x16x16xf32>
  %b = tensor.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : tensor<16x3x3x1x16x16xf32> into tensor<144x256xf32>
  %y = linalg.matmul ins(%w, %b : tensor<32x144xf32>, tensor<144x256xf32>) outs(%c : tensor<32x256xf32>) -> tensor<32x256xf32>
  return %y : tensor<32x256xf32>
}

// -----

// Left alone: 28x28 outputs (784 columns, not whole strips), and columns
// that something else reads too.
// CHECK-LABEL: func.func @partial_strip(
//       CHECK:   linalg.matmul
// CHECK-LABEL: func.func @columns_read_twice(
//       CHECK:   linalg.matmul
#image3 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
#id6c = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
func.func @partial_strip(%x: tensor<1x1x30x30xf32>, %w: tensor<6x9xf32>, %c: tensor<6x784xf32>) -> tensor<6x784xf32> {
  %e = tensor.empty() : tensor<1x3x3x1x28x28xf32>
  %cols = linalg.generic {indexing_maps = [#image3, #id6c], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x1x30x30xf32>) outs(%e : tensor<1x3x3x1x28x28xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x3x3x1x28x28xf32>
  %b = tensor.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : tensor<1x3x3x1x28x28xf32> into tensor<9x784xf32>
  %y = linalg.matmul ins(%w, %b : tensor<6x9xf32>, tensor<9x784xf32>) outs(%c : tensor<6x784xf32>) -> tensor<6x784xf32>
  return %y : tensor<6x784xf32>
}
func.func @columns_read_twice(%x: tensor<1x16x34x34xf32>, %w: tensor<16x144xf32>, %c: tensor<16x1024xf32>) -> (tensor<16x1024xf32>, tensor<16x3x3x1x32x32xf32>) {
  %e = tensor.empty() : tensor<16x3x3x1x32x32xf32>
  %cols = linalg.generic {indexing_maps = [#image3, #id6c], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x16x34x34xf32>) outs(%e : tensor<16x3x3x1x32x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x3x3x1x32x32xf32>
  %b = tensor.collapse_shape %cols [[0, 1, 2], [3, 4, 5]] : tensor<16x3x3x1x32x32xf32> into tensor<144x1024xf32>
  %y = linalg.matmul ins(%w, %b : tensor<16x144xf32>, tensor<144x1024xf32>) outs(%c : tensor<16x1024xf32>) -> tensor<16x1024xf32>
  return %y, %cols : tensor<16x1024xf32>, tensor<16x3x3x1x32x32xf32>
}
