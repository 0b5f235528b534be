// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Grouped convolutions with several channels per group
// (passes/conversion/kiln-to-linalg/GroupedConv.cpp).

// 2 groups of 4 input and 3 output channels, batch 2: im2col gathers
// patches [G, CG, KH, KW, N, OH, OW] from the padded input at channel
// g * 4 + cg, reshaped for free to [G, CG*K, N*O] = [2, 36, 50]; one
// batch_matmul per group with the filter [G, MG, CG*K] seeded with the bias;
// then [G*MG, N, O...] is transposed to [N, M, O...].
// CHECK-DAG: #[[GATHER:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0 * 4 + d1, d5 + d2, d6 + d3)>
// CHECK-LABEL: func.func @grouped_as_batch_matmul(
//       CHECK:   %[[PAD:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:   %[[P:.+]] = linalg.generic {indexing_maps = [#[[GATHER]], #{{.+}}], {{.*}} ins(%[[PAD]] : tensor<2x8x7x7xf32>) outs(%{{.+}} : tensor<2x4x3x3x2x5x5xf32>)
//       CHECK:   %[[RHS:.+]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1, 2, 3], [4, 5, 6]] : tensor<2x4x3x3x2x5x5xf32> into tensor<2x36x50xf32>
//       CHECK:   %[[W:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [2, 3, 36] : tensor<6x36xf32> into tensor<2x3x36xf32>
//       CHECK:   %[[PROD:.+]] = linalg.batch_matmul ins(%[[W]], %[[RHS]] : tensor<2x3x36xf32>, tensor<2x36x50xf32>) outs(%{{.+}} : tensor<2x3x50xf32>)
//       CHECK:   linalg.transpose ins(%{{.+}} : tensor<6x2x5x5xf32>) outs(%{{.+}} : tensor<2x6x5x5xf32>) permutation = [1, 0, 2, 3]
func.func @grouped_as_batch_matmul(%x: tensor<2x8x5x5xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x5x5xf32> {
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<2x8x5x5xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<2x6x5x5xf32>
  return %0 : tensor<2x6x5x5xf32>
}

// -----

// More than 1024 columns (1 x 40 x 40): the window generic of Conv.cpp.
// CHECK-LABEL: func.func @grouped_wide_stays_window(
//   CHECK-NOT:   linalg.batch_matmul
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
//   CHECK-NOT:   linalg.batch_matmul
func.func @grouped_wide_stays_window(%x: tensor<1x8x40x40xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x40x40xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x8x40x40xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x40x40xf32>
  return %0 : tensor<1x8x40x40xf32>
}
