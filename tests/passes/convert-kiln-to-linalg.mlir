// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize --verify-diagnostics | FileCheck %s

// An activation is one all-parallel generic over the result.
// CHECK-LABEL: func.func @relu_is_one_generic(
//  CHECK-SAME:     %[[X:.+]]: tensor<2x8xf32>
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<2x8xf32>)
//       CHECK:     arith.maximumf %{{.+}}, %[[ZERO]] : f32
//   CHECK-NOT:   kiln.
func.func @relu_is_one_generic(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = kiln.relu %x : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Broadcasting reads a size-1 dim at index 0 and aligns ranks on the right.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add_broadcasts(
//       CHECK:   linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]]
//       CHECK:     arith.addf
func.func @add_broadcasts(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = kiln.add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Integer division is signed division.
// CHECK-LABEL: func.func @div_on_integers(
//       CHECK:   arith.divsi
func.func @div_on_integers(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = kiln.div %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// Unsigned integers convert too: the body computes on signless scalars
// (tests/passes/convert-kiln-to-linalg-math.mlir checks the details).
// CHECK-LABEL: func.func @add_on_unsigned(
//       CHECK:   arith.addi %{{.+}}, %{{.+}} : i8
func.func @add_on_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = kiln.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// A PyTorch Linear: the bias seeds the accumulator of matmul_transpose_b.
// CHECK-LABEL: func.func @gemm_seeds_the_bias(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x4xf32>, %[[W:[^:]+]]: tensor<8x4xf32>, %[[B:[^:]+]]: tensor<8xf32>
//       CHECK:   %[[SEED:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<8xf32>)
//       CHECK:   %[[MM:.+]] = linalg.matmul_transpose_b ins(%[[X]], %[[W]] : {{.*}}) outs(%[[SEED]] : tensor<2x8xf32>)
//       CHECK:   return %[[MM]]
func.func @gemm_seeds_the_bias(%x: tensor<2x4xf32>, %w: tensor<8x4xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = kiln.gemm %x, %w, %b {trans_b = true} : (tensor<2x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// With alpha != 1 the product is scaled in an epilogue that adds beta * C.
// CHECK-LABEL: func.func @gemm_with_alpha(
//       CHECK:   %[[MM:.+]] = linalg.matmul ins
//       CHECK:   linalg.generic {{.*}} ins(%[[MM]], %{{.+}} : tensor<2x3xf32>, tensor<3xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
func.func @gemm_with_alpha(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Equal batch dims give batch_matmul; a vector operand is promoted to a
// matrix and the unit dim collapsed away again.
// CHECK-LABEL: func.func @matmul_forms(
//       CHECK:   linalg.batch_matmul
//       CHECK:   tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [1, 4]
//       CHECK:   linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2]] : tensor<2x1x5xf32> into tensor<2x5xf32>
func.func @matmul_forms(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>, %v: tensor<4xf32>) -> (tensor<2x3x5xf32>, tensor<2x5xf32>) {
  %0 = kiln.matmul %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  %1 = kiln.matmul %v, %b : (tensor<4xf32>, tensor<2x4x5xf32>) -> tensor<2x5xf32>
  return %0, %1 : tensor<2x3x5xf32>, tensor<2x5xf32>
}

// -----

// A grouped conv (2 channels per group; depthwise ones lower in
// DepthwiseConv.cpp, narrower ones in GroupedConv.cpp): explicit padding, then one generic over
// (n, g, m, oh, ow, c, kh, kw) reading the input at oh * stride + kh *
// dilation; the bias is added after.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6 * 2, d4 * 2 + d7 * 2)>
// CHECK-LABEL: func.func @conv_window(
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 2, 2] high[0, 0, 2, 2]
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x2x33x33xf32> into tensor<1x4x33x33xf32>
func.func @conv_window(%x: tensor<1x4x66x66xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x33x33xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x66x66xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x33x33xf32>
  return %0 : tensor<1x4x33x33xf32>
}

// -----

// ceil_mode: the last window overhangs the input by one; it reads extra
// padding, and the divisor table counts only real elements (2, 2, 1 per dim).
// (f64: f32 2-D pools read their input in place, see
// convert-kiln-to-linalg-pooling.mlir; this is the general lowering.)
// CHECK-LABEL: func.func @average_pool_ceil_mode(
//       CHECK:   %[[DIV:.+]] = arith.constant dense<{{\[}}[2.500000e-01, 2.500000e-01, 5.000000e-01], [2.500000e-01, 2.500000e-01, 5.000000e-01], [5.000000e-01, 5.000000e-01, 1.000000e+00]]> : tensor<3x3xf64>
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
//       CHECK:   %[[SUM:.+]] = linalg.generic
//       CHECK:     arith.addf
//       CHECK:   linalg.generic {{.*}} ins(%[[SUM]], %[[DIV]]
//       CHECK:     arith.mulf
func.func @average_pool_ceil_mode(%x: tensor<1x1x5x5xf64>) -> tensor<1x1x3x3xf64> {
  %0 = kiln.average_pool %x {ceil_mode = true, count_include_pad = false, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf64>) -> tensor<1x1x3x3xf64>
  return %0 : tensor<1x1x3x3xf64>
}

// -----

// Max pooling pads with -inf so that padding never wins (the general
// lowering: f64).
// CHECK-LABEL: func.func @max_pool_pads_with_minus_infinity(
//       CHECK:   %[[NEGINF:.+]] = arith.constant 0xFFF0000000000000 : f64
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:     tensor.yield %[[NEGINF]]
//       CHECK:   arith.maximumf
func.func @max_pool_pads_with_minus_infinity(%x: tensor<1x2x9x9xf64>) -> tensor<1x2x5x5xf64> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x9x9xf64>) -> tensor<1x2x5x5xf64>
  return %0 : tensor<1x2x5x5xf64>
}

// -----

// Unsigned max pooling pads and starts with 0 and compares unsigned: arith
// takes signless integers, so the ui8 scalars are cast to i8 and back.
// CHECK-LABEL: func.func @max_pool_unsigned(
//       CHECK:   %[[ZERO:.+]] = arith.constant 0 : i8
//       CHECK:   %[[LOWEST:.+]] = builtin.unrealized_conversion_cast %[[ZERO]] : i8 to ui8
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 2, 2] high[0, 0, 2, 2]
//       CHECK:     tensor.yield %[[LOWEST]] : ui8
//       CHECK:   linalg.fill ins(%[[LOWEST]] : ui8)
//       CHECK:   linalg.generic
//       CHECK:     arith.maxui %{{.+}}, %{{.+}} : i8
func.func @max_pool_unsigned(%x: tensor<1x1x5x5xui8>) -> tensor<1x1x5x5xui8> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x1x5x5xui8>) -> tensor<1x1x5x5xui8>
  return %0 : tensor<1x1x5x5xui8>
}

// -----

// Signed (signless i8) max pooling pads with -128 and compares signed.
// CHECK-LABEL: func.func @max_pool_signed(
//       CHECK:   %[[LOWEST:.+]] = arith.constant -128 : i8
//       CHECK:   tensor.pad
//       CHECK:     tensor.yield %[[LOWEST]] : i8
//       CHECK:   linalg.fill ins(%[[LOWEST]] : i8)
//       CHECK:   linalg.generic
//       CHECK:     arith.maxsi
func.func @max_pool_signed(%x: tensor<1x1x5x5xi8>) -> tensor<1x1x3x3xi8> {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xi8>) -> tensor<1x1x3x3xi8>
  return %0 : tensor<1x1x3x3xi8>
}

