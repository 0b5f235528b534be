// RUN: kiln-opt %s --split-input-file --kiln-freeze-params --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// Every param becomes a constant with the same value and location, and its
// users read the constant.
// CHECK-LABEL: func.func @freezes_params(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x2xf32>
//   CHECK-NOT:   kiln.param
//   CHECK-DAG:   %[[W:.+]] = kiln.constant dense<1.000000e+00> : tensor<2x2xf32> loc("fc.weight")
//   CHECK-DAG:   %[[B:.+]] = kiln.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32> loc(fused["fc", "bias"])
//       CHECK:   %[[MUL:.+]] = kiln.mul %[[X]], %[[W]] {{.*}} loc("mul")
//       CHECK:   %[[ADD:.+]] = kiln.add %[[MUL]], %[[B]] {{.*}} loc("add")
//   CHECK-NOT:   kiln.param
//       CHECK:   return %[[ADD]]
func.func @freezes_params(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = kiln.param "fc.weight" = dense<1.0> : tensor<2x2xf32> loc("fc.weight")
  %b = kiln.param "fc.bias" = dense<[0.5, 2.0]> : tensor<2xf32> loc(fused["fc", "bias"])
  %0 = kiln.mul %x, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32> loc("mul")
  %1 = kiln.add %0, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32> loc("add")
  return %1 : tensor<2x2xf32>
}

// -----

// A resource-backed param keeps referring to its blob; integer params freeze too.
// CHECK-LABEL: func.func @freezes_resource_and_integer_params(
//   CHECK-NOT:   kiln.param
//       CHECK:   %[[R:.+]] = kiln.constant dense_resource<conv_w> : tensor<2xf32> loc("conv.weight")
//       CHECK:   %[[I:.+]] = kiln.constant dense<[1, 2]> : tensor<2xi64> loc("shape")
//       CHECK:   return %[[R]], %[[I]]
func.func @freezes_resource_and_integer_params() -> (tensor<2xf32>, tensor<2xi64>) {
  %r = kiln.param "conv.weight" = dense_resource<conv_w> : tensor<2xf32> loc("conv.weight")
  %i = kiln.param "shape" = dense<[1, 2]> : tensor<2xi64> loc("shape")
  return %r, %i : tensor<2xf32>, tensor<2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Params inside nested regions are frozen too.
// CHECK-LABEL: func.func @freezes_nested_params(
//       CHECK:   scf.if
//       CHECK:     %[[W:.+]] = kiln.constant dense<3.000000e+00> : tensor<4xf32> loc("nested.weight")
//       CHECK:     scf.yield %[[W]]
//   CHECK-NOT:   kiln.param
func.func @freezes_nested_params(%cond: i1, %x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = scf.if %cond -> tensor<4xf32> {
    %w = kiln.param "nested.weight" = dense<3.0> : tensor<4xf32> loc("nested.weight")
    scf.yield %w : tensor<4xf32>
  } else {
    scf.yield %x : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

// Freezing only replaces params: it does not fold what now became constant.
// CHECK-LABEL: func.func @does_not_fold(
//       CHECK:   %[[W:.+]] = kiln.constant dense<2.000000e+00> : tensor<4xf32>
//       CHECK:   %[[ADD:.+]] = kiln.add %[[W]], %[[W]]
//       CHECK:   return %[[ADD]]
func.func @does_not_fold() -> tensor<4xf32> {
  %w = kiln.param "w" = dense<2.0> : tensor<4xf32>
  %0 = kiln.add %w, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Must not change a function without params.
// CHECK-LABEL: func.func @without_params(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<4xf32>
//  CHECK-NEXT:   %[[C:.+]] = kiln.constant dense<1.000000e+00> : tensor<4xf32> loc("one")
//  CHECK-NEXT:   %[[ADD:.+]] = kiln.add %[[X]], %[[C]] {{.*}} loc("add")
//  CHECK-NEXT:   %[[RELU:.+]] = kiln.relu %[[ADD]] : tensor<4xf32> loc("relu")
//  CHECK-NEXT:   return %[[RELU]]
func.func @without_params(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = kiln.constant dense<1.0> : tensor<4xf32> loc("one")
  %0 = kiln.add %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("add")
  %1 = kiln.relu %0 : tensor<4xf32> loc("relu")
  return %1 : tensor<4xf32>
}
