// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// 2-D f32 pooling that reads its input in place
// (passes/conversion/kiln-to-linalg/Pooling.cpp): the interior generic reads
// a slice of the input itself; each band pads a copy of only the rows or
// columns it reads. The whole input is never padded.

// MaxPool 3x3, stride 2, pads 1 on 9x9: interior rows/columns [1, 4); the
// bands pad with -inf, which never wins.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[TAPS:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_regions(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x9x9xf32>
//   CHECK-NOT:   tensor.pad %[[X]]
//       CHECK:   %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
//       CHECK:   %[[INIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) {{.*}} -> tensor<1x2x5x5xf32>
//       CHECK:   %[[INNER:.+]] = tensor.extract_slice %[[X]][0, 0, 1, 1] [1, 2, 7, 7] [1, 1, 1, 1]
//       CHECK:   %[[DST:.+]] = tensor.extract_slice %[[INIT]][0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 1, 1]
//       CHECK:   %[[MID:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[TAPS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[INNER]], %{{.+}} : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%[[DST]] : tensor<1x2x3x3xf32>)
//       CHECK:     arith.maximumf
//       CHECK:   %[[R0:.+]] = tensor.insert_slice %[[MID]] into %[[INIT]][0, 0, 1, 1] [1, 2, 3, 3]
// Top band: input rows 0..1 (a -inf row above), every column.
//       CHECK:   %[[TOP:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 2, 2, 9]
//       CHECK:   tensor.pad %[[TOP]] low[0, 0, 1, 1] high[0, 0, 0, 1]
//  CHECK-NEXT:   ^bb0
//  CHECK-NEXT:     tensor.yield %[[NEGINF]]
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<1x2x1x5xf32>)
//       CHECK:     arith.maximumf
//       CHECK:   %[[R1:.+]] = tensor.insert_slice %{{.+}} into %[[R0]][0, 0, 0, 0] [1, 2, 1, 5]
// Bottom band.
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 7, 0] [1, 2, 2, 9]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 1] high[0, 0, 1, 1]
//       CHECK:   %[[R2:.+]] = tensor.insert_slice %{{.+}} into %[[R1]][0, 0, 4, 0] [1, 2, 1, 5]
// Left and right bands: the interior rows.
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 1, 0] [1, 2, 7, 2]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 1] high[0, 0, 0, 0]
//       CHECK:   %[[R3:.+]] = tensor.insert_slice %{{.+}} into %[[R2]][0, 0, 1, 0] [1, 2, 3, 1]
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 1, 7] [1, 2, 7, 2]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 0, 1]
//       CHECK:   %[[R4:.+]] = tensor.insert_slice %{{.+}} into %[[R3]][0, 0, 1, 4] [1, 2, 3, 1]
//       CHECK:   return %[[R4]]
func.func @max_pool_regions(%x: tensor<1x2x9x9xf32>) -> tensor<1x2x5x5xf32> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x9x9xf32>) -> tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x5x5xf32>
}

// -----

