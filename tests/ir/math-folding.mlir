// RUN: kiln-opt %s --split-input-file --canonicalize | FileCheck %s

// Folders of the elementwise math ops: constant operands (with broadcasting,
// i64 as in shape subgraphs, unsigned as unsigned) and identities.

// A PyTorch-style shape computation folds to one constant:
// Cast(i64 -> f32) -> Mul -> Floor -> Cast(f32 -> i64) -> Add.
// CHECK-LABEL: func.func @shape_subgraph_folds(
//       CHECK:   %[[C:.+]] = kiln.constant dense<[3, 7]> : tensor<2xi64>
//       CHECK:   return %[[C]]
//   CHECK-NOT:   kiln.cast
func.func @shape_subgraph_folds() -> tensor<2xi64> {
  %shape = kiln.constant dense<[4, 12]> : tensor<2xi64>
  %f = kiln.cast %shape : (tensor<2xi64>) -> tensor<2xf32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %m = kiln.mul %f, %half : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %fl = kiln.floor %m : tensor<2xf32>
  %i = kiln.cast %fl : (tensor<2xf32>) -> tensor<2xi64>
  %one = kiln.constant dense<1> : tensor<1xi64>
  %r = kiln.add %i, %one : (tensor<2xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}

// -----

// Integer division truncates toward zero; mod follows fmod's sign rule.
// CHECK-LABEL: func.func @integer_div_and_mod(
//   CHECK-DAG:   kiln.constant dense<[-3, 3, 3]> : tensor<3xi64>
//   CHECK-DAG:   kiln.constant dense<[2, -2, -1]> : tensor<3xi64>
//   CHECK-DAG:   kiln.constant dense<[-1, 1, -1]> : tensor<3xi64>
func.func @integer_div_and_mod() -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>) {
  %a = kiln.constant dense<[-7, 7, -7]> : tensor<3xi64>
  %b = kiln.constant dense<[2, 2, -2]> : tensor<3xi64>
  %b2 = kiln.constant dense<[3, -3, -3]> : tensor<3xi64>
  %d = kiln.div %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %m = kiln.mod %a, %b2 : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %f = kiln.mod %a, %b {fmod = true} : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %d, %m, %f : tensor<3xi64>, tensor<3xi64>, tensor<3xi64>
}

// -----

// Unsigned elements divide, compare and convert as unsigned.
// CHECK-LABEL: func.func @unsigned_folds(
//   CHECK-DAG:   kiln.constant dense<127> : tensor<2xui8>
//   CHECK-DAG:   kiln.constant dense<[false, true]> : tensor<2xi1>
//   CHECK-DAG:   kiln.constant dense<2.540000e+02> : tensor<2xf32>
func.func @unsigned_folds() -> (tensor<2xui8>, tensor<2xi1>, tensor<2xf32>) {
  %a = kiln.constant dense<254> : tensor<2xui8>
  %two = kiln.constant dense<2> : tensor<2xui8>
  %b = kiln.constant dense<[1, 255]> : tensor<2xui8>
  %d = kiln.div %a, %two : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %l = kiln.less %a, %b : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xi1>
  %f = kiln.cast %a : (tensor<2xui8>) -> tensor<2xf32>
  return %d, %l, %f : tensor<2xui8>, tensor<2xi1>, tensor<2xf32>
}

// -----

// Division by zero is left to run time.
// CHECK-LABEL: func.func @no_fold_div_by_zero(
//       CHECK:   kiln.div
func.func @no_fold_div_by_zero() -> tensor<2xi32> {
  %a = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %z = kiln.constant dense<[1, 0]> : tensor<2xi32>
  %d = kiln.div %a, %z : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %d : tensor<2xi32>
}

// -----

// Float max/min propagate NaN; comparisons with NaN are false.
// CHECK-LABEL: func.func @nan_folds(
//   CHECK-DAG:   kiln.constant dense<[0x7FC00000, 2.000000e+00]> : tensor<2xf32>
//   CHECK-DAG:   kiln.constant dense<false> : tensor<2xi1>
func.func @nan_folds() -> (tensor<2xf32>, tensor<2xi1>) {
  %a = kiln.constant dense<[0x7FC00000, 1.0]> : tensor<2xf32>
  %b = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %m = kiln.max %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %c = kiln.greater %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return %m, %c : tensor<2xf32>, tensor<2xi1>
}

// -----

