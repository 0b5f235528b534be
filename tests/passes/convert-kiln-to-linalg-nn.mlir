// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Lowering of the NN group's ops (passes/conversion/kiln-to-linalg/Conv.cpp
// and Normalization.cpp).

// A transposed convolution scatters the input with its stride into a zero
// frame of dilation * (K - 1) - pad positions per side, then reads it at
// o + (K - 1 - k) * dilation against filter tap k: here K = 3, pad 1, so
// the frame is (4 - 1) * 2 + 1 + 1 + 1 = 9 wide with the input at offset 1.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 + -d5 + 2)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d4, d2, d5)>
// CHECK-LABEL: func.func @conv_transpose_scatters_and_flips(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x4xf32>, %[[W0:.+]]: tensor<2x3x3xf32>
//       CHECK:   %[[FRAME:.+]] = linalg.fill {{.*}} -> tensor<1x2x9xf32>
//       CHECK:   %[[SCATTERED:.+]] = tensor.insert_slice %[[X]] into %[[FRAME]][0, 0, 1] [1, 2, 4] [1, 1, 2]
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], #[[W]], {{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
//   CHECK-NOT:   kiln.
func.func @conv_transpose_scatters_and_flips(%x: tensor<1x2x4xf32>, %w: tensor<2x3x3xf32>) -> tensor<1x3x7xf32> {
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 1, 1>, strides = array<i64: 2>} : (tensor<1x2x4xf32>, tensor<2x3x3xf32>) -> tensor<1x3x7xf32>
  return %0 : tensor<1x3x7xf32>
}

// -----

// A pad larger than the filter's reach crops the frame; a negative pad
// widens it.
// CHECK-LABEL: func.func @conv_transpose_crops_large_pads(
//       CHECK:   %[[FRAME:.+]] = linalg.fill {{.*}} -> tensor<1x1x4xf32>
//       CHECK:   %[[SCATTERED:.+]] = tensor.insert_slice %{{.+}} into %[[FRAME]][0, 0, 0] [1, 1, 3] [1, 1, 1]
//       CHECK:   tensor.extract_slice %[[SCATTERED]][0, 0, 1] [1, 1, 3] [1, 1, 1]
func.func @conv_transpose_crops_large_pads(%x: tensor<1x1x3xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 2, 0>, strides = array<i64: 1>} : (tensor<1x1x3xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

// Max pooling with indices keeps two accumulators; a position wins only when
// strictly greater, and its flat index comes from linalg.index.
// CHECK-LABEL: func.func @max_pool_with_indices_two_accumulators(
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}}, %{{.+}} : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
//       CHECK:     linalg.index 0
//       CHECK:     arith.index_cast
//       CHECK:     arith.cmpf ogt
//       CHECK:     arith.select
//       CHECK:     arith.select
func.func @max_pool_with_indices_two_accumulators(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %0, %1 = kiln.max_pool_with_indices %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// On uint8 the values start at 0 and compare unsigned (cmpi ugt on the
// signless bits); the indices start at -1, and the first position inside the
// input takes over while the index is still -1, so a window of zeros points
// at its first real position rather than keeping -1 (or padding).
// CHECK-LABEL: func.func @max_pool_with_indices_unsigned(
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0 : i8
//   CHECK-DAG:   %[[NONE:.+]] = arith.constant -1 : i64
//       CHECK:   %[[LOWEST:.+]] = builtin.unrealized_conversion_cast %[[ZERO]] : i8 to ui8
//       CHECK:   tensor.pad
//       CHECK:     tensor.yield %[[LOWEST]] : ui8
//       CHECK:   linalg.fill ins(%[[LOWEST]] : ui8)
//       CHECK:   linalg.fill ins(%[[NONE]] : i64)
//       CHECK:   linalg.generic
//       CHECK:     %[[GT:.+]] = arith.cmpi ugt, %{{.+}}, %{{.+}} : i8
//       CHECK:     arith.cmpi ult, %{{.+}}, %{{.+}} : index
//       CHECK:     arith.cmpi ult, %{{.+}}, %{{.+}} : index
//       CHECK:     %[[UNSET:.+]] = arith.cmpi slt, %{{.+}}, %{{.+}} : i64
//       CHECK:     %[[FIRST:.+]] = arith.andi %[[UNSET]], %{{.+}} : i1
//       CHECK:     %[[TAKE:.+]] = arith.ori %[[GT]], %[[FIRST]] : i1
//       CHECK:     arith.select %[[TAKE]], %{{.+}}, %{{.+}} : ui8
//       CHECK:     arith.select %[[TAKE]], %{{.+}}, %{{.+}} : i64
func.func @max_pool_with_indices_unsigned(%x: tensor<1x1x5x5xui8>) -> (tensor<1x1x3x3xui8>, tensor<1x1x3x3xi64>) {
  %0, %1 = kiln.max_pool_with_indices %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, storage_order = 0 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xui8>) -> (tensor<1x1x3x3xui8>, tensor<1x1x3x3xi64>)
  return %0, %1 : tensor<1x1x3x3xui8>, tensor<1x1x3x3xi64>
}

// -----

// Global max pooling reduces the spatial dims from -inf.
// CHECK-LABEL: func.func @global_max_pool(
//       CHECK:   arith.constant 0xFF800000 : f32
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
//       CHECK:     arith.maximumf
func.func @global_max_pool(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
  %0 = kiln.global_max_pool %x : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

// Layer normalisation: mean, then the variance of the centered values, over
// the dims from axis on; both statistics are results.
// CHECK-LABEL: func.func @layer_norm_two_pass(
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//       CHECK:     arith.subf
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   math.sqrt
//       CHECK:   return
func.func @layer_norm_two_pass(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %0, %1, %2 = kiln.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return %0, %1, %2 : tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// LRN sums squares over a padded window of channels: size 4 pads 1 before
// and 2 after.
// CHECK-LABEL: func.func @lrn_channel_window(
//       CHECK:   tensor.pad %{{.+}} low[0, 1, 0] high[0, 2, 0]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
//       CHECK:   math.powf
func.func @lrn_channel_window(%x: tensor<1x5x2xf32>) -> tensor<1x5x2xf32> {
  %0 = kiln.lrn %x {size = 4 : i64} : (tensor<1x5x2xf32>) -> tensor<1x5x2xf32>
  return %0 : tensor<1x5x2xf32>
}

// -----

// Training-mode batch norm also blends the running statistics:
// old * momentum + batch * (1 - momentum).
// CHECK-LABEL: func.func @batch_norm_training_running_stats(
//   CHECK-DAG:   arith.constant 8.000000e-01 : f32
//   CHECK-DAG:   arith.constant 0.199999988 : f32
//       CHECK:   return
func.func @batch_norm_training_running_stats(%x: tensor<2x3x4xf32>, %c: tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0, %1, %2 = kiln.batch_norm_training %x, %c, %c, %c, %c {momentum = 0.8 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0, %1, %2 : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>
}
