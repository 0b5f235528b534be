// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of every kiln op in its custom form and, via the second RUN line,
// its generic form. Attributes equal to their ODS default are elided.

// Dense, splat and resource constants keep their values and types.
// CHECK-LABEL: func.func @constant(
//       CHECK:   kiln.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
//       CHECK:   kiln.constant dense<7> : tensor<3xi64>
//       CHECK:   kiln.constant dense<[true, false]> : tensor<2xi1>
//       CHECK:   kiln.constant dense_resource<blob_i32> : tensor<2xi32>
func.func @constant() -> (tensor<2x2xf32>, tensor<3xi64>, tensor<2xi1>, tensor<2xi32>) {
  %0 = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = kiln.constant dense<7> : tensor<3xi64>
  %2 = kiln.constant dense<[true, false]> : tensor<2xi1>
  %3 = kiln.constant dense_resource<blob_i32> : tensor<2xi32>
  return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<3xi64>, tensor<2xi1>, tensor<2xi32>
}

// A param keeps its name and value; the result is named after the param.
// CHECK-LABEL: func.func @param(
//       CHECK:   %fc1.weight = kiln.param "fc1.weight" = dense<5.000000e-01> : tensor<8x4xf32>
//       CHECK:   %fc1.bias = kiln.param "fc1.bias" = dense_resource<blob_f32> : tensor<2xf32>
//       CHECK:   return %fc1.weight, %fc1.bias
func.func @param() -> (tensor<8x4xf32>, tensor<2xf32>) {
  %w = kiln.param "fc1.weight" = dense<0.5> : tensor<8x4xf32>
  %b = kiln.param "fc1.bias" = dense_resource<blob_f32> : tensor<2xf32>
  return %w, %b : tensor<8x4xf32>, tensor<2xf32>
}

