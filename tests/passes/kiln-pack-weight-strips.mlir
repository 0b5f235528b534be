// An explicit strip width keeps the checks independent of the host.
// RUN: kiln-opt %s --split-input-file --kiln-pack-weight-strips=strip-width=2 | FileCheck %s

// matmul_transpose_b (a recurrent layer's H R^T): strip s holds rows 2s and
// 2s+1 of R, transposed: packed[s][k][r] = R[2s + r][k].
// CHECK-LABEL: func.func @transposed(
//  CHECK-SAME:     %[[A:[^:]+]]: tensor<3x2xf32>, %[[C:[^:]+]]: tensor<3x4xf32>)
//       CHECK:   %[[P:.+]] = arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 2.000000e+00], [1.000000e+00, 3.000000e+00]], {{\[}}[4.000000e+00, 6.000000e+00], [5.000000e+00, 7.000000e+00]]]> : tensor<2x2x2xf32>
//       CHECK:   %[[E:.+]] = tensor.expand_shape %[[C]] {{\[}}[0], [1, 2]] output_shape [3, 2, 2] : tensor<3x4xf32> into tensor<3x2x2xf32>
//       CHECK:   %[[G:.+]] = linalg.generic {indexing_maps = [#[[MA:.+]], #[[MB:.+]], #[[MC:.+]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
//  CHECK-SAME:       ins(%[[A]], %[[P]] : tensor<3x2xf32>, tensor<2x2x2xf32>) outs(%[[E]] : tensor<3x2x2xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   %[[Y:.+]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2]] : tensor<3x2x2xf32> into tensor<3x4xf32>
//       CHECK:   return %[[Y]]
//   CHECK-NOT:   linalg.matmul
func.func @transposed(%a: tensor<3x2xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %r = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]> : tensor<4x2xf32>
  %y = linalg.matmul_transpose_b ins(%a, %r : tensor<3x2xf32>, tensor<4x2xf32>) outs(%c : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// A plain matmul: packed[s][k][r] = B[k][2s + r].
// CHECK-LABEL: func.func @plain(
//       CHECK:   arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 1.000000e+00], [4.000000e+00, 5.000000e+00]], {{\[}}[2.000000e+00, 3.000000e+00], [6.000000e+00, 7.000000e+00]]]> : tensor<2x2x2xf32>
//       CHECK:   linalg.generic
//   CHECK-NOT:   linalg.matmul
func.func @plain(%a: tensor<3x2xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %b = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %y = linalg.matmul ins(%a, %b : tensor<3x2xf32>, tensor<2x4xf32>) outs(%c : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// One direction's weights of a recurrent layer: the constant is read
// through the (rank-reducing) slice; direction 1 starts at element 8.
// CHECK-LABEL: func.func @sliced(
//       CHECK:   arith.constant dense<{{\[}}{{\[}}[8.000000e+00, 1.000000e+01], [9.000000e+00, 1.100000e+01]], {{\[}}[1.200000e+01, 1.400000e+01], [1.300000e+01, 1.500000e+01]]]> : tensor<2x2x2xf32>
//   CHECK-NOT:   linalg.matmul
func.func @sliced(%a: tensor<1x2xf32>, %c: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]], [[8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0]]]> : tensor<2x4x2xf32>
  %r = tensor.extract_slice %w[1, 0, 0] [1, 4, 2] [1, 1, 1] : tensor<2x4x2xf32> to tensor<4x2xf32>
  %y = linalg.matmul_transpose_b ins(%a, %r : tensor<1x2xf32>, tensor<4x2xf32>) outs(%c : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Left alone: N (3) is not a multiple of the strip width, B is not a
// constant, B is a splat.
// CHECK-LABEL: func.func @left_alone(
//   CHECK-NOT:   linalg.generic
//       CHECK:   linalg.matmul_transpose_b
//       CHECK:   linalg.matmul ins
//       CHECK:   linalg.matmul ins
//   CHECK-NOT:   linalg.generic
func.func @left_alone(%a: tensor<1x2xf32>, %b: tensor<2x4xf32>, %c3: tensor<1x3xf32>, %c4: tensor<1x4xf32>) -> (tensor<1x3xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %r = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]> : tensor<3x2xf32>
  %y = linalg.matmul_transpose_b ins(%a, %r : tensor<1x2xf32>, tensor<3x2xf32>) outs(%c3 : tensor<1x3xf32>) -> tensor<1x3xf32>
  %z = linalg.matmul ins(%a, %b : tensor<1x2xf32>, tensor<2x4xf32>) outs(%c4 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %s = arith.constant dense<1.0> : tensor<2x4xf32>
  %u = linalg.matmul ins(%a, %s : tensor<1x2xf32>, tensor<2x4xf32>) outs(%c4 : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y, %z, %u : tensor<1x3xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}
