// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of the NN group's ops (ir/ops/NN.td) in their custom form and,
// via the second RUN line, their generic form.

// CHECK-LABEL: func.func @conv_transpose(
//       CHECK:   kiln.conv_transpose %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>, tensor<8x4x4x4xf32>) -> tensor<1x4x8x8xf32>
//       CHECK:   kiln.conv_transpose %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 2>, group = 2 : i64, output_padding = array<i64: 1>, pads = array<i64: 0, -1>, strides = array<i64: 3>} : (tensor<1x4x3xf32>, tensor<4x3x2xf32>, tensor<6xf32>) -> tensor<1x6x11xf32>
func.func @conv_transpose(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x4x4xf32>,
                          %x1: tensor<1x4x3xf32>, %w1: tensor<4x3x2xf32>,
                          %b1: tensor<6xf32>)
    -> (tensor<1x4x8x8xf32>, tensor<1x6x11xf32>) {
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x4x4xf32>, tensor<8x4x4x4xf32>) -> tensor<1x4x8x8xf32>
  // 3 * (3 - 1) + 1 + 2 * (2 - 1) + 1 - 0 - (-1) = 11.
  %1 = kiln.conv_transpose %x1, %w1, %b1 {dilations = array<i64: 2>, group = 2 : i64, output_padding = array<i64: 1>, pads = array<i64: 0, -1>, strides = array<i64: 3>} : (tensor<1x4x3xf32>, tensor<4x3x2xf32>, tensor<6xf32>) -> tensor<1x6x11xf32>
  return %0, %1 : tensor<1x4x8x8xf32>, tensor<1x6x11xf32>
}

// CHECK-LABEL: func.func @pools(
//       CHECK:   kiln.max_pool_with_indices %{{.+}} {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
//       CHECK:   kiln.lp_pool %{{.+}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
//       CHECK:   kiln.global_max_pool %{{.+}} : (tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xf32>
func.func @pools(%x: tensor<1x1x4x4xf32>)
    -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<1x1x3x3xf32>,
        tensor<1x1x1x1xf32>) {
  %0, %1 = kiln.max_pool_with_indices %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 1 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  %2 = kiln.lp_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 3 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  %3 = kiln.global_max_pool %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xf32>
  return %0, %1, %2, %3 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>, tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>
}

// Attributes equal to their ODS default (epsilon 1e-5, momentum 0.9,
// stash_type 1, LRN's alpha, beta and bias) are elided.
// CHECK-LABEL: func.func @norms(
//       CHECK:   kiln.batch_norm_training %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {momentum = 5.000000e-01 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
//       CHECK:   kiln.instance_norm %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 0.00999999977 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
//       CHECK:   kiln.layer_norm %{{.+}}, %{{.+}}, %{{.+}} {axis = 2 : i64} : (tensor<2x3x4x5xf32>, tensor<5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>)
//       CHECK:   kiln.layer_norm %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>)
//       CHECK:   kiln.mean_variance_norm %{{.+}} {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
//       CHECK:   kiln.lrn %{{.+}} {size = 3 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
func.func @norms(%x: tensor<2x3x4x5xf32>, %c: tensor<3xf32>, %s: tensor<5xf32>,
                 %b: tensor<4x5xf32>, %full: tensor<2x3x4x5xf32>) {
  %0, %1, %2 = kiln.batch_norm_training %x, %c, %c, %c, %c {momentum = 0.5 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
  %3 = kiln.instance_norm %x, %c, %c {epsilon = 0.01 : f32} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  %4, %5, %6 = kiln.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32, stash_type = 1 : i64} : (tensor<2x3x4x5xf32>, tensor<5xf32>, tensor<4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>)
  %7, %8, %9 = kiln.layer_norm %x, %full {axis = 0 : i64} : (tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>)
  %10 = kiln.mean_variance_norm %x {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  %11 = kiln.lrn %x {size = 3 : i64} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return
}