// Binary ops with same shapes, NumPy broadcasting both ways, and integers.
// CHECK-LABEL: func.func @binary(
//  CHECK-SAME:     %[[A:[^:]+]]: tensor<4x1xf32>, %[[B:[^:]+]]: tensor<3xf32>, %[[I:[^:]+]]: tensor<2x3xi64>, %[[J:[^:]+]]: tensor<i64>
//       CHECK:   %[[ADD:.+]] = kiln.add %[[A]], %[[B]] : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
//       CHECK:   %[[SUB:.+]] = kiln.sub %[[ADD]], %[[B]] : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
//       CHECK:   %[[MUL:.+]] = kiln.mul %[[A]], %[[SUB]] : (tensor<4x1xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
//       CHECK:   %[[DIV:.+]] = kiln.div %[[MUL]], %[[MUL]] : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
//       CHECK:   %[[IADD:.+]] = kiln.add %[[I]], %[[J]] : (tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
//       CHECK:   return %[[DIV]], %[[IADD]]
func.func @binary(%a: tensor<4x1xf32>, %b: tensor<3xf32>, %i: tensor<2x3xi64>,
                  %j: tensor<i64>) -> (tensor<4x3xf32>, tensor<2x3xi64>) {
  %0 = kiln.add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = kiln.sub %0, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = kiln.mul %a, %1 : (tensor<4x1xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %3 = kiln.div %2, %2 : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %4 = kiln.add %i, %j : (tensor<2x3xi64>, tensor<i64>) -> tensor<2x3xi64>
  return %3, %4 : tensor<4x3xf32>, tensor<2x3xi64>
}

// Activations print only the operand type; softmax-like ops keep their axis.
// CHECK-LABEL: func.func @activations(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x8xf32>
//       CHECK:   %[[RELU:.+]] = kiln.relu %[[X]] : tensor<2x8xf32>
//       CHECK:   %[[SIG:.+]] = kiln.sigmoid %[[RELU]] : tensor<2x8xf32>
//       CHECK:   %[[TANH:.+]] = kiln.tanh %[[SIG]] : tensor<2x8xf32>
//       CHECK:   %[[SM:.+]] = kiln.softmax %[[TANH]] {axis = 1 : i64} : tensor<2x8xf32>
//       CHECK:   %[[LSM:.+]] = kiln.log_softmax %[[SM]] {axis = 0 : i64} : tensor<2x8xf32>
//       CHECK:   return %[[LSM]]
func.func @activations(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = kiln.relu %x : tensor<2x8xf32>
  %1 = kiln.sigmoid %0 : tensor<2x8xf32>
  %2 = kiln.tanh %1 : tensor<2x8xf32>
  %3 = kiln.softmax %2 {axis = 1 : i64} : tensor<2x8xf32>
  %4 = kiln.log_softmax %3 {axis = 0 : i64} : tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// Half-precision activations round-trip too.
// CHECK-LABEL: func.func @activations_f16(
//       CHECK:   kiln.relu %{{.+}} : tensor<3xf16>
func.func @activations_f16(%x: tensor<3xf16>) -> tensor<3xf16> {
  %0 = kiln.relu %x : tensor<3xf16>
  return %0 : tensor<3xf16>
}

// matmul: 2-D, batched with a broadcast batch dim, and each 1-D promotion.
// CHECK-LABEL: func.func @matmul(
//       CHECK:   kiln.matmul %{{.+}}, %{{.+}} : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
//       CHECK:   kiln.matmul %{{.+}}, %{{.+}} : (tensor<2x1x4x6xf32>, tensor<3x6x5xf32>) -> tensor<2x3x4x5xf32>
//       CHECK:   kiln.matmul %{{.+}}, %{{.+}} : (tensor<6xf32>, tensor<2x6x5xf32>) -> tensor<2x5xf32>
//       CHECK:   kiln.matmul %{{.+}}, %{{.+}} : (tensor<2x4x6xf32>, tensor<6xf32>) -> tensor<2x4xf32>
//       CHECK:   kiln.matmul %{{.+}}, %{{.+}} : (tensor<6xf32>, tensor<6xf32>) -> tensor<f32>
//       CHECK:   kiln.matmul %{{.+}}, %{{.+}} : (tensor<4x6xi32>, tensor<6x5xi32>) -> tensor<4x5xi32>
func.func @matmul(%a: tensor<4x6xf32>, %b: tensor<6x5xf32>, %c: tensor<2x1x4x6xf32>,
                  %d: tensor<3x6x5xf32>, %v: tensor<6xf32>, %e: tensor<2x6x5xf32>,
                  %f: tensor<2x4x6xf32>, %i: tensor<4x6xi32>, %j: tensor<6x5xi32>) {
  %0 = kiln.matmul %a, %b : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  %1 = kiln.matmul %c, %d : (tensor<2x1x4x6xf32>, tensor<3x6x5xf32>) -> tensor<2x3x4x5xf32>
  %2 = kiln.matmul %v, %e : (tensor<6xf32>, tensor<2x6x5xf32>) -> tensor<2x5xf32>
  %3 = kiln.matmul %f, %v : (tensor<2x4x6xf32>, tensor<6xf32>) -> tensor<2x4xf32>
  %4 = kiln.matmul %v, %v : (tensor<6xf32>, tensor<6xf32>) -> tensor<f32>
  %5 = kiln.matmul %i, %j : (tensor<4x6xi32>, tensor<6x5xi32>) -> tensor<4x5xi32>
  return
}

// gemm without C, with a broadcast C, and with transposes, alpha and beta.
// CHECK-LABEL: func.func @gemm(
//  CHECK-SAME:     %[[A:[^:]+]]: tensor<2x4xf32>, %[[B:[^:]+]]: tensor<4x8xf32>, %[[W:[^:]+]]: tensor<8x4xf32>, %[[C:[^:]+]]: tensor<8xf32>, %[[AT:[^:]+]]: tensor<4x2xf32>
//       CHECK:   kiln.gemm %[[A]], %[[B]] : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
//       CHECK:   kiln.gemm %[[A]], %[[B]], %[[C]] : (tensor<2x4xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
//       CHECK:   kiln.gemm %[[A]], %[[W]], %[[C]] {trans_b = true} : (tensor<2x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
//       CHECK:   kiln.gemm %[[AT]], %[[W]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_a = true, trans_b = true}
//  CHECK-SAME:       : (tensor<4x2xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
func.func @gemm(%a: tensor<2x4xf32>, %b: tensor<4x8xf32>, %w: tensor<8x4xf32>,
                %c: tensor<8xf32>, %at: tensor<4x2xf32>) {
  %0 = kiln.gemm %a, %b : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  %1 = kiln.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %2 = kiln.gemm %a, %w, %c {trans_b = true}
      : (tensor<2x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %3 = kiln.gemm %at, %w, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true}
      : (tensor<4x2xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// Shape ops on float, unsigned and boolean tensors.
// CHECK-LABEL: func.func @shape_ops(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<2x3x4xf32>, %[[U:[^:]+]]: tensor<2x3xui8>, %[[P:[^:]+]]: tensor<2x3x4xi1>
//       CHECK:   kiln.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
//       CHECK:   kiln.reshape %[[U]] : (tensor<2x3xui8>) -> tensor<6xui8>
//       CHECK:   kiln.flatten %[[X]] {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
//       CHECK:   kiln.flatten %[[X]] {axis = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
//       CHECK:   kiln.transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
//       CHECK:   kiln.transpose %[[P]] {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xi1>) -> tensor<3x2x4xi1>
func.func @shape_ops(%x: tensor<2x3x4xf32>, %u: tensor<2x3xui8>, %p: tensor<2x3x4xi1>) {
  %0 = kiln.reshape %x : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  %1 = kiln.reshape %u : (tensor<2x3xui8>) -> tensor<6xui8>
  %2 = kiln.flatten %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %3 = kiln.flatten %x {axis = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
  %4 = kiln.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %5 = kiln.transpose %p {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xi1>) -> tensor<3x2x4xi1>
  return
}

// pad with the default value (elided) and with an explicit one, on ints too.
// CHECK-LABEL: func.func @pad(
//       CHECK:   kiln.pad %{{.+}} {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
//       CHECK:   kiln.pad %{{.+}} {pads = array<i64: 1, 0, 2, 3>, value = -1.000000e+00 : f64} : (tensor<2x3xi32>) -> tensor<5x6xi32>
func.func @pad(%x: tensor<1x3x4x4xf32>, %i: tensor<2x3xi32>) {
  %0 = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f64}
      : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
  %1 = kiln.pad %i {pads = array<i64: 1, 0, 2, 3>, value = -1.0 : f64}
      : (tensor<2x3xi32>) -> tensor<5x6xi32>
  return
}

// conv with bias and padding; grouped and dilated without bias; 1-d strided.
// CHECK-LABEL: func.func @conv(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<1x4x8x8xf32>, %[[W:[^:]+]]: tensor<6x4x3x3xf32>, %[[B:[^:]+]]: tensor<6xf32>, %[[G:[^:]+]]: tensor<6x2x3x3xf32>, %[[X1:[^:]+]]: tensor<2x3x9xf32>, %[[W1:[^:]+]]: tensor<5x3x3xf32>
//       CHECK:   kiln.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
//  CHECK-SAME:       : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
//       CHECK:   kiln.conv %[[X]], %[[G]] {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
//  CHECK-SAME:       : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
//       CHECK:   kiln.conv %[[X1]], %[[W1]] {dilations = array<i64: 1>, group = 1 : i64, pads = array<i64: 1, 0>, strides = array<i64: 2>}
//  CHECK-SAME:       : (tensor<2x3x9xf32>, tensor<5x3x3xf32>) -> tensor<2x5x4xf32>
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>,
                %g: tensor<6x2x3x3xf32>, %x1: tensor<2x3x9xf32>, %w1: tensor<5x3x3xf32>) {
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                             pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
      : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
  %1 = kiln.conv %x, %g {dilations = array<i64: 2, 2>, group = 2 : i64,
                         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  %2 = kiln.conv %x1, %w1 {dilations = array<i64: 1>, group = 1 : i64,
                           pads = array<i64: 1, 0>, strides = array<i64: 2>}
      : (tensor<2x3x9xf32>, tensor<5x3x3xf32>) -> tensor<2x5x4xf32>
  return
}

// Pooling: floor and ceil mode, padding, global average.
// CHECK-LABEL: func.func @pooling(
//       CHECK:   kiln.max_pool %{{.+}} {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
//  CHECK-SAME:       : (tensor<1x6x28x28xf32>) -> tensor<1x6x14x14xf32>
//       CHECK:   kiln.max_pool %{{.+}} {ceil_mode = true, dilations = array<i64: 2>, kernel_shape = array<i64: 2>, pads = array<i64: 1, 0>, strides = array<i64: 2>}
//  CHECK-SAME:       : (tensor<1x2x9xf32>) -> tensor<1x2x5xf32>
//       CHECK:   kiln.average_pool %{{.+}} {ceil_mode = false, count_include_pad = false, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
//  CHECK-SAME:       : (tensor<1x16x10x10xf32>) -> tensor<1x16x5x5xf32>
//       CHECK:   kiln.average_pool %{{.+}} {ceil_mode = true, count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
//  CHECK-SAME:       : (tensor<1x16x10x10xf32>) -> tensor<1x16x6x6xf32>
//       CHECK:   kiln.global_average_pool %{{.+}} : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
func.func @pooling(%x: tensor<1x6x28x28xf32>, %y: tensor<1x2x9xf32>,
                   %z: tensor<1x16x10x10xf32>, %g: tensor<1x64x7x7xf32>) {
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
                         kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                         strides = array<i64: 2, 2>}
      : (tensor<1x6x28x28xf32>) -> tensor<1x6x14x14xf32>
  %1 = kiln.max_pool %y {ceil_mode = true, dilations = array<i64: 2>,
                         kernel_shape = array<i64: 2>, pads = array<i64: 1, 0>,
                         strides = array<i64: 2>}
      : (tensor<1x2x9xf32>) -> tensor<1x2x5xf32>
  %2 = kiln.average_pool %z {ceil_mode = false, count_include_pad = false,
                             kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                             strides = array<i64: 2, 2>}
      : (tensor<1x16x10x10xf32>) -> tensor<1x16x5x5xf32>
  %3 = kiln.average_pool %z {ceil_mode = true, count_include_pad = true,
                             kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
                             strides = array<i64: 2, 2>}
      : (tensor<1x16x10x10xf32>) -> tensor<1x16x6x6xf32>
  %4 = kiln.global_average_pool %g : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
  return
}

// Max pooling also takes 8-bit integers, signless (ONNX int8) and unsigned.
// CHECK-LABEL: func.func @max_pool_integers(
//       CHECK:   kiln.max_pool %{{.+}} {{.*}} : (tensor<1x1x5x5xui8>) -> tensor<1x1x5x5xui8>
//       CHECK:   kiln.max_pool %{{.+}} {{.*}} : (tensor<1x1x5x5xi8>) -> tensor<1x1x2x2xi8>
func.func @max_pool_integers(%u: tensor<1x1x5x5xui8>, %s: tensor<1x1x5x5xi8>) {
  %0 = kiln.max_pool %u {ceil_mode = false, dilations = array<i64: 1, 1>,
                         kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>,
                         strides = array<i64: 1, 1>}
      : (tensor<1x1x5x5xui8>) -> tensor<1x1x5x5xui8>
  %1 = kiln.max_pool %s {ceil_mode = false, dilations = array<i64: 1, 1>,
                         kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                         strides = array<i64: 2, 2>}
      : (tensor<1x1x5x5xi8>) -> tensor<1x1x2x2xi8>
  return
}

// batch_norm with the default epsilon (elided) and an explicit one.
// CHECK-LABEL: func.func @batch_norm(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<1x4x8x8xf32>, %[[S:[^:]+]]: tensor<4xf32>, %[[B:[^:]+]]: tensor<4xf32>, %[[M:[^:]+]]: tensor<4xf32>, %[[V:[^:]+]]: tensor<4xf32>
//       CHECK:   kiln.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] :
//  CHECK-SAME:       -> tensor<1x4x8x8xf32>
//       CHECK:   kiln.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {epsilon = 1.000000e-03 : f32} :
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>,
                      %m: tensor<4xf32>, %v: tensor<4xf32>) {
  %0 = kiln.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-5 : f32}
      : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> tensor<1x4x8x8xf32>
  %1 = kiln.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32}
      : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> tensor<1x4x8x8xf32>
  return
}

// The resource blobs survive both round-trips.
// CHECK:      dialect_resources
// CHECK:        blob_i32: "0x040000000100000002000000"
// CHECK:        blob_f32: "0x040000000000803F00000040"

{-#
  dialect_resources: {
    builtin: {
      blob_i32: "0x040000000100000002000000",
      blob_f32: "0x040000000000803F00000040"
    }
  }
#-}
