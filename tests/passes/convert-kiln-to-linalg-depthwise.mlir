// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Depthwise convolutions (passes/conversion/kiln-to-linalg/DepthwiseConv.cpp).

// The output starts as the bias; the interior outputs (rows 1..8, columns
// 1..10: windows inside the input) read the input itself, and only the four
// bands around them read padded copies of the rows or columns they touch.
// CHECK-DAG: #[[IN:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3 + d5, d4 + d6)>
// CHECK-DAG: #[[W:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, 0, d5, d6)>
// CHECK-DAG: #[[OUT:map[0-9]*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @depthwise_interior_and_bands(
//  CHECK-SAME:     %[[X:[a-z0-9]+]]: tensor<1x4x10x12xf32>, %[[F:[a-z0-9]+]]: tensor<4x1x3x3xf32>, %[[B:[a-z0-9]+]]: tensor<4xf32>)
//       CHECK:   %[[W5:.+]] = tensor.expand_shape %[[F]] {{\[}}[0, 1], [2], [3], [4]] output_shape [4, 1, 1, 3, 3]
//       CHECK:   %[[BIAS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
//   CHECK-NOT:   tensor.pad
//       CHECK:   %[[S0:.+]] = tensor.extract_slice %[[BIAS]][0, 0, 1, 1] [1, 4, 8, 10] [1, 1, 1, 1]
//       CHECK:   %[[C0:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[X]], %[[W5]] : tensor<1x4x10x12xf32>, tensor<4x1x1x3x3xf32>) outs(%[[S0]] : tensor<1x4x8x10xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   %[[I0:.+]] = tensor.insert_slice %[[C0]] into %[[BIAS]][0, 0, 1, 1] [1, 4, 8, 10] [1, 1, 1, 1]
// Top band: input rows 0..1, padded by one row above and a column each side.
//       CHECK:   %[[TOP:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 4, 2, 12] [1, 1, 1, 1]
//       CHECK:   tensor.pad %[[TOP]] low[0, 0, 1, 1] high[0, 0, 0, 1]
//       CHECK:   tensor.extract_slice %[[I0]][0, 0, 0, 0] [1, 4, 1, 12] [1, 1, 1, 1]
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<1x4x1x12xf32>)
// Bottom band.
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 8, 0] [1, 4, 2, 12] [1, 1, 1, 1]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 1] high[0, 0, 1, 1]
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<1x4x1x12xf32>)
// Left and right bands: interior rows, one output column each.
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 4, 10, 2] [1, 1, 1, 1]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 1] high[0, 0, 0, 0]
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<1x4x8x1xf32>)
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 0, 10] [1, 4, 10, 2] [1, 1, 1, 1]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 0, 1]
//       CHECK:   %[[LAST:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<1x4x8x1xf32>)
//       CHECK:   %[[R:.+]] = tensor.insert_slice %[[LAST]] into %{{.+}}[0, 0, 1, 11] [1, 4, 8, 1] [1, 1, 1, 1]
//       CHECK:   return %[[R]]
func.func @depthwise_interior_and_bands(%x: tensor<1x4x10x12xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x10x12xf32> {
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x10x12xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x10x12xf32>
  return %0 : tensor<1x4x10x12xf32>
}

// -----

// Channel multiplier 2, stride 2, dilation 2: the output is [N, C, M, OH, OW]
// (a reshape of the result). Interior:
// outputs 1..2 of 4 per dim (output 3 reads input 9 = past the end).
// CHECK-LABEL: func.func @depthwise_multiplier_stride_dilation(
//       CHECK:   tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3], [4]] output_shape [3, 2, 1, 3, 3] : tensor<6x1x3x3xf32> into tensor<3x2x1x3x3xf32>
//       CHECK:   linalg.fill {{.*}} -> tensor<2x3x2x4x4xf32>
//       CHECK:   %[[IN0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 1, 1] [2, 3, 7, 7] [1, 1, 1, 1]
//       CHECK:   linalg.generic {{.*}} ins(%[[IN0]], {{.*}} outs(%{{.+}} : tensor<2x3x2x2x2xf32>)
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] : tensor<2x3x2x4x4xf32> into tensor<2x6x4x4xf32>
func.func @depthwise_multiplier_stride_dilation(%x: tensor<2x3x9x9xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<2x6x4x4xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 2, 2>, group = 3 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x3x9x9xf32>, tensor<6x1x3x3xf32>) -> tensor<2x6x4x4xf32>
  return %0 : tensor<2x6x4x4xf32>
}

// -----

// A window too large for any interior (kernel 5 on a 4-wide input): one
// generic on one padded copy.
// CHECK-LABEL: func.func @depthwise_no_interior(
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 2, 2] high[0, 0, 2, 2]
//       CHECK:   linalg.generic
//   CHECK-NOT:   linalg.generic
func.func @depthwise_no_interior(%x: tensor<1x2x4x4xf32>, %w: tensor<2x1x5x5xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x5x5xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
