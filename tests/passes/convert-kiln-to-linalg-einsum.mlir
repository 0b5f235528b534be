// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// kiln.einsum becomes one linalg.generic: a loop per letter, the result's
// letters first (parallel), the summed ones after (reduction).

// A batched matrix product: b, i, k parallel; j reduced into a zero fill.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @batch_matmul(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<5x2x3xf64>, %[[Y:[^:]+]]: tensor<5x3x4xf64>
//       CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f64
//       CHECK:   %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f64)
//       CHECK:   linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
//  CHECK-SAME:       ins(%[[X]], %[[Y]] : tensor<5x2x3xf64>, tensor<5x3x4xf64>) outs(%[[FILL]] : tensor<5x2x4xf64>)
//  CHECK-NEXT:   ^bb0(%[[L:.+]]: f64, %[[R:.+]]: f64, %[[ACC:.+]]: f64):
//       CHECK:     %[[P:.+]] = arith.mulf %[[L]], %[[R]] : f64
//       CHECK:     %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f64
//       CHECK:     linalg.yield %[[S]]
func.func @batch_matmul(%x: tensor<5x2x3xf64>, %y: tensor<5x3x4xf64>) -> tensor<5x2x4xf64> {
  %0 = kiln.einsum "bij,bjk->bik" %x, %y : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  return %0 : tensor<5x2x4xf64>
}

// -----

// A transpose sums nothing: no fill, no add, the element is yielded.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @transpose(
//   CHECK-NOT:   linalg.fill
//       CHECK:   %[[EMPTY:.+]] = tensor.empty() : tensor<4x3xf64>
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:       outs(%[[EMPTY]] : tensor<4x3xf64>)
//  CHECK-NEXT:   ^bb0(%[[V:.+]]: f64, %{{.+}}: f64):
//  CHECK-NEXT:     linalg.yield %[[V]]
func.func @transpose(%x: tensor<3x4xf64>) -> tensor<4x3xf64> {
  %0 = kiln.einsum "ij->ji" %x : (tensor<3x4xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

// A repeated letter reads a diagonal: (A, i) -> x[A, i, i].
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1) -> (d0, d1, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @batch_diagonal(
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel"]}
func.func @batch_diagonal(%x: tensor<3x5x5xf64>) -> tensor<3x5xf64> {
  %0 = kiln.einsum "Aii->Ai" %x : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
  return %0 : tensor<3x5xf64>
}

// -----

// An inner product reduces to a rank-0 result.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @inner_product(
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], #[[IN]], #[[OUT]]], iterator_types = ["reduction"]}
//  CHECK-SAME:       outs(%{{.+}} : tensor<f64>)
func.func @inner_product(%x: tensor<5xf64>, %y: tensor<5xf64>) -> tensor<f64> {
  %0 = kiln.einsum "i,i->" %x, %y : (tensor<5xf64>, tensor<5xf64>) -> tensor<f64>
  return %0 : tensor<f64>
}

// -----

// Three operands multiply together; a size-1 dim broadcasts (reads index 0).
// CHECK-DAG: #[[P:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2)>
// CHECK-DAG: #[[Q:.+]] = affine_map<(d0, d1, d2, d3) -> (0, d3)>
// CHECK-DAG: #[[R:.+]] = affine_map<(d0, d1, d2, d3) -> (d3, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @three_operands_integers(
//       CHECK:   linalg.generic {indexing_maps = [#[[P]], #[[Q]], #[[R]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
//  CHECK-NEXT:   ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %[[C:.+]]: i32, %[[ACC:.+]]: i32):
//       CHECK:     %[[AB:.+]] = arith.muli %[[A]], %[[B]] : i32
//       CHECK:     %[[ABC:.+]] = arith.muli %[[AB]], %[[C]] : i32
//       CHECK:     arith.addi %[[ACC]], %[[ABC]] : i32
func.func @three_operands_integers(%p: tensor<2x3xi32>, %q: tensor<1x4xi32>, %r: tensor<4x5xi32>) -> tensor<2x5xi32> {
  %0 = kiln.einsum "ij,jk,kl->il" %p, %q, %r : (tensor<2x3xi32>, tensor<1x4xi32>, tensor<4x5xi32>) -> tensor<2x5xi32>
  return %0 : tensor<2x5xi32>
}
