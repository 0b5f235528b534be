// RUN: kiln-opt %s --split-input-file --canonicalize | FileCheck %s

// Every kiln folder: constant folding of binary ops, identities, and the
// shape ops that are no-ops.

// Float constants of the same type fold elementwise.
// CHECK-LABEL: func.func @fold_add_constants(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf32>
//   CHECK-NOT:   kiln.add
//       CHECK:   return %[[C]]
func.func @fold_add_constants() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = kiln.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %0 = kiln.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// sub folds lhs - rhs (not rhs - lhs).
// CHECK-LABEL: func.func @fold_sub_constants(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[-2.000000e+00, 1.000000e+00]> : tensor<2xf32>
//   CHECK-NOT:   kiln.sub
//       CHECK:   return %[[C]]
func.func @fold_sub_constants() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %b = kiln.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %0 = kiln.sub %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// mul folds splats too, here in f16.
// CHECK-LABEL: func.func @fold_mul_splat_constants(
//       CHECK:   %[[C:.+]] = kiln.constant dense<6.000000e+00> : tensor<2x2xf16>
//   CHECK-NOT:   kiln.mul
//       CHECK:   return %[[C]]
func.func @fold_mul_splat_constants() -> tensor<2x2xf16> {
  %a = kiln.constant dense<2.0> : tensor<2x2xf16>
  %b = kiln.constant dense<3.0> : tensor<2x2xf16>
  %0 = kiln.mul %a, %b : (tensor<2x2xf16>, tensor<2x2xf16>) -> tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}

// -----

// div folds lhs / rhs with IEEE semantics (1 / 0 is +inf).
// CHECK-LABEL: func.func @fold_div_constants(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[2.500000e-01, 0x7F800000]> : tensor<2xf32>
//   CHECK-NOT:   kiln.div
//       CHECK:   return %[[C]]
func.func @fold_div_constants() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = kiln.constant dense<[4.0, 0.0]> : tensor<2xf32>
  %0 = kiln.div %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Constants that broadcast fold to the broadcast result.