// Round is half to even; sign, abs, neg, not, is_inf fold too.
// CHECK-LABEL: func.func @unary_folds(
//   CHECK-DAG:   kiln.constant dense<[2.000000e+00, -2.000000e+00, 4.000000e+00]> : tensor<3xf32>
//   CHECK-DAG:   kiln.constant dense<[1.000000e+00, -1.000000e+00, 1.000000e+00]> : tensor<3xf32>
//   CHECK-DAG:   kiln.constant dense<[5, 0, 9]> : tensor<3xi32>
//   CHECK-DAG:   kiln.constant dense<[true, false]> : tensor<2xi1>
//   CHECK-DAG:   kiln.constant dense<[false, true, false]> : tensor<3xi1>
func.func @unary_folds() -> (tensor<3xf32>, tensor<3xf32>, tensor<3xi32>, tensor<2xi1>, tensor<3xi1>) {
  %x = kiln.constant dense<[2.5, -2.5, 3.5]> : tensor<3xf32>
  %r = kiln.round %x : tensor<3xf32>
  %s = kiln.sign %x : tensor<3xf32>
  %i = kiln.constant dense<[-5, 0, 9]> : tensor<3xi32>
  %a = kiln.abs %i : tensor<3xi32>
  %b = kiln.constant dense<[false, true]> : tensor<2xi1>
  %n = kiln.not %b : tensor<2xi1>
  %inf = kiln.constant dense<[0x7F800000, 0xFF800000, 1.0]> : tensor<3xf32>
  %ii = kiln.is_inf %inf {detect_positive = false} : (tensor<3xf32>) -> tensor<3xi1>
  return %r, %s, %a, %n, %ii : tensor<3xf32>, tensor<3xf32>, tensor<3xi32>, tensor<2xi1>, tensor<3xi1>
}

// -----

// Identities: x * 1, integer x + 0, a same-type cast and a splat where.
// CHECK-LABEL: func.func @identities(
//  CHECK-SAME:     %[[X:.+]]: tensor<3xf32>, %[[I:.+]]: tensor<3xi64>, %[[Y:.+]]: tensor<3xf32>
//       CHECK:   return %[[X]], %[[I]], %[[X]], %[[Y]]
func.func @identities(%x: tensor<3xf32>, %i: tensor<3xi64>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi64>, tensor<3xf32>, tensor<3xf32>) {
  %one = kiln.constant dense<1.0> : tensor<3xf32>
  %m = kiln.mul %x, %one : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %zero = kiln.constant dense<0> : tensor<3xi64>
  %a = kiln.add %i, %zero : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %c = kiln.cast %x : (tensor<3xf32>) -> tensor<3xf32>
  %f = kiln.constant dense<false> : tensor<3xi1>
  %w = kiln.where %f, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %m, %a, %c, %w : tensor<3xf32>, tensor<3xi64>, tensor<3xf32>, tensor<3xf32>
}

// -----

// x + 0.0 is not x (for x = -0.0): must not fold.
// CHECK-LABEL: func.func @no_fold_add_positive_zero(
//       CHECK:   kiln.add
func.func @no_fold_add_positive_zero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %zero = kiln.constant dense<0.0> : tensor<3xf32>
  %a = kiln.add %x, %zero : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %a : tensor<3xf32>
}

// -----

// A constant cast to bf16 folds as the lowering computes it: the f32 value's
// low 16 bits dropped (0.48033667 is 0x3EF5EE8B: 0x3EF5, not 0x3EF6), NaN
// kept; integers go through f32 the same way (259 -> 258, not 260).
// CHECK-LABEL: func.func @bf16_cast_truncates(
//       CHECK:   kiln.constant dense<[4.785160e-01, 0x7FC0, -1.000000e+00]> : tensor<3xbf16>
//       CHECK:   kiln.constant dense<[2.580000e+02, -2.580000e+02]> : tensor<2xbf16>
func.func @bf16_cast_truncates() -> (tensor<3xbf16>, tensor<2xbf16>) {
  %f = kiln.constant dense<[0.48033667, 0x7FC00000, -1.0]> : tensor<3xf32>
  %b = kiln.cast %f : (tensor<3xf32>) -> tensor<3xbf16>
  %i = kiln.constant dense<[259, -259]> : tensor<2xi32>
  %c = kiln.cast %i : (tensor<2xi32>) -> tensor<2xbf16>
  return %b, %c : tensor<3xbf16>, tensor<2xbf16>
}
