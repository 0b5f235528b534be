// RUN: kiln-opt %s --split-input-file --canonicalize | FileCheck %s

// Shape subgraphs: Gather over constant shape vectors folds, with negative
// indices counting from the end.
// CHECK-LABEL: func.func @folds_constant_gather(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[4, 2]> : tensor<2xi64>
//       CHECK:   return %[[C]]
func.func @folds_constant_gather() -> tensor<2xi64> {
  %shape = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %i = kiln.constant dense<[-1, 1]> : tensor<2xi64>
  %0 = kiln.gather %shape, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Inner axis of a matrix with a scalar index; an out-of-range index clamps,
// as the lowering does.
// CHECK-LABEL: func.func @folds_gather_inner_axis(
//       CHECK:   kiln.constant dense<[3.000000e+00, 6.000000e+00]> : tensor<2xf32>
func.func @folds_gather_inner_axis() -> tensor<2xf32> {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %i = kiln.constant dense<7> : tensor<i32>
  %0 = kiln.gather %x, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Runtime indices: no fold.
// CHECK-LABEL: func.func @keeps_gather_with_runtime_indices(
//       CHECK:   kiln.gather
func.func @keeps_gather_with_runtime_indices(%i: tensor<2xi64>) -> tensor<2xi64> {
  %shape = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = kiln.gather %shape, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
