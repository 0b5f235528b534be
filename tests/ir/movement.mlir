// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of the data-movement ops of ir/ops/Movement.td and the pad
// modes.

// CHECK-LABEL: func.func @concat(
//       CHECK:   kiln.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @slice(
//       CHECK:   kiln.slice %{{.+}} {sizes = array<i64: 2, 3>, starts = array<i64: 0, 9>, steps = array<i64: 1, -3>} : (tensor<4x10xi64>) -> tensor<2x3xi64>
func.func @slice(%x: tensor<4x10xi64>) -> tensor<2x3xi64> {
  %0 = kiln.slice %x {sizes = array<i64: 2, 3>, starts = array<i64: 0, 9>, steps = array<i64: 1, -3>} : (tensor<4x10xi64>) -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// CHECK-LABEL: func.func @expand(
//       CHECK:   kiln.expand %{{.+}} {shape = array<i64: 2, 1, 6>} : (tensor<3x1xi1>) -> tensor<2x3x6xi1>
func.func @expand(%x: tensor<3x1xi1>) -> tensor<2x3x6xi1> {
  %0 = kiln.expand %x {shape = array<i64: 2, 1, 6>} : (tensor<3x1xi1>) -> tensor<2x3x6xi1>
  return %0 : tensor<2x3x6xi1>
}

// CHECK-LABEL: func.func @trilu(
//       CHECK:   kiln.trilu %{{.+}} {k = -1 : i64, upper = false} : (tensor<2x4x5xf64>) -> tensor<2x4x5xf64>
func.func @trilu(%x: tensor<2x4x5xf64>) -> tensor<2x4x5xf64> {
  %0 = kiln.trilu %x {k = -1 : i64, upper = false} : (tensor<2x4x5xf64>) -> tensor<2x4x5xf64>
  return %0 : tensor<2x4x5xf64>
}

// A run-time k is an operand (rank 0 or 1, one i64); without attribute or
// operand, k is 0.
// CHECK-LABEL: func.func @trilu_dynamic_k(
//       CHECK:   kiln.trilu %{{.+}} k(%{{.+}}) {upper = true} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
//       CHECK:   kiln.trilu %{{.+}} k(%{{.+}}) {upper = false} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<4x5xf32>
//       CHECK:   kiln.trilu %{{.+}} {upper = true} : (tensor<4x5xf32>) -> tensor<4x5xf32>
func.func @trilu_dynamic_k(%x: tensor<4x5xf32>, %k: tensor<i64>, %k1: tensor<1xi64>) -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) {
  %0 = kiln.trilu %x k(%k) {upper = true} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
  %1 = kiln.trilu %x k(%k1) {upper = false} : (tensor<4x5xf32>, tensor<1xi64>) -> tensor<4x5xf32>
  %2 = kiln.trilu %x {upper = true} : (tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0, %1, %2 : tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>
}

// A run-time constant-mode fill value is an operand.
// CHECK-LABEL: func.func @pad_dynamic_value(
//       CHECK:   kiln.pad %{{.+}} value(%{{.+}}) {pads = array<i64: 1, 0, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x6xf32>
//       CHECK:   kiln.pad %{{.+}} value(%{{.+}}) {pads = array<i64: 0, 1, 1, 0>} : (tensor<3x4xi64>, tensor<1xi64>) -> tensor<4x5xi64>
func.func @pad_dynamic_value(%x: tensor<3x4xf32>, %v: tensor<f32>, %i: tensor<3x4xi64>, %w: tensor<1xi64>) -> (tensor<4x6xf32>, tensor<4x5xi64>) {
  %0 = kiln.pad %x value(%v) {pads = array<i64: 1, 0, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x6xf32>
  %1 = kiln.pad %i value(%w) {pads = array<i64: 0, 1, 1, 0>} : (tensor<3x4xi64>, tensor<1xi64>) -> tensor<4x5xi64>
  return %0, %1 : tensor<4x6xf32>, tensor<4x5xi64>
}

// The default mode (constant) is elided; reflect and edge are printed.
// CHECK-LABEL: func.func @pad_modes(
//       CHECK:   kiln.pad %{{.+}} {pads = array<i64: 1, 0, 0, 2>, value = 5.000000e-01 : f64} : (tensor<3x4xf32>) -> tensor<4x6xf32>
//       CHECK:   kiln.pad %{{.+}} {mode = "reflect", pads = array<i64: 2, 0, 0, 3>} : (tensor<3x4xf32>) -> tensor<5x7xf32>
//       CHECK:   kiln.pad %{{.+}} {mode = "edge", pads = array<i64: 0, 4, 0, 0>} : (tensor<3x4xui8>) -> tensor<3x8xui8>
func.func @pad_modes(%x: tensor<3x4xf32>, %u: tensor<3x4xui8>) -> (tensor<4x6xf32>, tensor<5x7xf32>, tensor<3x8xui8>) {
  %0 = kiln.pad %x {pads = array<i64: 1, 0, 0, 2>, value = 0.5 : f64} : (tensor<3x4xf32>) -> tensor<4x6xf32>
  %1 = kiln.pad %x {mode = "reflect", pads = array<i64: 2, 0, 0, 3>} : (tensor<3x4xf32>) -> tensor<5x7xf32>
  %2 = kiln.pad %u {mode = "edge", pads = array<i64: 0, 4, 0, 0>} : (tensor<3x4xui8>) -> tensor<3x8xui8>
  return %0, %1, %2 : tensor<4x6xf32>, tensor<5x7xf32>, tensor<3x8xui8>
}
