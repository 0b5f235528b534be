// RUN: kiln-opt %s --split-input-file --kiln-fold-batch-norm | FileCheck %s

// s = scale / sqrt(var + eps) = [1 / 2, 2 / 1]; filter' = filter * s;
// bias' = (bias - mean) * s + shift = [(1 - 1) * 0.5 + 0.5, (-1 - 0) * 2 + 0].
// CHECK-LABEL: func.func @folds_into_conv(
//   CHECK-DAG:   %[[W:.+]] = kiln.constant dense<{{\[}}[{{\[}}[1.000000e+00]]], [{{\[}}[6.000000e+00]]]]> : tensor<2x1x1x1xf32>
//   CHECK-DAG:   %[[B:.+]] = kiln.constant dense<[5.000000e-01, -2.000000e+00]> : tensor<2xf32>
//       CHECK:   %[[Y:.+]] = kiln.conv %arg0, %[[W]], %[[B]]
//   CHECK-NOT:   kiln.batch_norm
//       CHECK:   return %[[Y]]
func.func @folds_into_conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = kiln.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %b = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %shift = kiln.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                             pads = array<i64: 0, 0, 0, 0>,
                             strides = array<i64: 1, 1>}
      : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>)
      -> tensor<1x2x2x2xf32>
  %y = kiln.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Without a conv bias the folded bias is (0 - mean) * s + shift.
// CHECK-LABEL: func.func @conv_without_bias(
//       CHECK:   kiln.constant dense<[-5.000000e-01, 1.000000e+00]> : tensor<2xf32>
//       CHECK:   kiln.conv
//   CHECK-NOT:   kiln.batch_norm
func.func @conv_without_bias(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %scale = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %shift = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                         pads = array<i64: 0, 0, 0, 0>,
                         strides = array<i64: 1, 1>}
      : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = kiln.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Left alone: the conv's result is used twice (folding would change the
// other use), and statistics that are not constants (training).
// CHECK-LABEL: func.func @not_folded(
//       CHECK:   kiln.batch_norm
//       CHECK:   kiln.batch_norm
func.func @not_folded(%x: tensor<1x1x2x2xf32>, %var: tensor<2xf32>)
    -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = kiln.constant dense<1.0> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<1.0> : tensor<2xf32>
  %c = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                         pads = array<i64: 0, 0, 0, 0>,
                         strides = array<i64: 1, 1>}
      : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = kiln.batch_norm %c, %s, %s, %s, %s
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %d = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64,
                         pads = array<i64: 0, 0, 0, 0>,
                         strides = array<i64: 1, 1>}
      : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %z = kiln.batch_norm %d, %s, %s, %s, %var
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y, %c, %z : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// ConvTranspose, 2 groups: the filter is [C, M/group, K...]; output channel
// m = g * 2 + j is column j of group g's rows (inputs 0 and 1 are group 0,
// 2 and 3 group 1). s = [1, 2, 3, 4] (var 0, eps 1): column j of the rows
// of group g scales by s[g * 2 + j].
// CHECK-LABEL: func.func @folds_into_conv_transpose(
//   CHECK-DAG:   %[[W:.+]] = kiln.constant dense<{{\[\[}}{{\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]]], {{\[\[}}[1.000000e+00]], {{\[\[}}2.000000e+00]]], {{\[\[}}[3.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[}}[3.000000e+00]], {{\[\[}}4.000000e+00]]]]> : tensor<4x2x1x1xf32>
//   CHECK-DAG:   %[[B:.+]] = kiln.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
//       CHECK:   %[[Y:.+]] = kiln.conv_transpose %arg0, %[[W]], %[[B]] {{.*}}group = 2
//   CHECK-NOT:   kiln.batch_norm
//       CHECK:   return %[[Y]]
func.func @folds_into_conv_transpose(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %w = kiln.constant dense<1.0> : tensor<4x2x1x1xf32>
  %scale = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %zero = kiln.constant dense<0.0> : tensor<4xf32>
  %c = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64,
                                   output_padding = array<i64: 0, 0>,
                                   pads = array<i64: 0, 0, 0, 0>,
                                   strides = array<i64: 1, 1>}
      : (tensor<1x4x2x2xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x2x2xf32>
  %y = kiln.batch_norm %c, %scale, %scale, %zero, %zero {epsilon = 1.0 : f32}
      : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
         tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %y : tensor<1x4x2x2xf32>
}

// -----

// Gemm with trans_b (B is [N, K]): row n of B scales by s[n]; C is folded
// with beta: (beta * c - mean) * s + shift = [(2 * 1 - 1) * 0.5 + 0.5,
// (2 * -1 - 0) * 2 + 0]; the folded gemm has beta 1.
// CHECK-LABEL: func.func @folds_into_gemm(
//   CHECK-DAG:   %[[W:.+]] = kiln.constant dense<{{\[}}[5.000000e-01, 1.000000e+00, 1.500000e+00], [8.000000e+00, 1.000000e+01, 1.200000e+01]]> : tensor<2x3xf32>
//   CHECK-DAG:   %[[B:.+]] = kiln.constant dense<[1.000000e+00, -4.000000e+00]> : tensor<2xf32>
//       CHECK:   %[[Y:.+]] = kiln.gemm %arg0, %[[W]], %[[B]] {trans_b = true}
//   CHECK-NOT:   kiln.batch_norm
//       CHECK:   return %[[Y]]
func.func @folds_into_gemm(%x: tensor<5x3xf32>) -> tensor<5x2xf32> {
  %w = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %scale = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %shift = kiln.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = kiln.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %c = kiln.gemm %x, %w, %b {beta = 2.0 : f32, trans_b = true}
      : (tensor<5x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<5x2xf32>
  %y = kiln.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<5x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<5x2xf32>
  return %y : tensor<5x2xf32>
}

// -----

// Left alone: a gemm whose C is a full [M, N] matrix (not one row per
// channel).
// CHECK-LABEL: func.func @gemm_full_c_not_folded(
//       CHECK:   kiln.gemm
//       CHECK:   kiln.batch_norm
func.func @gemm_full_c_not_folded(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = kiln.constant dense<1.0> : tensor<3x2xf32>
  %b = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %s = kiln.constant dense<1.0> : tensor<2xf32>
  %c = kiln.gemm %x, %w, %b
      : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = kiln.batch_norm %c, %s, %s, %s, %s
      : (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>,
         tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A scalar C and one channel: C is that channel's bias, (2 * 3 - 1) * 1 + 0.
// CHECK-LABEL: func.func @gemm_scalar_c(
//       CHECK:   kiln.constant dense<5.000000e+00> : tensor<1xf32>
//       CHECK:   kiln.gemm
//   CHECK-NOT:   kiln.batch_norm
func.func @gemm_scalar_c(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %w = kiln.constant dense<1.0> : tensor<3x1xf32>
  %c = kiln.constant dense<3.0> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<1xf32>
  %zero = kiln.constant dense<0.0> : tensor<1xf32>
  %g = kiln.gemm %x, %w, %c {beta = 2.0 : f32}
      : (tensor<2x3xf32>, tensor<3x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %y = kiln.batch_norm %g, %one, %zero, %one, %zero {epsilon = 1.0 : f32}
      : (tensor<2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>,
         tensor<1xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}
