// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Lowering of the NN group's ops (passes/conversion/kiln-to-linalg/Conv.cpp
// and Normalization.cpp).

// A transposed convolution is one contraction (a matrix product per group)
// into cols [N, G, positions, MG * K] (positions on the rows: only 4 here),
// then one all-parallel add per tap k of the cols slice whose outputs
// o = i * stride - pad + k land inside [0, 7), with step stride: K = 3,
// stride 2, pad 1, so tap 0 takes inputs 1..3 to outputs 1, 3, 5, tap 1
// inputs 0..3 to 0, 2, 4, 6 and tap 2 inputs 0..2 to 1, 3, 5. No generic
// reads a stride-inserted frame.
// CHECK-DAG: #[[XMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d2)>
// CHECK-DAG: #[[WMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[COLSMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[READ:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
// CHECK-LABEL: func.func @conv_transpose_matmul_then_col2im(
//  CHECK-SAME:     %[[X:.+]]: tensor<1x2x4xf32>, %[[W:.+]]: tensor<2x3x3xf32>
//       CHECK:   %[[XG:.+]] = tensor.expand_shape %[[X]] {{.*}} into tensor<1x1x2x4xf32>
//       CHECK:   %[[WF:.+]] = tensor.collapse_shape %[[W]] {{.*}} into tensor<2x9xf32>
//       CHECK:   %[[WG:.+]] = tensor.expand_shape %[[WF]] {{.*}} into tensor<1x2x9xf32>
//       CHECK:   %[[PRODUCT:.+]] = linalg.generic {indexing_maps = [#[[XMAP]], #[[WMAP]], #[[COLSMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[XG]], %[[WG]] : {{.*}}) outs(%{{.+}} : tensor<1x1x4x9xf32>)
//  CHECK-NEXT:   ^bb0
//  CHECK-NEXT:     arith.mulf
//  CHECK-NEXT:     arith.addf
//       CHECK:   %[[COLS:.+]] = tensor.expand_shape %[[PRODUCT]] {{.*}} into tensor<1x1x4x3x3xf32>
//       CHECK:   %[[ZERO:.+]] = linalg.fill {{.*}} -> tensor<1x1x3x7xf32>
//       CHECK:   %[[TAP0:.+]] = tensor.extract_slice %[[COLS]][0, 0, 1, 0, 0] [1, 1, 3, 3, 1] [1, 1, 1, 1, 1] : tensor<1x1x4x3x3xf32> to tensor<1x1x3x3xf32>
//       CHECK:   %[[OUT0:.+]] = tensor.extract_slice %[[ZERO]][0, 0, 0, 1] [1, 1, 3, 3] [1, 1, 1, 2]
//       CHECK:   %[[SUM0:.+]] = linalg.generic {indexing_maps = [#[[READ]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[TAP0]] : {{.*}}) outs(%[[OUT0]] : {{.*}})
//       CHECK:     arith.addf
//       CHECK:   %[[ACC0:.+]] = tensor.insert_slice %[[SUM0]] into %[[ZERO]][0, 0, 0, 1] [1, 1, 3, 3] [1, 1, 1, 2]
//       CHECK:   tensor.extract_slice %[[COLS]][0, 0, 0, 0, 1] [1, 1, 4, 3, 1]
//       CHECK:   tensor.extract_slice %[[ACC0]][0, 0, 0, 0] [1, 1, 3, 4] [1, 1, 1, 2]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]
//       CHECK:   %[[ACC1:.+]] = tensor.insert_slice %{{.+}} into %[[ACC0]][0, 0, 0, 0] [1, 1, 3, 4] [1, 1, 1, 2]
//       CHECK:   tensor.extract_slice %[[COLS]][0, 0, 0, 0, 2] [1, 1, 3, 3, 1]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]
//       CHECK:   %[[ACC2:.+]] = tensor.insert_slice %{{.+}} into %[[ACC1]][0, 0, 0, 1] [1, 1, 3, 3] [1, 1, 1, 2]
//   CHECK-NOT:   linalg.generic
//       CHECK:   tensor.collapse_shape %[[ACC2]] {{.*}} into tensor<1x3x7xf32>
//   CHECK-NOT:   kiln.
func.func @conv_transpose_matmul_then_col2im(%x: tensor<1x2x4xf32>, %w: tensor<2x3x3xf32>) -> tensor<1x3x7xf32> {
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 1, 1>, strides = array<i64: 2>} : (tensor<1x2x4xf32>, tensor<2x3x3xf32>) -> tensor<1x3x7xf32>
  return %0 : tensor<1x3x7xf32>
}

// -----