// AveragePool without count_include_pad: every tap is scaled by its
// output's 1 / divisor, so no pass divides the sums afterwards. The
// interior divides by 9 (a constant); the top band by 4 in its corner and
// 6 elsewhere (a table over the band); the left band by 6 (a constant).
// Bottom and right bands are empty (8x8, kernel 3, stride 2).
// CHECK-DAG: #[[SCALE:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3)>
// CHECK-LABEL: func.func @average_pool_exclude_pad(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x8x8xf32>
//   CHECK-NOT:   tensor.pad %[[X]]
//   CHECK-DAG:   %[[SIXTH:.+]] = arith.constant 0.166666672 : f32
//   CHECK-DAG:   %[[TABLE:.+]] = arith.constant dense<{{\[}}[2.500000e-01, 0.166666672, 0.166666672, 0.166666672]]> : tensor<1x4xf32>
//   CHECK-DAG:   %[[NINTH:.+]] = arith.constant 0.111111112 : f32
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   linalg.fill ins(%[[ZERO]] : f32)
//       CHECK:   linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%{{.+}} : tensor<1x2x3x3xf32>)
//  CHECK-NEXT:   ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
//  CHECK-NEXT:     %[[SCALED:.+]] = arith.mulf %[[IN]], %[[NINTH]]
//  CHECK-NEXT:     arith.addf %[[ACC]], %[[SCALED]]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 0, 0]
//  CHECK-NEXT:   ^bb0
//  CHECK-NEXT:     tensor.yield %[[ZERO]]
//       CHECK:   linalg.generic {{.*}}#[[SCALE]]{{.*}} ins(%{{.+}}, %{{.+}}, %[[TABLE]] : tensor<1x2x3x9xf32>, tensor<3x3xf32>, tensor<1x4xf32>) outs(%{{.+}} : tensor<1x2x1x4xf32>)
//  CHECK-NEXT:   ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[S:.+]]: f32, %[[ACC:.+]]: f32):
//  CHECK-NEXT:     %[[SCALED:.+]] = arith.mulf %[[IN]], %[[S]]
//  CHECK-NEXT:     arith.addf %[[ACC]], %[[SCALED]]
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<1x2x3x1xf32>)
//  CHECK-NEXT:   ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
//  CHECK-NEXT:     arith.mulf %[[IN]], %[[SIXTH]]
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @average_pool_exclude_pad(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.average_pool %x {ceil_mode = false, count_include_pad = false, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// count_include_pad: the pads count, so every window divides by 9 and no
// band needs a table.
// CHECK-LABEL: func.func @average_pool_include_pad(
//   CHECK-NOT:   dense
//       CHECK:   %[[NINTH:.+]] = arith.constant 0.111111112 : f32
//   CHECK-NOT:   dense
//       CHECK:   arith.mulf %{{.+}}, %[[NINTH]]
//       CHECK:   tensor.pad
//       CHECK:   arith.mulf %{{.+}}, %[[NINTH]]
//       CHECK:   tensor.pad
//       CHECK:   arith.mulf %{{.+}}, %[[NINTH]]
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @average_pool_include_pad(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.average_pool %x {ceil_mode = false, count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// ceil_mode: the last row and column of windows overhang the 5x5 input by
// one. The interior is [0, 2) x [0, 2) on the input itself; the bottom band
// reads row 4 and pads one row and column past the end, dividing by the
// real elements only (2, 2, 1); the right band divides by 2.
// CHECK-LABEL: func.func @average_pool_ceil_mode(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x1x5x5xf32>
//   CHECK-NOT:   tensor.pad %[[X]]
//   CHECK-DAG:   %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
//   CHECK-DAG:   %[[TABLE:.+]] = arith.constant dense<{{\[}}[5.000000e-01, 5.000000e-01, 1.000000e+00]]> : tensor<1x3xf32>
//   CHECK-DAG:   %[[QUARTER:.+]] = arith.constant 2.500000e-01 : f32
//       CHECK:   %[[INNER:.+]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 1, 4, 4]
//       CHECK:   linalg.generic {{.*}} ins(%[[INNER]], %{{.+}} : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x1x2x2xf32>)
//       CHECK:     arith.mulf %{{.+}}, %[[QUARTER]]
//       CHECK:   %[[LAST:.+]] = tensor.extract_slice %[[X]][0, 0, 4, 0] [1, 1, 1, 5]
//       CHECK:   tensor.pad %[[LAST]] low[0, 0, 0, 0] high[0, 0, 1, 1]
//       CHECK:   linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %[[TABLE]] : tensor<1x1x2x6xf32>, tensor<2x2xf32>, tensor<1x3xf32>) outs(%{{.+}} : tensor<1x1x1x3xf32>)
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 0, 4] [1, 1, 4, 1]
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 0, 1]
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<1x1x2x1xf32>)
//       CHECK:     arith.mulf %{{.+}}, %[[HALF]]
func.func @average_pool_ceil_mode(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %0 = kiln.average_pool %x {ceil_mode = true, count_include_pad = false, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// No padding: the interior is the whole output, one generic on the input,
// no copy at all. Dilation 2 spaces the taps.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4 * 2, d3 + d5 * 2)>
// CHECK-LABEL: func.func @max_pool_dilations(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x3x7x7xf32>
//   CHECK-NOT:   tensor.pad
//       CHECK:   %[[R:.+]] = linalg.generic {indexing_maps = [#[[IN]], {{.*}} ins(%[[X]], %{{.+}} : tensor<1x3x7x7xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x3x5x5xf32>)
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[R]]
func.func @max_pool_dilations(%x: tensor<1x3x7x7xf32>) -> tensor<1x3x5x5xf32> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x7x7xf32>) -> tensor<1x3x5x5xf32>
  return %0 : tensor<1x3x5x5xf32>
}

// -----

// No window lies inside a 2x2 input under a 3x3 kernel: one region, the
// whole (small) input padded.
// CHECK-LABEL: func.func @max_pool_no_interior(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x1x2x2xf32>
//       CHECK:   tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:   linalg.generic
//   CHECK-NOT:   linalg.generic
func.func @max_pool_no_interior(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Fallbacks (Conv.cpp's general lowering: the whole input padded, one window
// generic): 1-D pooling, f64, and integer max pooling.
// CHECK-LABEL: func.func @max_pool_1d(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x9xf32>
//       CHECK:   tensor.pad %[[X]] low[0, 0, 1] high[0, 0, 1]
//       CHECK:   linalg.generic
//   CHECK-NOT:   tensor.insert_slice
func.func @max_pool_1d(%x: tensor<1x2x9xf32>) -> tensor<1x2x5xf32> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1>, kernel_shape = array<i64: 3>, pads = array<i64: 1, 1>, strides = array<i64: 2>} : (tensor<1x2x9xf32>) -> tensor<1x2x5xf32>
  return %0 : tensor<1x2x5xf32>
}

// CHECK-LABEL: func.func @average_pool_f64(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x8x8xf64>
//       CHECK:   tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//   CHECK-NOT:   tensor.insert_slice
func.func @average_pool_f64(%x: tensor<1x2x8x8xf64>) -> tensor<1x2x4x4xf64> {
  %0 = kiln.average_pool %x {ceil_mode = false, count_include_pad = false, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x8x8xf64>) -> tensor<1x2x4x4xf64>
  return %0 : tensor<1x2x4x4xf64>
}

// CHECK-LABEL: func.func @max_pool_i8(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x9x9xi8>
//       CHECK:   tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//   CHECK-NOT:   tensor.insert_slice
func.func @max_pool_i8(%x: tensor<1x2x9x9xi8>) -> tensor<1x2x5x5xi8> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x9x9xi8>) -> tensor<1x2x5x5xi8>
  return %0 : tensor<1x2x5x5xi8>
}
