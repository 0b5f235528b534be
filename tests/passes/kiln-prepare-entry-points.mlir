// RUN: kiln-opt %s --split-input-file --kiln-prepare-entry-points | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-prepare-entry-points --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" --buffer-results-to-out-params | FileCheck %s --check-prefix=BUFFERS

// Inputs are read-only; a returned argument gets its own copy.
// CHECK-LABEL: func.func @identity(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<4xf32> {bufferization.writable = false}
//       CHECK:   %[[COPY:.+]] = bufferization.alloc_tensor() copy(%[[X]]) : tensor<4xf32>
//       CHECK:   return %[[COPY]]
// BUFFERS-LABEL: func.func @identity(
//  BUFFERS-SAME:     %[[IN:[^:]+]]: memref<4xf32>, %[[OUT:[^:]+]]: memref<4xf32>)
//       BUFFERS:   memref.copy %[[IN]], %[[OUT]]
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A value returned twice: the second return gets a copy, the first keeps
// the value itself.
// CHECK-LABEL: func.func @returned_twice(
//       CHECK:   %[[E:.+]] = tensor.empty
//       CHECK:   %[[COPY:.+]] = bufferization.alloc_tensor() copy(%[[E]])
//       CHECK:   return %[[E]], %[[COPY]]
func.func @returned_twice() -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = tensor.empty() : tensor<4xf32>
  return %0, %0 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Must not copy distinct computed results, nor touch private helpers.
// CHECK-LABEL: func.func @distinct_results(
//   CHECK-NOT:   bufferization.alloc_tensor
// CHECK-LABEL: func.func private @helper(
//   CHECK-NOT:   bufferization.writable
func.func @distinct_results() -> (tensor<4xf32>, tensor<2xf32>) {
  %0 = tensor.empty() : tensor<4xf32>
  %1 = tensor.empty() : tensor<2xf32>
  return %0, %1 : tensor<4xf32>, tensor<2xf32>
}
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