// Pads beyond the filter's reach: with pad 2 in front, taps 0 and 1 of the
// one input land at -2 and -1, outside the output, and add nothing.
// CHECK-LABEL: func.func @conv_transpose_skips_missing_taps(
//       CHECK:   %[[COLS:.+]] = tensor.expand_shape {{.*}} into tensor<1x1x1x1x3xf32>
//       CHECK:   %[[TAP:.+]] = tensor.extract_slice %[[COLS]][0, 0, 0, 0, 2] [1, 1, 1, 1, 1]
//       CHECK:   linalg.generic {{.*}} ins(%[[TAP]] :
//   CHECK-NOT:   tensor.extract_slice
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @conv_transpose_skips_missing_taps(%x: tensor<1x1x1xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x1xf32> {
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 2, 0>, strides = array<i64: 1>} : (tensor<1x1x1xf32>, tensor<1x1x3xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

// With 16 positions per image they become the product's columns (the
// kernels' vector lanes): the filter [G, CG, MG * K] is the left operand and
// cols is [N, G, MG * K, positions], so each tap's slice is read in place.
// Groups are a batch dim of the product; the bias seeds the output.
// CHECK-DAG: #[[WMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[XMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d2)>
// CHECK-DAG: #[[COLSMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d2)>
// CHECK-DAG: #[[BIASMAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, 0, 0)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv_transpose_grouped_positions_as_columns(
//       CHECK:   %[[XG:.+]] = tensor.expand_shape {{.*}} into tensor<2x2x2x16xf32>
//       CHECK:   %[[WG:.+]] = tensor.expand_shape {{.*}} into tensor<2x2x12xf32>
//       CHECK:   %[[PRODUCT:.+]] = linalg.generic {indexing_maps = [#[[WMAP]], #[[XMAP]], #[[COLSMAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[WG]], %[[XG]] : {{.*}}) outs(%{{.+}} : tensor<2x2x12x16xf32>)
//       CHECK:   %[[COLS:.+]] = tensor.expand_shape %[[PRODUCT]] {{.*}} into tensor<2x2x3x2x2x4x4xf32>
//       CHECK:   %[[SEED:.+]] = linalg.generic {indexing_maps = [#[[BIASMAP]], #[[ID]]]{{.*}} outs(%{{.+}} : tensor<2x2x3x8x8xf32>)
//       CHECK:   tensor.extract_slice %[[COLS]][0, 0, 0, 0, 0, 0, 0] [2, 2, 3, 1, 1, 4, 4] [1, 1, 1, 1, 1, 1, 1] : tensor<2x2x3x2x2x4x4xf32> to tensor<2x2x3x4x4xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[ID]]]
//       CHECK:   tensor.insert_slice %{{.+}} into %[[SEED]][0, 0, 0, 0, 0] [2, 2, 3, 4, 4] [1, 1, 1, 2, 2]
//       CHECK:   tensor.extract_slice %[[COLS]][0, 0, 0, 0, 1, 0, 0] [2, 2, 3, 1, 1, 4, 4]
//       CHECK:   tensor.insert_slice {{.*}}[0, 0, 0, 0, 1] [2, 2, 3, 4, 4] [1, 1, 1, 2, 2]
//       CHECK:   tensor.extract_slice %[[COLS]][0, 0, 0, 1, 0, 0, 0] [2, 2, 3, 1, 1, 4, 4]
//       CHECK:   tensor.insert_slice {{.*}}[0, 0, 0, 1, 0] [2, 2, 3, 4, 4] [1, 1, 1, 2, 2]
//       CHECK:   tensor.extract_slice %[[COLS]][0, 0, 0, 1, 1, 0, 0] [2, 2, 3, 1, 1, 4, 4]
//       CHECK:   %[[LAST:.+]] = tensor.insert_slice {{.*}}[0, 0, 0, 1, 1] [2, 2, 3, 4, 4] [1, 1, 1, 2, 2]
//       CHECK:   tensor.collapse_shape %[[LAST]] {{.*}} into tensor<2x6x8x8xf32>
func.func @conv_transpose_grouped_positions_as_columns(%x: tensor<2x4x4x4xf32>, %w: tensor<4x3x2x2xf32>, %b: tensor<6xf32>) -> tensor<2x6x8x8xf32> {
  %0 = kiln.conv_transpose %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<2x4x4x4xf32>, tensor<4x3x2x2xf32>, tensor<6xf32>) -> tensor<2x6x8x8xf32>
  return %0 : tensor<2x6x8x8xf32>
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
// the dims from axis on; both statistics are results. (A scale that
// broadcasts keeps the general lowering; a full one takes the row path of
// convert-kiln-to-linalg-rows.mlir.)
// CHECK-LABEL: func.func @layer_norm_two_pass(
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//       CHECK:     arith.subf
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   math.sqrt
//       CHECK:   return
func.func @layer_norm_two_pass(%x: tensor<2x3xf32>, %s: tensor<1xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %0, %1, %2 = kiln.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3xf32>, tensor<1xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
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