// -----

// Softmax subtracts the max before exp, then divides by the sum (along
// dim 0: the general lowering).
// CHECK-LABEL: func.func @softmax_is_stable(
//       CHECK:   %[[MAX:.+]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
//       CHECK:     arith.maximumf
//       CHECK:   arith.subf
//       CHECK:   math.exp
//       CHECK:   iterator_types = ["reduction", "parallel"]
//       CHECK:     arith.addf
//       CHECK:   arith.divf
func.func @softmax_is_stable(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %0 = kiln.softmax %x {axis = 0 : i64} : tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Batch norm folds its four vectors into one scale and one shift per channel.
// CHECK-LABEL: func.func @batch_norm_scale_and_shift(
//       CHECK:   math.sqrt
//       CHECK:   tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2]] output_shape [3, 1, 1]
//       CHECK:   linalg.generic {{.*}} ins(%arg0, %{{.+}}, %{{.+}} : tensor<2x3x4x4xf32>, tensor<3x1x1xf32>, tensor<3x1x1xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
func.func @batch_norm_scale_and_shift(%x: tensor<2x3x4x4xf32>, %p: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = kiln.batch_norm %x, %p, %p, %p, %p : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// Reshape collapses to 1-D and expands to the target.
// CHECK-LABEL: func.func @reshape_through_one_dim(
//       CHECK:   tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
//       CHECK:   tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
func.func @reshape_through_one_dim(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Params (in an inference lowering) and constants become arith.constant.
// CHECK-LABEL: func.func @params_become_constants(
//       CHECK:   %[[W:.+]] = arith.constant dense<1.000000e+00> : tensor<2x3xf32>
//       CHECK:   return %[[W]]
//   CHECK-NOT:   kiln.
func.func @params_become_constants() -> tensor<2x3xf32> {
  %w = kiln.param "w" = dense<1.0> : tensor<2x3xf32>
  return %w : tensor<2x3xf32>
}

// -----

// An ungrouped conv is a matrix product (im2col): patches [C, KH, KW, N, OH,
// OW] gathered by one generic and collapsed to [C*KH*KW, N*OH*OW], the
// filter collapsed to [M, C*KH*KW], the bias seeding the accumulator. With
// N = 1 the result is a reshape of the product.
// CHECK-DAG: #[[GATHER:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>
// CHECK-LABEL: func.func @conv_as_matmul(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<1x3x8x8xf32>, %[[W:[^:]+]]: tensor<4x3x3x3xf32>, %[[B:[^:]+]]: tensor<4xf32>
//       CHECK:   %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:   %[[PATCHES:.+]] = linalg.generic {indexing_maps = [#[[GATHER]], {{.*}} ins(%[[PAD]] : tensor<1x3x10x10xf32>) outs(%{{.+}} : tensor<3x3x3x1x8x8xf32>)
//       CHECK:   %[[COLS:.+]] = tensor.collapse_shape %[[PATCHES]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<3x3x3x1x8x8xf32> into tensor<27x64xf32>
//       CHECK:   %[[ROWS:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<4x3x3x3xf32> into tensor<4x27xf32>
//       CHECK:   %[[SEED:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<4x1xf32>)
//       CHECK:   %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %[[COLS]] : tensor<4x27xf32>, tensor<27x64xf32>) outs(%[[SEED]] : tensor<4x64xf32>)
//   CHECK-NOT:   linalg.transpose
//       CHECK:   tensor.expand_shape
func.func @conv_as_matmul(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// With a batch of 2 the product [M, N, OH, OW] is transposed to [N, M, OH, OW].
// CHECK-LABEL: func.func @conv_as_matmul_batched(
//       CHECK:   linalg.matmul
//       CHECK:   linalg.transpose ins(%{{.+}} : tensor<4x2x6x6xf32>) outs(%{{.+}} : tensor<2x4x6x6xf32>) permutation = [1, 0, 2, 3]
func.func @conv_as_matmul_batched(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %0 : tensor<2x4x6x6xf32>
}
