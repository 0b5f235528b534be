// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of the ops of ir/ops/Activation.td and of kiln.einsum, in their
// custom form and, via the second RUN line, their generic form. Attributes
// equal to their ODS default are elided.

// Parameterised activations keep non-default attributes and drop defaults.
// CHECK-LABEL: func.func @parameterised(
//       CHECK:   kiln.leaky_relu %{{.+}} {alpha = 1.000000e-01 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.leaky_relu %{{.+}} : tensor<2x8xf32>
//       CHECK:   kiln.elu %{{.+}} {alpha = 2.000000e+00 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.selu %{{.+}} {alpha = 2.000000e+00 : f32, gamma = 3.000000e+00 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.selu %{{.+}} : tensor<2x8xf32>
//       CHECK:   kiln.celu %{{.+}} {alpha = 2.000000e+00 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.hard_sigmoid %{{.+}} {alpha = 5.000000e-01 : f32, beta = 6.000000e-01 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.thresholded_relu %{{.+}} {alpha = 2.000000e+00 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.shrink %{{.+}} {bias = 1.500000e+00 : f32, lambd = 1.500000e+00 : f32} : tensor<2x8xf32>
//       CHECK:   kiln.shrink %{{.+}} : tensor<2x8xf32>
func.func @parameterised(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %0 = kiln.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x8xf32>
  %1 = kiln.leaky_relu %x {alpha = 0.01 : f32} : tensor<2x8xf32>
  %2 = kiln.elu %x {alpha = 2.0 : f32} : tensor<2x8xf32>
  %3 = kiln.selu %x {alpha = 2.0 : f32, gamma = 3.0 : f32} : tensor<2x8xf32>
  %4 = kiln.selu %x : tensor<2x8xf32>
  %5 = kiln.celu %x {alpha = 2.0 : f32} : tensor<2x8xf32>
  %6 = kiln.hard_sigmoid %x {alpha = 0.5 : f32, beta = 0.6 : f32} : tensor<2x8xf32>
  %7 = kiln.thresholded_relu %x {alpha = 2.0 : f32} : tensor<2x8xf32>
  %8 = kiln.shrink %x {bias = 1.5 : f32, lambd = 1.5 : f32} : tensor<2x8xf32>
  %9 = kiln.shrink %x : tensor<2x8xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}

// Activations without parameters, on f32, f64 and f16.
// CHECK-LABEL: func.func @plain(
//       CHECK:   kiln.hard_swish %{{.+}} : tensor<3xf32>
//       CHECK:   kiln.softplus %{{.+}} : tensor<3xf64>
//       CHECK:   kiln.softsign %{{.+}} : tensor<3xf16>
func.func @plain(%a: tensor<3xf32>, %b: tensor<3xf64>, %c: tensor<3xf16>) -> (tensor<3xf32>, tensor<3xf64>, tensor<3xf16>) {
  %0 = kiln.hard_swish %a : tensor<3xf32>
  %1 = kiln.softplus %b : tensor<3xf64>
  %2 = kiln.softsign %c : tensor<3xf16>
  return %0, %1, %2 : tensor<3xf32>, tensor<3xf64>, tensor<3xf16>
}

// PRelu with an equal-shape slope, a broadcast slope and integers.
// CHECK-LABEL: func.func @prelu(
//       CHECK:   kiln.prelu %{{.+}}, %{{.+}} : (tensor<3x4x5xf32>, tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
//       CHECK:   kiln.prelu %{{.+}}, %{{.+}} : (tensor<3x4x5xf32>, tensor<4x1xf32>) -> tensor<3x4x5xf32>
//       CHECK:   kiln.prelu %{{.+}}, %{{.+}} : (tensor<6xi32>, tensor<1xi32>) -> tensor<6xi32>
func.func @prelu(%x: tensor<3x4x5xf32>, %s: tensor<3x4x5xf32>, %t: tensor<4x1xf32>, %i: tensor<6xi32>, %j: tensor<1xi32>) -> (tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<6xi32>) {
  %0 = kiln.prelu %x, %s : (tensor<3x4x5xf32>, tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  %1 = kiln.prelu %x, %t : (tensor<3x4x5xf32>, tensor<4x1xf32>) -> tensor<3x4x5xf32>
  %2 = kiln.prelu %i, %j : (tensor<6xi32>, tensor<1xi32>) -> tensor<6xi32>
  return %0, %1, %2 : tensor<3x4x5xf32>, tensor<3x4x5xf32>, tensor<6xi32>
}

// Trigonometric and hyperbolic functions.
// CHECK-LABEL: func.func @trigonometry(
//       CHECK:   kiln.sin %{{.+}} : tensor<4xf32>
//       CHECK:   kiln.cos
//       CHECK:   kiln.tan
//       CHECK:   kiln.asin
//       CHECK:   kiln.acos
//       CHECK:   kiln.atan
//       CHECK:   kiln.sinh
//       CHECK:   kiln.cosh
//       CHECK:   kiln.asinh
//       CHECK:   kiln.acosh
//       CHECK:   kiln.atanh %{{.+}} : tensor<4xf64>
func.func @trigonometry(%x: tensor<4xf32>, %d: tensor<4xf64>) -> (tensor<4xf32>, tensor<4xf64>) {
  %0 = kiln.sin %x : tensor<4xf32>
  %1 = kiln.cos %0 : tensor<4xf32>
  %2 = kiln.tan %1 : tensor<4xf32>
  %3 = kiln.asin %2 : tensor<4xf32>
  %4 = kiln.acos %3 : tensor<4xf32>
  %5 = kiln.atan %4 : tensor<4xf32>
  %6 = kiln.sinh %5 : tensor<4xf32>
  %7 = kiln.cosh %6 : tensor<4xf32>
  %8 = kiln.asinh %7 : tensor<4xf32>
  %9 = kiln.acosh %8 : tensor<4xf32>
  %10 = kiln.atanh %d : tensor<4xf64>
  return %9, %10 : tensor<4xf32>, tensor<4xf64>
}

// Einsum: a batched matrix product, a batched diagonal, a full contraction
// to a scalar, three operands, and integers.
// CHECK-LABEL: func.func @einsum(
//       CHECK:   kiln.einsum "bij,bjk->bik" %{{.+}}, %{{.+}} : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
//       CHECK:   kiln.einsum "Aii->Ai" %{{.+}} : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
//       CHECK:   kiln.einsum "i,i->" %{{.+}}, %{{.+}} : (tensor<5xf32>, tensor<5xf32>) -> tensor<f32>
//       CHECK:   kiln.einsum "ij,jk,kl->il" %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
//       CHECK:   kiln.einsum "ij->ji" %{{.+}} : (tensor<3x4xi64>) -> tensor<4x3xi64>
func.func @einsum(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>, %c: tensor<3x5x5xf64>,
                  %v: tensor<5xf32>, %p: tensor<2x3xf32>, %q: tensor<3x4xf32>, %r: tensor<4x5xf32>,
                  %i: tensor<3x4xi64>) {
  %0 = kiln.einsum "bij,bjk->bik" %a, %b : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
  %1 = kiln.einsum "Aii->Ai" %c : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
  %2 = kiln.einsum "i,i->" %v, %v : (tensor<5xf32>, tensor<5xf32>) -> tensor<f32>
  %3 = kiln.einsum "ij,jk,kl->il" %p, %q, %r : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  %4 = kiln.einsum "ij->ji" %i : (tensor<3x4xi64>) -> tensor<4x3xi64>
  return
}
