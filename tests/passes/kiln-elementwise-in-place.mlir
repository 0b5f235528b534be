// RUN: kiln-opt %s --split-input-file --kiln-elementwise-in-place | FileCheck %s

#id = affine_map<(d0) -> (d0)>

// The second op reads %a, which nothing else uses: it writes over it.
// CHECK-LABEL: func.func @writes_over_a_dead_input(
//       CHECK:   %[[A:.+]] = linalg.generic
//       CHECK:   linalg.generic {{.*}} ins(%[[A]] : tensor<64xf32>) outs(%[[A]] : tensor<64xf32>)
func.func @writes_over_a_dead_input(%x: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %e2 = tensor.empty() : tensor<64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e2 : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %b : tensor<64xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// Must not overwrite a function argument (the caller's input), nor a value
// that is used again later.
// CHECK-LABEL: func.func @keeps_arguments_and_live_values(
//       CHECK:   %[[E:.+]] = tensor.empty
//       CHECK:   %[[A:.+]] = linalg.generic {{.*}} outs(%[[E]] : tensor<64xf32>)
//       CHECK:   %[[E2:.+]] = tensor.empty
//       CHECK:   linalg.generic {{.*}} ins(%[[A]] : tensor<64xf32>) outs(%[[E2]] : tensor<64xf32>)
func.func @keeps_arguments_and_live_values(%x: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %e2 = tensor.empty() : tensor<64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e2 : tensor<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %a, %b : tensor<64xf32>, tensor<64xf32>
}

// -----

// Must not reuse a broadcast input (read at another index than written), nor
// fire on a reduction.
// CHECK-LABEL: func.func @keeps_broadcasts_and_reductions(
//   CHECK-NOT:   outs(%{{.+}} : tensor<4x1xf32>) ->
//       CHECK:   linalg.generic {{.*}} outs(%{{.+}} : tensor<4x3xf32>)
func.func @keeps_broadcasts_and_reductions(%x: tensor<4x1xf32>) -> tensor<4x3xf32> {
  %e = tensor.empty() : tensor<4x1xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x1xf32>) outs(%e : tensor<4x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x1xf32>
  %e2 = tensor.empty() : tensor<4x3xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x1xf32>) outs(%e2 : tensor<4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x3xf32>
  return %b : tensor<4x3xf32>
}
