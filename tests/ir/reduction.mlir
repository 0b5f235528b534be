// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of the Reduction group's ops (ir/ops/Reduction.td) in custom and
// generic form. Attributes equal to their ODS default are elided.

// Every reduction keeps its axes; keepdims = true is the default.
// CHECK-LABEL: func.func @reductions(
//       CHECK:   kiln.reduce_sum %{{.+}} {axes = array<i64: 1>} : (tensor<3x2x2xf32>) -> tensor<3x1x2xf32>
//       CHECK:   kiln.reduce_mean %{{.+}} {axes = array<i64: 0, 2>, keepdims = false} : (tensor<3x2x2xf32>) -> tensor<2xf32>
//       CHECK:   kiln.reduce_max %{{.+}} {axes = array<i64: 0, 1, 2>, keepdims = false} : (tensor<3x2x2xf32>) -> tensor<f32>
//       CHECK:   kiln.reduce_min %{{.+}} {axes = array<i64>} : (tensor<3x2x2xi32>) -> tensor<3x2x2xi32>
//       CHECK:   kiln.reduce_prod
//       CHECK:   kiln.reduce_l1
//       CHECK:   kiln.reduce_l2
//       CHECK:   kiln.reduce_log_sum
//       CHECK:   kiln.reduce_log_sum_exp %{{.+}} {axes = array<i64: 2>} : (tensor<3x2x2xf64>) -> tensor<3x2x1xf64>
//       CHECK:   kiln.reduce_sum_square
func.func @reductions(%x: tensor<3x2x2xf32>, %i: tensor<3x2x2xi32>, %d: tensor<3x2x2xf64>) {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>} : (tensor<3x2x2xf32>) -> tensor<3x1x2xf32>
  %1 = kiln.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<3x2x2xf32>) -> tensor<2xf32>
  %2 = kiln.reduce_max %x {axes = array<i64: 0, 1, 2>, keepdims = false} : (tensor<3x2x2xf32>) -> tensor<f32>
  %3 = kiln.reduce_min %i {axes = array<i64>} : (tensor<3x2x2xi32>) -> tensor<3x2x2xi32>
  %4 = kiln.reduce_prod %x {axes = array<i64: 0>} : (tensor<3x2x2xf32>) -> tensor<1x2x2xf32>
  %5 = kiln.reduce_l1 %i {axes = array<i64: 0>} : (tensor<3x2x2xi32>) -> tensor<1x2x2xi32>
  %6 = kiln.reduce_l2 %x {axes = array<i64: 0>} : (tensor<3x2x2xf32>) -> tensor<1x2x2xf32>
  %7 = kiln.reduce_log_sum %x {axes = array<i64: 0>} : (tensor<3x2x2xf32>) -> tensor<1x2x2xf32>
  %8 = kiln.reduce_log_sum_exp %d {axes = array<i64: 2>} : (tensor<3x2x2xf64>) -> tensor<3x2x1xf64>
  %9 = kiln.reduce_sum_square %x {axes = array<i64: 0>} : (tensor<3x2x2xf32>) -> tensor<1x2x2xf32>
  return
}

// Arg-reductions give i64 indices.
// CHECK-LABEL: func.func @arg_reductions(
//       CHECK:   kiln.arg_max %{{.+}} {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
//       CHECK:   kiln.arg_min %{{.+}} {axis = 0 : i64, select_last_index = true} : (tensor<2x3xf32>) -> tensor<1x3xi64>
func.func @arg_reductions(%x: tensor<2x3xf32>) -> (tensor<2xi64>, tensor<1x3xi64>) {
  %0 = kiln.arg_max %x {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  %1 = kiln.arg_min %x {axis = 0 : i64, select_last_index = true} : (tensor<2x3xf32>) -> tensor<1x3xi64>
  return %0, %1 : tensor<2xi64>, tensor<1x3xi64>
}

// CHECK-LABEL: func.func @cumsum(
//       CHECK:   kiln.cumsum %{{.+}} {axis = 0 : i64, exclusive = true, reverse = true} : (tensor<5xf64>) -> tensor<5xf64>
func.func @cumsum(%x: tensor<5xf64>) -> tensor<5xf64> {
  %0 = kiln.cumsum %x {axis = 0 : i64, exclusive = true, reverse = true} : (tensor<5xf64>) -> tensor<5xf64>
  return %0 : tensor<5xf64>
}

// TopK has two results: values and i64 indices.
// CHECK-LABEL: func.func @top_k(
//       CHECK:   kiln.top_k %{{.+}} {axis = 1 : i64, k = 3 : i64, largest = false} : (tensor<3x4xf32>) -> (tensor<3x3xf32>, tensor<3x3xi64>)
func.func @top_k(%x: tensor<3x4xf32>) -> (tensor<3x3xf32>, tensor<3x3xi64>) {
  %v, %i = kiln.top_k %x {axis = 1 : i64, k = 3 : i64, largest = false} : (tensor<3x4xf32>) -> (tensor<3x3xf32>, tensor<3x3xi64>)
  return %v, %i : tensor<3x3xf32>, tensor<3x3xi64>
}

// CHECK-LABEL: func.func @hardmax(
//       CHECK:   kiln.hardmax %{{.+}} {axis = 1 : i64} : tensor<4x10xf32>
func.func @hardmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = kiln.hardmax %x {axis = 1 : i64} : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// Losses: reduction "mean" is the default, ignore_index is optional.
// CHECK-LABEL: func.func @losses(
//       CHECK:   kiln.nll_loss %{{.+}}, %{{.+}}, %{{.+}} {ignore_index = -1 : i64} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
//       CHECK:   kiln.nll_loss %{{.+}}, %{{.+}} {reduction = "none"} : (tensor<3x5x2xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
//       CHECK:   kiln.softmax_cross_entropy_loss %{{.+}}, %{{.+}} {reduction = "sum"} : (tensor<3x5x2xf32>, tensor<3x2xi32>) -> (tensor<f32>, tensor<3x5x2xf32>)
func.func @losses(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>, %t32: tensor<3x2xi32>) {
  %0 = kiln.nll_loss %x, %t, %w {ignore_index = -1 : i64} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  %1 = kiln.nll_loss %x, %t {reduction = "none"} : (tensor<3x5x2xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %2:2 = kiln.softmax_cross_entropy_loss %x, %t32 {reduction = "sum"} : (tensor<3x5x2xf32>, tensor<3x2xi32>) -> (tensor<f32>, tensor<3x5x2xf32>)
  return
}
