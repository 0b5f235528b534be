// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Lowering of the data-movement ops (passes/conversion/kiln-to-linalg/Shape.cpp).

// Each input is inserted at its offset along the axis; an empty input
// inserts nothing.
// CHECK-LABEL: func.func @concat_inserts_slices(
//  CHECK-SAME:     %[[A:[^:]+]]: tensor<2x3xf32>, %[[B:[^:]+]]: tensor<2x0xf32>, %[[C:[^:]+]]: tensor<2x5xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<2x8xf32>
//       CHECK:   %[[I0:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
//       CHECK:   %[[I1:.+]] = tensor.insert_slice %[[C]] into %[[I0]][0, 3] [2, 5] [1, 1]
//       CHECK:   return %[[I1]]
func.func @concat_inserts_slices(%a: tensor<2x3xf32>, %b: tensor<2x0xf32>, %c: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = kiln.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Positive steps: one strided extract_slice.
// CHECK-LABEL: func.func @slice_positive_steps(
//       CHECK:   tensor.extract_slice %{{.+}}[1, 0] [2, 3] [1, 3] : tensor<4x10xf32> to tensor<2x3xf32>
//   CHECK-NOT:   linalg.generic
func.func @slice_positive_steps(%x: tensor<4x10xf32>) -> tensor<2x3xf32> {
  %0 = kiln.slice %x {sizes = array<i64: 2, 3>, starts = array<i64: 1, 0>, steps = array<i64: 1, 3>} : (tensor<4x10xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A negative step gathers: index 9 - 3 * j along dim 1.
// CHECK-LABEL: func.func @slice_negative_step(
//  CHECK-SAME:     %[[X:.+]]: tensor<4x10xf32>
//   CHECK-DAG:   %[[C9:.+]] = arith.constant 9 : index
//   CHECK-DAG:   %[[CM3:.+]] = arith.constant -3 : index
//       CHECK:   linalg.generic
//  CHECK-SAME:     outs(
//       CHECK:     %[[I:.+]] = linalg.index 0
//       CHECK:     %[[J:.+]] = linalg.index 1
//       CHECK:     %[[M:.+]] = arith.muli %[[J]], %[[CM3]]
//       CHECK:     %[[S:.+]] = arith.addi %[[M]], %[[C9]]
//       CHECK:     tensor.extract %[[X]][%[[I]], %[[S]]]
func.func @slice_negative_step(%x: tensor<4x10xf32>) -> tensor<4x3xf32> {
  %0 = kiln.slice %x {sizes = array<i64: 4, 3>, starts = array<i64: 0, 9>, steps = array<i64: 1, -3>} : (tensor<4x10xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Expand is a broadcasting copy.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @expand_broadcasts(
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]]
//       CHECK:     linalg.yield %{{.+}} : i64
func.func @expand_broadcasts(%x: tensor<3x1xi64>) -> tensor<2x3x6xi64> {
  %0 = kiln.expand %x {shape = array<i64: 2, 1, 6>} : (tensor<3x1xi64>) -> tensor<2x3x6xi64>
  return %0 : tensor<2x3x6xi64>
}

// -----

// Upper triangle from diagonal k = 1: keep where j - i >= 1.
// CHECK-LABEL: func.func @trilu_selects(
//   CHECK-DAG:   %[[ONE:.+]] = arith.constant 1 : index
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   linalg.generic
//       CHECK:     ^bb0(%[[V:.+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[I:.+]] = linalg.index 1
//       CHECK:     %[[J:.+]] = linalg.index 2
//       CHECK:     %[[D:.+]] = arith.subi %[[J]], %[[I]]
//       CHECK:     %[[K:.+]] = arith.cmpi sge, %[[D]], %[[ONE]]
//       CHECK:     arith.select %[[K]], %[[V]], %[[ZERO]]
func.func @trilu_selects(%x: tensor<2x4x5xf32>) -> tensor<2x4x5xf32> {
  %0 = kiln.trilu %x {k = 1 : i64, upper = true} : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %0 : tensor<2x4x5xf32>
}

// -----

// A run-time k is read once before the loop nest and compared as an index.
// CHECK-LABEL: func.func @trilu_runtime_k(
//  CHECK-SAME:     %[[X:.+]]: tensor<4x5xf32>, %[[K:.+]]: tensor<i64>
//       CHECK:   %[[KV:.+]] = tensor.extract %[[K]][] : tensor<i64>
//       CHECK:   %[[KI:.+]] = arith.index_cast %[[KV]] : i64 to index
//       CHECK:   linalg.generic
//       CHECK:     %[[I:.+]] = linalg.index 0
//       CHECK:     %[[J:.+]] = linalg.index 1
//       CHECK:     %[[D:.+]] = arith.subi %[[J]], %[[I]]
//       CHECK:     arith.cmpi sle, %[[D]], %[[KI]]
func.func @trilu_runtime_k(%x: tensor<4x5xf32>, %k: tensor<i64>) -> tensor<4x5xf32> {
  %0 = kiln.trilu %x k(%k) {upper = false} : (tensor<4x5xf32>, tensor<i64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// A run-time fill value is extracted and yielded by tensor.pad.
// CHECK-LABEL: func.func @pad_runtime_value(
//  CHECK-SAME:     %[[X:.+]]: tensor<3x4xf32>, %[[V:.+]]: tensor<1xf32>
//       CHECK:   %[[FILL:.+]] = tensor.extract %[[V]][%{{.+}}] : tensor<1xf32>
//       CHECK:   tensor.pad %[[X]] low[1, 0] high[0, 2]
//       CHECK:     tensor.yield %[[FILL]] : f32
//       CHECK:   } : tensor<3x4xf32> to tensor<4x6xf32>
func.func @pad_runtime_value(%x: tensor<3x4xf32>, %v: tensor<1xf32>) -> tensor<4x6xf32> {
  %0 = kiln.pad %x value(%v) {pads = array<i64: 1, 0, 0, 2>} : (tensor<3x4xf32>, tensor<1xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Edge pads clamp the source index into [0, dim - 1]; unpadded dims read
// their own index.
// CHECK-LABEL: func.func @pad_edge_clamps(
//  CHECK-SAME:     %[[X:.+]]: tensor<3x4xf32>
//       CHECK:   linalg.generic
//       CHECK:     %[[I:.+]] = linalg.index 0
//       CHECK:     %[[J:.+]] = linalg.index 1
//       CHECK:     %[[S:.+]] = arith.subi %[[J]], %{{.+}}
//       CHECK:     %[[LO:.+]] = arith.maxsi %[[S]], %{{.+}}
//       CHECK:     %[[HI:.+]] = arith.minsi %[[LO]], %{{.+}}
//       CHECK:     tensor.extract %[[X]][%[[I]], %[[HI]]]
func.func @pad_edge_clamps(%x: tensor<3x4xf32>) -> tensor<3x7xf32> {
  %0 = kiln.pad %x {mode = "edge", pads = array<i64: 0, 2, 0, 1>} : (tensor<3x4xf32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// Reflect pads mirror at both ends.
// CHECK-LABEL: func.func @pad_reflect_mirrors(
//       CHECK:   linalg.generic
//       CHECK:     arith.cmpi slt
//       CHECK:     arith.select
//       CHECK:     arith.cmpi sgt
//       CHECK:     arith.select
//       CHECK:     tensor.extract
func.func @pad_reflect_mirrors(%x: tensor<4xf32>) -> tensor<7xf32> {
  %0 = kiln.pad %x {mode = "reflect", pads = array<i64: 2, 1>} : (tensor<4xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// Constant pads stay tensor.pad.
// CHECK-LABEL: func.func @pad_constant_is_tensor_pad(
//       CHECK:   tensor.pad
//   CHECK-NOT:   linalg.generic
func.func @pad_constant_is_tensor_pad(%x: tensor<4xf32>) -> tensor<7xf32> {
  %0 = kiln.pad %x {pads = array<i64: 2, 1>, value = 1.0 : f64} : (tensor<4xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}
