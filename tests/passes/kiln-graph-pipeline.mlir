// RUN: kiln-opt %s --split-input-file --kiln-graph-pipeline | FileCheck %s
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(kiln-graph-pipeline)' | FileCheck %s

// The graph pipeline freezes params, canonicalizes and runs CSE.

// Two identical adds become one.
// CHECK-LABEL: func.func @cse_identical_adds(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<4xf32>, %[[Y:[^:]+]]: tensor<4xf32>
//       CHECK:   %[[ADD:.+]] = kiln.add %[[X]], %[[Y]]
//   CHECK-NOT:   kiln.add
//       CHECK:   %[[MUL:.+]] = kiln.mul %[[ADD]], %[[ADD]]
//       CHECK:   return %[[MUL]]
func.func @cse_identical_adds(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = kiln.mul %0, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Once frozen, a reshaped weight folds to a constant of the new shape.
// CHECK-LABEL: func.func @folds_reshape_of_frozen_param(
//   CHECK-NOT:   kiln.param
//       CHECK:   %[[W:.+]] = kiln.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
//   CHECK-NOT:   kiln.reshape
//       CHECK:   %[[Y:.+]] = kiln.matmul %{{.+}}, %[[W]]
//       CHECK:   return %[[Y]]
func.func @folds_reshape_of_frozen_param(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = kiln.param "w" = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = kiln.reshape %w : (tensor<4xf32>) -> tensor<2x2xf32>
  %1 = kiln.matmul %x, %0 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Arithmetic on frozen params constant-folds, and x * 1 disappears.
// CHECK-LABEL: func.func @folds_frozen_param_arithmetic(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2xf32>
//       CHECK:   %[[C:.+]] = kiln.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf32>
//  CHECK-NEXT:   %[[ADD:.+]] = kiln.add %[[X]], %[[C]]
//  CHECK-NEXT:   return %[[ADD]]
func.func @folds_frozen_param_arithmetic(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = kiln.param "a" = dense<[1.0, 2.0]> : tensor<2xf32>
  %b = kiln.param "b" = dense<[3.0, 4.0]> : tensor<2xf32>
  %one = kiln.param "one" = dense<1.0> : tensor<2xf32>
  %0 = kiln.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.mul %x, %one : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = kiln.add %1, %0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %2 : tensor<2xf32>
}

// -----

// Must not merge ops that differ in an operand or an attribute.
// CHECK-LABEL: func.func @keeps_distinct_ops(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3xf32>, %[[Y:[^:]+]]: tensor<2x3xf32>
//       CHECK:   %[[A:.+]] = kiln.add %[[X]], %[[Y]]
//       CHECK:   %[[B:.+]] = kiln.add %[[X]], %[[X]]
//       CHECK:   %[[S0:.+]] = kiln.softmax %[[A]] {axis = 0 : i64}
//       CHECK:   %[[S1:.+]] = kiln.softmax %[[A]] {axis = 1 : i64}
//       CHECK:   return %[[B]], %[[S0]], %[[S1]]
func.func @keeps_distinct_ops(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.add %x, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.add %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = kiln.softmax %0 {axis = 0 : i64} : tensor<2x3xf32>
  %3 = kiln.softmax %0 {axis = 1 : i64} : tensor<2x3xf32>
  return %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
