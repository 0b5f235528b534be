// RUN: kiln-opt %s --split-input-file --canonicalize | FileCheck %s

// Folders of the data-movement ops: constant inputs of any element type
// (the ONNX importer relies on them to make shape arithmetic constant), and
// the identities.

// CHECK-LABEL: func.func @fold_concat_i64(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[2, 3, -1]> : tensor<3xi64>
//   CHECK-NOT:   kiln.concat
//       CHECK:   return %[[C]]
func.func @fold_concat_i64() -> tensor<3xi64> {
  %a = kiln.constant dense<[2, 3]> : tensor<2xi64>
  %b = kiln.constant dense<-1> : tensor<1xi64>
  %e = kiln.constant dense<> : tensor<0xi64>
  %0 = kiln.concat %a, %e, %b {axis = 0 : i64} : (tensor<2xi64>, tensor<0xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Along an inner axis, rows interleave.
// CHECK-LABEL: func.func @fold_concat_f32_axis1(
//       CHECK:   kiln.constant dense<{{\[}}[1.000000e+00, 5.000000e+00], [2.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
func.func @fold_concat_f32_axis1() -> tensor<2x2xf32> {
  %a = kiln.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %b = kiln.constant dense<5.0> : tensor<2x1xf32>
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// A negative step reads backwards.
// CHECK-LABEL: func.func @fold_slice_negative_step(
//       CHECK:   kiln.constant dense<[5, 3, 1]> : tensor<3xi32>
func.func @fold_slice_negative_step() -> tensor<3xi32> {
  %a = kiln.constant dense<[0, 1, 2, 3, 4, 5]> : tensor<6xi32>
  %0 = kiln.slice %a {sizes = array<i64: 3>, starts = array<i64: 5>, steps = array<i64: -2>} : (tensor<6xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// A whole-tensor slice is its input, constant or not.
// CHECK-LABEL: func.func @fold_slice_whole(
//  CHECK-SAME:     %[[X:.+]]: tensor<2x3xf32>
//       CHECK:   return %[[X]]
func.func @fold_slice_whole(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.slice %x {sizes = array<i64: 2, 3>, starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_expand(
//       CHECK:   kiln.constant dense<1.500000e+00> : tensor<2x4xf32>
//       CHECK:   kiln.constant dense<{{\[}}[1, 2], [1, 2], [1, 2]]> : tensor<3x2xi64>
//   CHECK-NOT:   kiln.expand
func.func @fold_expand() -> (tensor<2x4xf32>, tensor<3x2xi64>) {
  %s = kiln.constant dense<1.5> : tensor<f32>
  %0 = kiln.expand %s {shape = array<i64: 2, 4>} : (tensor<f32>) -> tensor<2x4xf32>
  %v = kiln.constant dense<[1, 2]> : tensor<2xi64>
  %1 = kiln.expand %v {shape = array<i64: 3, 1>} : (tensor<2xi64>) -> tensor<3x2xi64>
  return %0, %1 : tensor<2x4xf32>, tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_transpose(
//       CHECK:   kiln.constant dense<{{\[}}[1, 3], [2, 4]]> : tensor<2x2xi64>
func.func @fold_transpose() -> tensor<2x2xi64> {
  %a = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %0 = kiln.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x2xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// CHECK-LABEL: func.func @fold_flatten(
//       CHECK:   kiln.constant dense<{{\[}}[1, 2, 3, 4]]> : tensor<1x4xi64>
func.func @fold_flatten() -> tensor<1x4xi64> {
  %a = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %0 = kiln.flatten %a {axis = 0 : i64} : (tensor<2x2xi64>) -> tensor<1x4xi64>
  return %0 : tensor<1x4xi64>
}

// -----

// Runtime inputs do not fold.
// CHECK-LABEL: func.func @keeps_runtime_concat(
//       CHECK:   kiln.concat
func.func @keeps_runtime_concat(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<4xf32> {
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