// CHECK-LABEL: func.func @folds_add_of_broadcast_constants(
//       CHECK:   %[[C:.+]] = kiln.constant dense<3.000000e+00> : tensor<2x3xf32>
//       CHECK:   return %[[C]]
func.func @folds_add_of_broadcast_constants() -> tensor<2x3xf32> {
  %a = kiln.constant dense<1.0> : tensor<3xf32>
  %b = kiln.constant dense<2.0> : tensor<2x3xf32>
  %0 = kiln.add %a, %b : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Integer constants fold too (shape arithmetic is i64).
// CHECK-LABEL: func.func @folds_add_of_integer_constants(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[4, 6]> : tensor<2xi32>
//       CHECK:   return %[[C]]
func.func @folds_add_of_integer_constants() -> tensor<2xi32> {
  %a = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %b = kiln.constant dense<[3, 4]> : tensor<2xi32>
  %0 = kiln.add %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// x + (-0.0), x - 0.0, x * 1 and x / 1 are x (IEEE-exact for every x), also
// with a scalar identity that broadcasts into x.
// CHECK-LABEL: func.func @fold_identities(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3xf32>
//   CHECK-NOT:   kiln.add
//   CHECK-NOT:   kiln.sub
//   CHECK-NOT:   kiln.mul
//   CHECK-NOT:   kiln.div
//       CHECK:   return %[[X]]
func.func @fold_identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %negzero = kiln.constant dense<-0.0> : tensor<2x3xf32>
  %zero = kiln.constant dense<0.0> : tensor<2x3xf32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.add %x, %negzero : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.sub %0, %zero : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = kiln.mul %1, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %3 = kiln.div %2, %one : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----

// add and mul commute, so a constant identity on the left folds as well.
// CHECK-LABEL: func.func @fold_identity_on_the_left(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<4xf32>
//   CHECK-NOT:   kiln.add
//   CHECK-NOT:   kiln.mul
//       CHECK:   return %[[X]]
func.func @fold_identity_on_the_left(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = kiln.constant dense<-0.0> : tensor<4xf32>
  %one = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.add %zero, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.mul %one, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Must not fire when sub and div have the identity on the left: 0 - x and 1 / x.
// CHECK-LABEL: func.func @keeps_sub_and_div_with_identity_on_the_left(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<4xf32>
//   CHECK-DAG:   %[[ZERO:.+]] = kiln.constant dense<0.000000e+00>
//   CHECK-DAG:   %[[ONE:.+]] = kiln.constant dense<1.000000e+00>
//       CHECK:   %[[SUB:.+]] = kiln.sub %[[ZERO]], %[[X]]
//       CHECK:   %[[DIV:.+]] = kiln.div %[[ONE]], %[[SUB]]
//       CHECK:   return %[[DIV]]
func.func @keeps_sub_and_div_with_identity_on_the_left(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = kiln.constant dense<0.0> : tensor<4xf32>
  %one = kiln.constant dense<1.0> : tensor<4xf32>
  %0 = kiln.sub %zero, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.div %one, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Must not fire when the identity broadcasts x to a larger shape.
// CHECK-LABEL: func.func @keeps_identity_that_broadcasts(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<3xf32>
//       CHECK:   %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<2x3xf32>
//       CHECK:   %[[ADD:.+]] = kiln.add %[[X]], %[[ZERO]] : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
//       CHECK:   return %[[ADD]]
func.func @keeps_identity_that_broadcasts(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = kiln.constant dense<0.0> : tensor<2x3xf32>
  %0 = kiln.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Integer identities fold as well: x + 0 is x.
// CHECK-LABEL: func.func @folds_integer_identity(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<4xi32>
//   CHECK-NOT:   kiln.add
//       CHECK:   return %[[X]]
func.func @folds_integer_identity(%x: tensor<4xi32>) -> tensor<4xi32> {
  %zero = kiln.constant dense<0> : tensor<4xi32>
  %0 = kiln.add %x, %zero : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Must not fire on x + 0.0: for x = -0.0 the sum is +0.0, not x.
// CHECK-LABEL: func.func @keeps_add_of_positive_zero(
//       CHECK:   kiln.add
func.func @keeps_add_of_positive_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = kiln.constant dense<0.0> : tensor<4xf32>
  %0 = kiln.add %x, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Must not fire when the constant is not the identity.
// CHECK-LABEL: func.func @keeps_mul_by_two(
//       CHECK:   kiln.mul
func.func @keeps_mul_by_two(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = kiln.constant dense<2.0> : tensor<4xf32>
  %0 = kiln.mul %x, %two : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Params are training state: an identity still folds away, but two params
// do not constant-fold.
// CHECK-LABEL: func.func @params_do_not_fold(
//   CHECK-NOT:   kiln.constant
//       CHECK:   %[[W:.+]] = kiln.param "w" = dense<2.000000e+00> : tensor<4xf32>
//  CHECK-NEXT:   %[[ADD:.+]] = kiln.add %[[W]], %[[W]]
//  CHECK-NEXT:   return %[[ADD]]
func.func @params_do_not_fold() -> tensor<4xf32> {
  %w = kiln.param "w" = dense<2.0> : tensor<4xf32>
  %zero = kiln.constant dense<-0.0> : tensor<4xf32>
  %0 = kiln.add %w, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.add %0, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// A reshape to the same type is its input.
// CHECK-LABEL: func.func @fold_reshape_same_type(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3xf32>
//   CHECK-NOT:   kiln.reshape
//       CHECK:   return %[[X]]
func.func @fold_reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A reshape of a reshape reads the inner reshape's input.
// CHECK-LABEL: func.func @fold_reshape_of_reshape(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3x4xf32>
//       CHECK:   %[[R:.+]] = kiln.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
//   CHECK-NOT:   kiln.reshape
//       CHECK:   return %[[R]]
func.func @fold_reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = kiln.reshape %x : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %1 = kiln.reshape %0 : (tensor<24xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A reshape back to the original shape disappears entirely.
// CHECK-LABEL: func.func @fold_reshape_round_trip(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3xui8>
//   CHECK-NOT:   kiln.reshape
//       CHECK:   return %[[X]]
func.func @fold_reshape_round_trip(%x: tensor<2x3xui8>) -> tensor<2x3xui8> {
  %0 = kiln.reshape %x : (tensor<2x3xui8>) -> tensor<6xui8>
  %1 = kiln.reshape %0 : (tensor<6xui8>) -> tensor<2x3xui8>
  return %1 : tensor<2x3xui8>
}

// -----

// A reshape of a constant is a constant of the new shape, integers included.
// CHECK-LABEL: func.func @fold_reshape_of_constant(
//       CHECK:   %[[C:.+]] = kiln.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
//   CHECK-NOT:   kiln.reshape
//       CHECK:   return %[[C]]
func.func @fold_reshape_of_constant() -> tensor<2x2xi64> {
  %c = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = kiln.reshape %c : (tensor<4xi64>) -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// Must not fire on a param: its value may change in training.
// CHECK-LABEL: func.func @keeps_reshape_of_param(
//       CHECK:   %[[W:.+]] = kiln.param "w"
//       CHECK:   %[[R:.+]] = kiln.reshape %[[W]]
//       CHECK:   return %[[R]]
func.func @keeps_reshape_of_param() -> tensor<2x2xf32> {
  %w = kiln.param "w" = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = kiln.reshape %w : (tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// Flattening a matrix at axis 1 changes nothing.
// CHECK-LABEL: func.func @fold_flatten_noop(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3xf32>
//   CHECK-NOT:   kiln.flatten
//       CHECK:   return %[[X]]
func.func @fold_flatten_noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.flatten %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Must not fire when flatten changes the shape.
// CHECK-LABEL: func.func @keeps_flatten(
//       CHECK:   kiln.flatten %{{.+}} {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
func.func @keeps_flatten(%x: tensor<2x3xf32>) -> tensor<1x6xf32> {
  %0 = kiln.flatten %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<1x6xf32>
  return %0 : tensor<1x6xf32>
}

// -----

// The identity permutation is a no-op.
// CHECK-LABEL: func.func @fold_identity_transpose(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3x4xi1>
//   CHECK-NOT:   kiln.transpose
//       CHECK:   return %[[X]]
func.func @fold_identity_transpose(%x: tensor<2x3x4xi1>) -> tensor<2x3x4xi1> {
  %0 = kiln.transpose %x {perm = array<i64: 0, 1, 2>} : (tensor<2x3x4xi1>) -> tensor<2x3x4xi1>
  return %0 : tensor<2x3x4xi1>
}

// -----

// Must not fire on a real permutation, even one that keeps the type.
// CHECK-LABEL: func.func @keeps_transpose(
//       CHECK:   kiln.transpose %{{.+}} {perm = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
func.func @keeps_transpose(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = kiln.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// All-zero pads are a no-op whatever the pad value.
// CHECK-LABEL: func.func @fold_zero_pad(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3xf32>
//   CHECK-NOT:   kiln.pad
//       CHECK:   return %[[X]]
func.func @fold_zero_pad(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.pad %x {pads = array<i64: 0, 0, 0, 0>, value = 1.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Must not fire when any pad is non-zero.
// CHECK-LABEL: func.func @keeps_pad(
//       CHECK:   kiln.pad %{{.+}} {pads = array<i64: 0, 0, 0, 1>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
func.func @keeps_pad(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %0 = kiln.pad %x {pads = array<i64: 0, 0, 0, 1>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
