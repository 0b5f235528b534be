// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Lowering of the ops of ir/ops/Activation.td: each is one all-parallel
// generic over the result, with the ONNX parameters as constants.

// LeakyRelu selects alpha * x below zero; alpha is the attribute's value.
// CHECK-LABEL: func.func @leaky_relu(
//  CHECK-SAME:     %[[X:.+]]: tensor<2x8xf32>
//   CHECK-DAG:   %[[ALPHA:.+]] = arith.constant 1.000000e-01 : f32
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<2x8xf32>)
//  CHECK-NEXT:   ^bb0(%[[IN:[^:]+]]: f32, %{{.+}}: f32):
//   CHECK-DAG:     %[[SCALED:.+]] = arith.mulf %[[IN]], %[[ALPHA]] : f32
//   CHECK-DAG:     %[[NEG:.+]] = arith.cmpf olt, %[[IN]], %[[ZERO]] : f32
//       CHECK:     %[[SEL:.+]] = arith.select %[[NEG]], %[[SCALED]], %[[IN]] : f32
//       CHECK:     linalg.yield %[[SEL]]
//   CHECK-NOT:   kiln.
func.func @leaky_relu(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = kiln.leaky_relu %x {alpha = 0.1 : f32} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Elu uses expm1, which keeps precision for inputs near zero.
// CHECK-LABEL: func.func @elu(
//   CHECK-DAG:   %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
//       CHECK:   linalg.generic
//  CHECK-NEXT:   ^bb0(%[[IN:[^:]+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[E:.+]] = math.expm1 %[[IN]] : f32
//       CHECK:     %[[NEG:.+]] = arith.mulf %[[E]], %[[ALPHA]] : f32
//       CHECK:     arith.select %{{.+}}, %[[NEG]], %[[IN]] : f32
func.func @elu(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.elu %x {alpha = 2.0 : f32} : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Selu scales both branches by gamma; the default parameters are used when
// the attributes are absent.
// CHECK-LABEL: func.func @selu_defaults(
//   CHECK-DAG:   %[[ALPHA:.+]] = arith.constant 1.67326319 : f32
//   CHECK-DAG:   %[[GAMMA:.+]] = arith.constant 1.05070102 : f32
//       CHECK:   linalg.generic
//       CHECK:     %[[E:.+]] = math.expm1 %[[IN:.+]] : f32
//       CHECK:     arith.mulf %[[E]], %[[ALPHA]] : f32
//       CHECK:     arith.cmpf ogt
//       CHECK:     %[[SEL:.+]] = arith.select
//       CHECK:     arith.mulf %[[SEL]], %[[GAMMA]] : f32
func.func @selu_defaults(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.selu %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Celu is max(0, x) + min(0, alpha * expm1(x / alpha)), in f64 here.
// CHECK-LABEL: func.func @celu_f64(
//   CHECK-DAG:   %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f64
//       CHECK:   linalg.generic
//       CHECK:     %[[D:.+]] = arith.divf %[[IN:.+]], %[[ALPHA]] : f64
//       CHECK:     %[[E:.+]] = math.expm1 %[[D]] : f64
//       CHECK:     arith.mulf %[[E]], %[[ALPHA]] : f64
//       CHECK:     arith.maximumf
//       CHECK:     arith.minimumf
//       CHECK:     arith.addf
func.func @celu_f64(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = kiln.celu %x {alpha = 2.0 : f32} : tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// HardSigmoid clamps alpha * x + beta to [0, 1]; HardSwish multiplies x by
// the hard sigmoid with alpha = 1/6, beta = 1/2.
// CHECK-LABEL: func.func @hard_sigmoid_and_swish(
//   CHECK-DAG:   %[[A:.+]] = arith.constant 5.000000e-01 : f32
//   CHECK-DAG:   %[[B:.+]] = arith.constant 6.000000e-01 : f32
//   CHECK-DAG:   %[[SIXTH:.+]] = arith.constant 0.166666672 : f32
//       CHECK:   linalg.generic
//       CHECK:     %[[M:.+]] = arith.mulf %[[IN:.+]], %[[A]] : f32
//       CHECK:     %[[L:.+]] = arith.addf %[[M]], %[[B]] : f32
//       CHECK:     %[[U:.+]] = arith.minimumf %[[L]], %{{.+}} : f32
//       CHECK:     arith.maximumf %[[U]], %{{.+}} : f32
//       CHECK:   linalg.generic
//       CHECK:     %[[M2:.+]] = arith.mulf %[[IN2:.+]], %[[SIXTH]] : f32
//       CHECK:     %[[S:.+]] = arith.maximumf
//       CHECK:     arith.mulf %[[IN2]], %[[S]] : f32
func.func @hard_sigmoid_and_swish(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.hard_sigmoid %x {alpha = 0.5 : f32, beta = 0.6 : f32} : tensor<3xf32>
  %1 = kiln.hard_swish %x : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// Softplus is max(x, 0) + log1p(exp(-|x|)): exp never sees a large argument.
// CHECK-LABEL: func.func @softplus(
//       CHECK:   linalg.generic
//       CHECK:     %[[ABS:.+]] = math.absf %[[IN:.+]] : f32
//       CHECK:     %[[NEG:.+]] = arith.negf %[[ABS]] : f32
//       CHECK:     %[[E:.+]] = math.exp %[[NEG]] : f32
//       CHECK:     %[[L:.+]] = math.log1p %[[E]] : f32
//       CHECK:     %[[M:.+]] = arith.maximumf %[[IN]], %{{.+}} : f32
//       CHECK:     arith.addf %[[M]], %[[L]] : f32
func.func @softplus(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.softplus %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Softsign is x / (1 + |x|).
// CHECK-LABEL: func.func @softsign(
//       CHECK:   linalg.generic
//       CHECK:     %[[ABS:.+]] = math.absf %[[IN:.+]] : f32
//       CHECK:     %[[D:.+]] = arith.addf %[[ABS]], %{{.+}} : f32
//       CHECK:     arith.divf %[[IN]], %[[D]] : f32
func.func @softsign(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.softsign %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// ThresholdedRelu keeps x above alpha, else 0.
// CHECK-LABEL: func.func @thresholded_relu(
//   CHECK-DAG:   %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   linalg.generic
//       CHECK:     %[[GT:.+]] = arith.cmpf ogt, %[[IN:.+]], %[[ALPHA]] : f32
//       CHECK:     arith.select %[[GT]], %[[IN]], %[[ZERO]] : f32
func.func @thresholded_relu(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.thresholded_relu %x {alpha = 2.0 : f32} : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Shrink: x + bias below -lambd, x - bias above lambd, else 0.
// CHECK-LABEL: func.func @shrink(
//   CHECK-DAG:   %[[NLAMBD:.+]] = arith.constant -1.500000e+00 : f32
//   CHECK-DAG:   %[[LAMBD:.+]] = arith.constant 1.500000e+00 : f32
//       CHECK:   linalg.generic
//   CHECK-DAG:     %[[LO:.+]] = arith.cmpf olt, %[[IN:[^,]+]], %[[NLAMBD]] : f32
//   CHECK-DAG:     %[[HI:.+]] = arith.cmpf ogt, %[[IN]], %[[LAMBD]] : f32
//   CHECK-DAG:     %[[PLUS:.+]] = arith.addf %[[IN]], %[[BIAS:.+]] : f32
//   CHECK-DAG:     %[[MINUS:.+]] = arith.subf %[[IN]], %[[BIAS]] : f32
//       CHECK:     %[[INNER:.+]] = arith.select %[[HI]], %[[MINUS]], %{{.+}} : f32
//       CHECK:     arith.select %[[LO]], %[[PLUS]], %[[INNER]] : f32
func.func @shrink(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = kiln.shrink %x {bias = 1.0 : f32, lambd = 1.5 : f32} : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// PRelu reads the slope through a broadcasting map: [5] against [3, 4, 5].
// CHECK-DAG: #[[X:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[SLOPE:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @prelu_broadcast(
//  CHECK-SAME:     %[[IN:[^:]+]]: tensor<3x4x5xf32>, %[[S:[^:]+]]: tensor<5xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[X]], #[[SLOPE]], #[[X]]]{{.*}} ins(%[[IN]], %[[S]] : tensor<3x4x5xf32>, tensor<5xf32>)
//  CHECK-NEXT:   ^bb0(%[[A:[^:]+]]: f32, %[[B:[^:]+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[M:.+]] = arith.mulf %[[B]], %[[A]] : f32
//       CHECK:     arith.select %{{.+}}, %[[M]], %[[A]] : f32
func.func @prelu_broadcast(%x: tensor<3x4x5xf32>, %s: tensor<5xf32>) -> tensor<3x4x5xf32> {
  %0 = kiln.prelu %x, %s : (tensor<3x4x5xf32>, tensor<5xf32>) -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// PRelu on integers compares and multiplies as signed integers.
// CHECK-LABEL: func.func @prelu_integers(
//       CHECK:   linalg.generic
//       CHECK:     %[[NEG:.+]] = arith.cmpi slt, %[[A:[^,]+]], %{{.+}} : i32
//       CHECK:     %[[M:.+]] = arith.muli %{{.+}}, %[[A]] : i32
//       CHECK:     arith.select %[[NEG]], %[[M]], %[[A]] : i32
func.func @prelu_integers(%x: tensor<6xi32>, %s: tensor<1xi32>) -> tensor<6xi32> {
  %0 = kiln.prelu %x, %s : (tensor<6xi32>, tensor<1xi32>) -> tensor<6xi32>
  return %0 : tensor<6xi32>
}

// -----

// Trigonometric and hyperbolic functions map to the math op of that name,
// except f32 asin (see the next case).
// CHECK-LABEL: func.func @trigonometry(
//       CHECK:   math.sin %{{.+}} : f32
//       CHECK:   math.cos %{{.+}} : f32
//       CHECK:   math.tan %{{.+}} : f32
//       CHECK:   math.atan2 %{{.+}}, %{{.+}} : f32
//       CHECK:   math.acos %{{.+}} : f32
//       CHECK:   math.atan %{{.+}} : f32
//       CHECK:   math.sinh %{{.+}} : f32
//       CHECK:   math.cosh %{{.+}} : f32
//       CHECK:   math.asinh %{{.+}} : f32
//       CHECK:   math.acosh %{{.+}} : f32
//       CHECK:   math.atanh %{{.+}} : f64
//   CHECK-NOT:   kiln.
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

// -----

// f32 asin is atan2(x, sqrt((1 - x) * (1 + x))): kiln-approximate-math's
// polynomial for math.asin is not accurate near |x| = 1. f64 keeps math.asin
// (libm).
// CHECK-LABEL: func.func @asin(
//       CHECK:   linalg.generic
//  CHECK-NEXT:   ^bb0(%[[IN:[^:]+]]: f32, %{{.+}}: f32):
//   CHECK-DAG:     %[[LO:.+]] = arith.subf %[[ONE:[^,]+]], %[[IN]] : f32
//   CHECK-DAG:     %[[HI:.+]] = arith.addf %[[IN]], %[[ONE]] : f32
//       CHECK:     %[[SQ:.+]] = arith.mulf %[[LO]], %[[HI]] : f32
//       CHECK:     %[[COS:.+]] = math.sqrt %[[SQ]] : f32
//       CHECK:     math.atan2 %[[IN]], %[[COS]] : f32
//   CHECK-NOT:     math.asin
//       CHECK:   linalg.generic
//       CHECK:     math.asin %{{.+}} : f64
func.func @asin(%x: tensor<4xf32>, %d: tensor<4xf64>) -> (tensor<4xf32>, tensor<4xf64>) {
  %0 = kiln.asin %x : tensor<4xf32>
  %1 = kiln.asin %d : tensor<4xf64>
  return %0, %1 : tensor<4xf32>, tensor<4xf64>
}

// -----

// f32 sin and cos first reduce x modulo 2 pi in f64, so that the f32
// polynomial of kiln-approximate-math sees |x| <= pi; f64 calls math.sin
// directly.
// CHECK-LABEL: func.func @sin_reduces_period(
//   CHECK-DAG:   %[[INV:.+]] = arith.constant 0.15915494309189535 : f64
//   CHECK-DAG:   %[[TWOPI:.+]] = arith.constant 6.2831853071795862 : f64
//       CHECK:   linalg.generic
//  CHECK-NEXT:   ^bb0(%[[IN:[^:]+]]: f32, %{{.+}}: f32):
//       CHECK:     %[[XD:.+]] = arith.extf %[[IN]] : f32 to f64
//       CHECK:     %[[Q:.+]] = arith.mulf %[[XD]], %[[INV]] : f64
//       CHECK:     %[[K:.+]] = math.roundeven %[[Q]] : f64
//       CHECK:     %[[P:.+]] = arith.mulf %[[K]], %[[TWOPI]] : f64
//       CHECK:     %[[R:.+]] = arith.subf %[[XD]], %[[P]] : f64
//       CHECK:     %[[RF:.+]] = arith.truncf %[[R]] : f64 to f32
//       CHECK:     math.sin %[[RF]] : f32
//       CHECK:   linalg.generic
//  CHECK-NEXT:   ^bb0(%[[IND:[^:]+]]: f64, %{{.+}}: f64):
//  CHECK-NEXT:     math.cos %[[IND]] : f64
func.func @sin_reduces_period(%x: tensor<4xf32>, %d: tensor<4xf64>) -> (tensor<4xf32>, tensor<4xf64>) {
  %0 = kiln.sin %x : tensor<4xf32>
  %1 = kiln.cos %d : tensor<4xf64>
  return %0, %1 : tensor<4xf32>, tensor<4xf64>
}
