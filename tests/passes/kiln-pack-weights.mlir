// RUN: kiln-opt %s --split-input-file --kiln-pack-weights | FileCheck %s

// A constant B given transposed is stored transposed; trans_b is cleared.
// CHECK-LABEL: func.func @transposes_b(
//       CHECK:   %[[W:.+]] = kiln.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
//       CHECK:   kiln.gemm %arg0, %[[W]], %{{[^ ]+}} : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
func.func @transposes_b(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %y = kiln.gemm %x, %w, %b {trans_b = true}
      : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Large weights become a resource blob (as imported weights are); a constant
// A given transposed is transposed too, and f64 keeps its type.
// CHECK-LABEL: func.func @transposes_a_f64_blob(
//       CHECK:   %[[A:.+]] = kiln.constant dense_resource<t_packed_weight{{.*}}> : tensor<2x16xf64>
//       CHECK:   kiln.gemm %[[A]], %arg0 : (tensor<2x16xf64>
func.func @transposes_a_f64_blob(%x: tensor<16x3xf64>) -> tensor<2x3xf64> {
  %a = kiln.constant dense<0.5> : tensor<16x2xf64>
  %y = kiln.gemm %a, %x {trans_a = true}
      : (tensor<16x2xf64>, tensor<16x3xf64>) -> tensor<2x3xf64>
  return %y : tensor<2x3xf64>
}

// -----

// Left alone: a transposed operand that is not a constant.
// CHECK-LABEL: func.func @not_constant(
//       CHECK:   kiln.gemm %arg0, %arg1 {trans_b = true}
func.func @not_constant(%x: tensor<4x3xf32>, %w: tensor<2x3xf32>) -> tensor<4x2xf32> {
  %y = kiln.gemm %x, %w {trans_b = true}
      : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
