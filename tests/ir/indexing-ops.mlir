// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of the Indexing op group (ir/ops/Indexing.td).

// CHECK-LABEL: func.func @gathers(
//       CHECK:   kiln.gather %arg0, %arg1 {axis = 1 : i64} : (tensor<3x5xf32>, tensor<2x2xi64>) -> tensor<3x2x2xf32>
//       CHECK:   kiln.gather %arg0, %arg2 {axis = 0 : i64} : (tensor<3x5xf32>, tensor<i32>) -> tensor<5xf32>
//       CHECK:   kiln.gather_elements %arg0, %arg3 {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
//       CHECK:   kiln.gather_nd %arg0, %arg1 : (tensor<3x5xf32>, tensor<2x2xi64>) -> tensor<2xf32>
//       CHECK:   kiln.gather_nd %arg0, %arg4 {batch_dims = 1 : i64} : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3xf32>
func.func @gathers(%x: tensor<3x5xf32>, %i: tensor<2x2xi64>, %s: tensor<i32>,
                   %e: tensor<3x2xi64>, %b: tensor<3x1xi64>)
    -> (tensor<3x2x2xf32>, tensor<5xf32>, tensor<3x2xf32>, tensor<2xf32>, tensor<3xf32>) {
  %0 = kiln.gather %x, %i {axis = 1 : i64} : (tensor<3x5xf32>, tensor<2x2xi64>) -> tensor<3x2x2xf32>
  %1 = kiln.gather %x, %s {axis = 0 : i64} : (tensor<3x5xf32>, tensor<i32>) -> tensor<5xf32>
  %2 = kiln.gather_elements %x, %e {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %3 = kiln.gather_nd %x, %i : (tensor<3x5xf32>, tensor<2x2xi64>) -> tensor<2xf32>
  %4 = kiln.gather_nd %x, %b {batch_dims = 1 : i64} : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3xf32>
  return %0, %1, %2, %3, %4 : tensor<3x2x2xf32>, tensor<5xf32>, tensor<3x2xf32>, tensor<2xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @scatters(
//       CHECK:   kiln.scatter_elements %arg0, %arg1, %arg2 {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
//       CHECK:   kiln.scatter_elements %arg0, %arg1, %arg2 {axis = 0 : i64, reduction = "add"}
//       CHECK:   kiln.scatter_nd %arg0, %arg3, %arg4 {reduction = "mul"} : (tensor<3x5xf32>, tensor<2x1xi32>, tensor<2x5xf32>) -> tensor<3x5xf32>
func.func @scatters(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>,
                    %n: tensor<2x1xi32>, %v: tensor<2x5xf32>)
    -> (tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  %1 = kiln.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "add"} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  %2 = kiln.scatter_nd %x, %n, %v {reduction = "mul"} : (tensor<3x5xf32>, tensor<2x1xi32>, tensor<2x5xf32>) -> tensor<3x5xf32>
  return %0, %1, %2 : tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// CHECK-LABEL: func.func @one_hot_and_resize(
//       CHECK:   kiln.one_hot %arg0, %arg1 {axis = 0 : i64, depth = 4 : i64} : (tensor<3xf32>, tensor<2xi64>) -> tensor<4x3xi64>
//       CHECK:   kiln.resize %arg2 {coordinate_transformation_mode = "align_corners", cubic_coeff_a = -5.000000e-01 : f64, exclude_outside = true, extrapolation_value = 0.000000e+00 : f64, mode = "cubic", nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.000000e+00, 2.000000e+00>} : (tensor<2x3xf32>) -> tensor<2x6xf32>
func.func @one_hot_and_resize(%i: tensor<3xf32>, %v: tensor<2xi64>, %x: tensor<2x3xf32>)
    -> (tensor<4x3xi64>, tensor<2x6xf32>) {
  %0 = kiln.one_hot %i, %v {axis = 0 : i64, depth = 4 : i64} : (tensor<3xf32>, tensor<2xi64>) -> tensor<4x3xi64>
  %1 = kiln.resize %x {coordinate_transformation_mode = "align_corners", cubic_coeff_a = -0.5 : f64,
                       exclude_outside = true, extrapolation_value = 0.0 : f64, mode = "cubic",
                       nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0, %1 : tensor<4x3xi64>, tensor<2x6xf32>
}
