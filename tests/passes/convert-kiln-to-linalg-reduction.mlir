// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize --verify-diagnostics | FileCheck %s

// convert-kiln-to-linalg on the Reduction group: reductions, arg-reductions,
// cumsum, top-k, softmax variants and losses.

// A reduction is one generic with the reduced dims as reduction loops and
// the result read at index 0 there; dropping the dims is a collapse_shape.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEPT:.+]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-LABEL: func.func @reduce_sum_drops_dims(
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<3x1x2xf32>)
//       CHECK:   %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[KEPT]]], iterator_types = ["parallel", "reduction", "parallel"]}
//  CHECK-SAME:       outs(%[[INIT]] : tensor<3x1x2xf32>)
//       CHECK:     arith.addf
//       CHECK:   tensor.collapse_shape %[[SUM]] {{\[}}[0], [1, 2]] : tensor<3x1x2xf32> into tensor<3x2xf32>
func.func @reduce_sum_drops_dims(%x: tensor<3x2x2xf32>) -> tensor<3x2xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x2x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Reducing every dim without keepdims collapses to a scalar.
// CHECK-LABEL: func.func @reduce_max_to_scalar(
//       CHECK:   arith.constant 0xFF800000 : f32
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
//       CHECK:     arith.maximumf
//       CHECK:   tensor.collapse_shape %{{.+}} [] : tensor<1x1xf32> into tensor<f32>
func.func @reduce_max_to_scalar(%x: tensor<2x3xf32>) -> tensor<f32> {
  %0 = kiln.reduce_max %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Integer min starts from the largest i32 and uses minsi.
// CHECK-LABEL: func.func @reduce_min_on_integers(
//       CHECK:   arith.constant 2147483647 : i32
//       CHECK:     arith.minsi
func.func @reduce_min_on_integers(%x: tensor<2x3xi32>) -> tensor<2x1xi32> {
  %0 = kiln.reduce_min %x {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2x1xi32>
  return %0 : tensor<2x1xi32>
}

// -----

// Mean divides the sum by the number of reduced elements (3 * 2).
// CHECK-LABEL: func.func @reduce_mean_divides_by_count(
//       CHECK:   arith.constant 6.000000e+00 : f32
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
//       CHECK:     arith.addf
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
//       CHECK:     arith.divf
func.func @reduce_mean_divides_by_count(%x: tensor<3x4x2xf32>) -> tensor<1x4x1xf32> {
  %0 = kiln.reduce_mean %x {axes = array<i64: 0, 2>} : (tensor<3x4x2xf32>) -> tensor<1x4x1xf32>
  return %0 : tensor<1x4x1xf32>
}

// -----

// log-sum-exp subtracts the max before exp and adds it back after log.
// CHECK-LABEL: func.func @reduce_log_sum_exp_is_stable(
//       CHECK:   %[[MAX:.+]] = linalg.generic
//       CHECK:     arith.maximumf
//       CHECK:   %[[SUM:.+]] = linalg.generic {{.*}} ins(%{{.+}}, %[[MAX]] : tensor<3x2xf64>, tensor<1x2xf64>)
//       CHECK:     arith.subf
//       CHECK:     math.exp
//       CHECK:     arith.addf
//       CHECK:   linalg.generic {{.*}} ins(%[[SUM]], %[[MAX]] : tensor<1x2xf64>, tensor<1x2xf64>)
//       CHECK:     math.log
//       CHECK:     arith.addf
func.func @reduce_log_sum_exp_is_stable(%x: tensor<3x2xf64>) -> tensor<1x2xf64> {
  %0 = kiln.reduce_log_sum_exp %x {axes = array<i64: 0>} : (tensor<3x2xf64>) -> tensor<1x2xf64>
  return %0 : tensor<1x2xf64>
}

// -----

// L1, L2 and sum-square transform each element before adding.
// CHECK-LABEL: func.func @norms(
//       CHECK:     math.absf
//       CHECK:     arith.addf
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:     math.sqrt
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:     arith.mulf
func.func @norms(%x: tensor<4xf32>) -> (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) {
  %0 = kiln.reduce_l1 %x {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<1xf32>
  %1 = kiln.reduce_l2 %x {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<1xf32>
  %2 = kiln.reduce_sum_square %x {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<1xf32>
  %3 = kiln.reduce_prod %x {axes = array<i64: 0>} : (tensor<4xf32>) -> tensor<1xf32>
  return %0, %1, %2, %3 : tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>
}

// -----

// ArgMax keeps the best value and its index; a strict compare keeps the
// first maximum, a non-strict one (select_last_index) the last.
// CHECK-LABEL: func.func @arg_max_first_and_last(
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.cmpf ogt
//       CHECK:     linalg.index 1
//       CHECK:   tensor.collapse_shape
//       CHECK:   linalg.generic
//       CHECK:     arith.cmpf oge
func.func @arg_max_first_and_last(%x: tensor<2x3xf32>) -> (tensor<2xi64>, tensor<2x1xi64>) {
  %0 = kiln.arg_max %x {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  %1 = kiln.arg_max %x {axis = 1 : i64, select_last_index = true} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0, %1 : tensor<2xi64>, tensor<2x1xi64>
}

// -----

// ArgMin on integers: signed compares.
// CHECK-LABEL: func.func @arg_min_on_integers(
//       CHECK:     arith.cmpi slt
func.func @arg_min_on_integers(%x: tensor<2x3xi64>) -> tensor<1x3xi64> {
  %0 = kiln.arg_min %x {axis = 0 : i64} : (tensor<2x3xi64>) -> tensor<1x3xi64>
  return %0 : tensor<1x3xi64>
}

// -----

// CumSum: a second loop j over the axis, taken when j <= i (exclusive:
// j < i; reverse: j >= i).
// CHECK-DAG: #[[J:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[I:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cumsum(
//       CHECK:   linalg.generic {indexing_maps = [#[[J]], #[[I]]], iterator_types = ["parallel", "parallel", "reduction"]}
//       CHECK:     %[[I1:.+]] = linalg.index 1
//       CHECK:     %[[J2:.+]] = linalg.index 2
//       CHECK:     arith.cmpi sle, %[[J2]], %[[I1]]
//       CHECK:   linalg.generic
//       CHECK:     arith.cmpi sgt
//       CHECK:     arith.addi
func.func @cumsum(%x: tensor<2x5xf32>, %y: tensor<5xi32>) -> (tensor<2x5xf32>, tensor<5xi32>) {
  %0 = kiln.cumsum %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %1 = kiln.cumsum %y {axis = 0 : i64, exclusive = true, reverse = true} : (tensor<5xi32>) -> tensor<5xi32>
  return %0, %1 : tensor<2x5xf32>, tensor<5xi32>
}

// -----

// TopK ranks each element (larger, or equal with a lower index, comes
// first), then picks the element of rank p for output position p.
// CHECK-LABEL: func.func @top_k(
//       CHECK:   %[[RANKS:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:     arith.cmpf ogt
//       CHECK:     arith.cmpf oeq
//       CHECK:     arith.cmpi ult
//       CHECK:   } -> tensor<3x4xi64>
//       CHECK:   linalg.generic {{.*}} ins(%{{.+}}, %[[RANKS]] : tensor<3x4xf32>, tensor<3x4xi64>)
//       CHECK:     arith.cmpi eq
//       CHECK:   } -> (tensor<3x2xf32>, tensor<3x2xi64>)
func.func @top_k(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = kiln.top_k %x {axis = 1 : i64, k = 2 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// Smallest-k compares the other way.
// CHECK-LABEL: func.func @top_k_smallest(
//       CHECK:     arith.cmpf olt
func.func @top_k_smallest(%x: tensor<4xf32>) -> (tensor<1xf32>, tensor<1xi64>) {
  %v, %i = kiln.top_k %x {axis = 0 : i64, k = 1 : i64, largest = false} : (tensor<4xf32>) -> (tensor<1xf32>, tensor<1xi64>)
  return %v, %i : tensor<1xf32>, tensor<1xi64>
}

// -----

// Softmax subtracts the max, exponentiates, and divides by the sum (along a
// non-last axis: the general lowering; the last axis takes the row path of
// convert-kiln-to-linalg-rows.mlir).
// CHECK-LABEL: func.func @softmax(
//       CHECK:     arith.maximumf
//       CHECK:     arith.subf
//       CHECK:     math.exp
//       CHECK:     arith.addf
//       CHECK:     arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = kiln.softmax %x {axis = 0 : i64} : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Hardmax is the first argmax, then a one-hot compare with the loop index.
// CHECK-LABEL: func.func @hardmax(
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
//       CHECK:     arith.cmpf ogt
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
//       CHECK:     linalg.index 0
//       CHECK:     arith.cmpi eq
//       CHECK:     arith.select
func.func @hardmax(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.hardmax %x {axis = 0 : i64} : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// NLL gathers input[n, t, d] and weight[t] (t clamped to [0, C)), zeroes
// ignored elements, then divides the weighted sum by the sum of weights.
// CHECK-LABEL: func.func @nll_loss_mean(
//  CHECK-SAME:     %[[X:.+]]: tensor<3x5x2xf32>, %[[T:.+]]: tensor<3x2xi64>, %[[W:.+]]: tensor<5xf32>
//       CHECK:   linalg.generic {{.*}} ins(%[[T]] : tensor<3x2xi64>)
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     tensor.extract %[[X]]
//       CHECK:     tensor.extract %[[W]]
//       CHECK:     arith.negf
//       CHECK:     arith.cmpi eq
//       CHECK:     arith.select
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
//       CHECK:   } -> (tensor<f32>, tensor<f32>)
//       CHECK:   linalg.generic
//       CHECK:     arith.divf
func.func @nll_loss_mean(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %0 = kiln.nll_loss %x, %t, %w {ignore_index = 1 : i64} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// reduction = "none" returns the per-element losses without reducing.
// CHECK-LABEL: func.func @nll_loss_none(
//       CHECK:   %[[L:.+]]:2 = linalg.generic
//       CHECK-NOT: iterator_types = ["reduction"
//       CHECK:   return %[[L]]#0
func.func @nll_loss_none(%x: tensor<3x5xf32>, %t: tensor<3xi32>) -> tensor<3xf32> {
  %0 = kiln.nll_loss %x, %t {reduction = "none"} : (tensor<3x5xf32>, tensor<3xi32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Softmax cross-entropy is log-softmax along dim 1, then the NLL loss; the
// log-probabilities are the second result.
// CHECK-LABEL: func.func @sce(
//       CHECK:     math.exp
//       CHECK:     arith.addf
//       CHECK:   %[[LOGP:.+]] = linalg.generic
//       CHECK:     math.log
//       CHECK:     arith.subf
//       CHECK:     tensor.extract %[[LOGP]]
//       CHECK:   return %{{.+}}, %[[LOGP]]
func.func @sce(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> (tensor<f32>, tensor<3x5xf32>) {
  %0:2 = kiln.softmax_cross_entropy_loss %x, %t {reduction = "sum"} : (tensor<3x5xf32>, tensor<3xi64>) -> (tensor<f32>, tensor<3x5xf32>)
  return %0#0, %0#1 : tensor<f32>, tensor<3x5xf32>
}

// -----

// Unsigned integers are not converted: the op stays illegal.
func.func @reduce_sum_on_unsigned(%x: tensor<4xui8>) -> tensor<1xui8> {
  // expected-error @+1 {{failed to legalize operation 'kiln.reduce_sum'}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<4xui8>) -> tensor<1xui8>
  return %0 : tensor<1xui8>
}
