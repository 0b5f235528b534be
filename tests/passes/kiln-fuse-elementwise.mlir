// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --kiln-fuse-elementwise | FileCheck %s

// A bias add, a residual add and a ReLU: one loop nest.
// CHECK-LABEL: func.func @chain(
//       CHECK:   linalg.generic
//       CHECK:     arith.addf
//       CHECK:     arith.addf
//       CHECK:     arith.maximumf
//   CHECK-NOT:   linalg.generic
//       CHECK:   return
func.func @chain(%x: tensor<2x8xf32>, %b: tensor<8xf32>, %r: tensor<2x8xf32>)
    -> tensor<2x8xf32> {
  %0 = kiln.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = kiln.add %0, %r : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = kiln.relu %1 : tensor<2x8xf32>
  return %2 : tensor<2x8xf32>
}

// -----

// %0 has two users: fusing would compute it twice, so it stays.
// CHECK-LABEL: func.func @shared_producer(
// CHECK-COUNT-3: linalg.generic
func.func @shared_producer(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = kiln.add %x, %x : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = kiln.relu %0 : tensor<8xf32>
  %2 = kiln.tanh %0 : tensor<8xf32>
  return %1, %2 : tensor<8xf32>, tensor<8xf32>
}

// -----

// A reduction consumer (softmax's sums, along dim 0: the general lowering)
// is not fused into.
// CHECK-LABEL: func.func @before_reduction(
//       CHECK:   %[[T:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
//       CHECK:     math.tanh
//       CHECK:   linalg.generic {{.*}}ins(%[[T]]
func.func @before_reduction(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = kiln.tanh %x : tensor<2x8xf32>
  %1 = kiln.softmax %0 {axis = 0 : i64} : tensor<2x8xf32>
  return %1 : tensor<2x8xf32>
}
