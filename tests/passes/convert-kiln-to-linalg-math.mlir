// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize | FileCheck %s

// Lowering of the elementwise math ops (passes/conversion/kiln-to-linalg/
// Elementwise.cpp): one generic each, with the arith op that matches the
// element type's signedness.

// Unsigned division is divui on signless scalars, cast around the body.
// CHECK-LABEL: func.func @div_unsigned(
//       CHECK:   linalg.generic
//       CHECK:   ^bb0(%[[A:.+]]: ui8, %[[B:.+]]: ui8, %{{.+}}: ui8):
//   CHECK-DAG:     %[[SA:.+]] = builtin.unrealized_conversion_cast %[[A]] : ui8 to i8
//   CHECK-DAG:     %[[SB:.+]] = builtin.unrealized_conversion_cast %[[B]] : ui8 to i8
//       CHECK:     %[[Q:.+]] = arith.divui %[[SA]], %[[SB]] : i8
//       CHECK:     %[[R:.+]] = builtin.unrealized_conversion_cast %[[Q]] : i8 to ui8
//       CHECK:     linalg.yield %[[R]] : ui8
func.func @div_unsigned(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  %0 = kiln.div %a, %b : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %0 : tensor<3xui8>
}

// -----

// Signed division stays divsi, with no casts (must not use divui).
// CHECK-LABEL: func.func @div_signed(
//   CHECK-NOT:   unrealized_conversion_cast
//       CHECK:   arith.divsi
//   CHECK-NOT:   arith.divui
func.func @div_signed(%a: tensor<3xi32>, %b: tensor<3xi32>) -> tensor<3xi32> {
  %0 = kiln.div %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// Comparisons pick the predicate by signedness and yield i1.
// CHECK-LABEL: func.func @compare(
//       CHECK:   arith.cmpf olt
//       CHECK:   arith.cmpi ult
//       CHECK:   arith.cmpi sge
func.func @compare(%a: tensor<3xf32>, %b: tensor<3xf32>, %u: tensor<3xui16>, %v: tensor<3xui16>, %i: tensor<3xi64>, %j: tensor<3xi64>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %0 = kiln.less %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  %1 = kiln.less %u, %v : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xi1>
  %2 = kiln.greater_equal %i, %j : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  return %0, %1, %2 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// Integer mod with fmod = false moves the remainder to the divisor's sign.
// CHECK-LABEL: func.func @mod_python_sign(
//       CHECK:   %[[R:.+]] = arith.remsi
//       CHECK:   %[[S:.+]] = arith.addi %[[R]]
//       CHECK:   arith.select %{{.+}}, %[[S]], %[[R]]
func.func @mod_python_sign(%a: tensor<3xi32>, %b: tensor<3xi32>) -> tensor<3xi32> {
  %0 = kiln.mod %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// Float fmod is remf alone.
// CHECK-LABEL: func.func @mod_float_fmod(
//       CHECK:   arith.remf
//   CHECK-NOT:   arith.select
func.func @mod_float_fmod(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.mod %a, %b {fmod = true} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Pow converts an integer exponent to the float base's type; an integer base
// goes through f64 and back.
// CHECK-LABEL: func.func @pow_types(
//       CHECK:   arith.sitofp %{{.+}} : i64 to f32
//       CHECK:   math.powf %{{.+}}, %{{.+}} : f32
//       CHECK:   arith.sitofp %{{.+}} : i32 to f64
//       CHECK:   arith.extf %{{.+}} : f32 to f64
//       CHECK:   math.powf %{{.+}}, %{{.+}} : f64
//       CHECK:   arith.fptosi %{{.+}} : f64 to i32
func.func @pow_types(%a: tensor<3xf32>, %e: tensor<3xi64>, %i: tensor<3xi32>) -> (tensor<3xf32>, tensor<3xi32>) {
  %0 = kiln.pow %a, %e : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  %1 = kiln.pow %i, %a : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xi32>
  return %0, %1 : tensor<3xf32>, tensor<3xi32>
}

// -----

// Casts: unsigned widens with extui and converts with uitofp; to bool is != 0.
// CHECK-LABEL: func.func @casts(
//       CHECK:   arith.extui %{{.+}} : i8 to i64
//       CHECK:   arith.uitofp %{{.+}} : i8 to f32
//       CHECK:   arith.cmpf une
//       CHECK:   arith.fptosi %{{.+}} : f32 to i16
//       CHECK:   arith.truncf %{{.+}} : f32 to f16
func.func @casts(%u: tensor<2xui8>, %f: tensor<2xf32>) -> (tensor<2xi64>, tensor<2xf32>, tensor<2xi1>, tensor<2xi16>, tensor<2xf16>) {
  %0 = kiln.cast %u : (tensor<2xui8>) -> tensor<2xi64>
  %1 = kiln.cast %u : (tensor<2xui8>) -> tensor<2xf32>
  %2 = kiln.cast %f : (tensor<2xf32>) -> tensor<2xi1>
  %3 = kiln.cast %f : (tensor<2xf32>) -> tensor<2xi16>
  %4 = kiln.cast %f : (tensor<2xf32>) -> tensor<2xf16>
  return %0, %1, %2, %3, %4 : tensor<2xi64>, tensor<2xf32>, tensor<2xi1>, tensor<2xi16>, tensor<2xf16>
}

// -----

// Casts to bf16 go through f32 and drop its low 16 bits (ONNX's opset <= 17
// reference truncates), keeping NaN quiet; from bf16, extf to f32 first.
// CHECK-LABEL: func.func @bf16_casts(
//       CHECK:   linalg.generic
//       CHECK:     %[[BITS:.+]] = arith.bitcast %{{.+}} : f32 to i32
//       CHECK:     %[[SHR:.+]] = arith.shrui %[[BITS]], %{{.+}} : i32
//       CHECK:     %[[HIGH:.+]] = arith.trunci %[[SHR]] : i32 to i16
//       CHECK:     %[[QUIET:.+]] = arith.ori %[[HIGH]], %{{.+}} : i16
//       CHECK:     %[[NAN:.+]] = arith.cmpf uno
//       CHECK:     %[[SEL:.+]] = arith.select %[[NAN]], %[[QUIET]], %[[HIGH]] : i16
//       CHECK:     arith.bitcast %[[SEL]] : i16 to bf16
//   CHECK-NOT:     arith.truncf
//       CHECK:   linalg.generic
//       CHECK:     arith.sitofp %{{.+}} : i32 to f32
//       CHECK:     arith.bitcast %{{.+}} : f32 to i32
//       CHECK:   linalg.generic
//       CHECK:     %[[W:.+]] = arith.extf %{{.+}} : bf16 to f32
//       CHECK:     arith.truncf %[[W]] : f32 to f16
//       CHECK:   linalg.generic
//       CHECK:     %[[W2:.+]] = arith.extf %{{.+}} : bf16 to f32
//       CHECK:     arith.fptosi %[[W2]] : f32 to i64
func.func @bf16_casts(%f: tensor<2xf32>, %i: tensor<2xi32>, %b: tensor<2xbf16>) -> (tensor<2xbf16>, tensor<2xbf16>, tensor<2xf16>, tensor<2xi64>) {
  %0 = kiln.cast %f : (tensor<2xf32>) -> tensor<2xbf16>
  %1 = kiln.cast %i : (tensor<2xi32>) -> tensor<2xbf16>
  %2 = kiln.cast %b : (tensor<2xbf16>) -> tensor<2xf16>
  %3 = kiln.cast %b : (tensor<2xbf16>) -> tensor<2xi64>
  return %0, %1, %2, %3 : tensor<2xbf16>, tensor<2xbf16>, tensor<2xf16>, tensor<2xi64>
}

// -----

// Unary math maps to the math dialect; round is roundeven; where is select.
// CHECK-LABEL: func.func @unary_and_where(
//       CHECK:   math.roundeven
//       CHECK:   math.erf
//       CHECK:   arith.cmpf uno
//       CHECK:   arith.select
func.func @unary_and_where(%x: tensor<2xf32>, %c: tensor<2xi1>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xi1>, tensor<2xf32>) {
  %0 = kiln.round %x : tensor<2xf32>
  %1 = kiln.erf %x : tensor<2xf32>
  %2 = kiln.is_nan %x : (tensor<2xf32>) -> tensor<2xi1>
  %3 = kiln.where %c, %x, %0 : (tensor<2xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xf32>, tensor<2xi1>, tensor<2xf32>
}

// -----

// Max and min propagate NaN (maximumf/minimumf, not maxnumf).
// CHECK-LABEL: func.func @max_min(
//       CHECK:   arith.maximumf
//       CHECK:   arith.minui
func.func @max_min(%x: tensor<2xf32>, %y: tensor<2xf32>, %u: tensor<2xui32>, %v: tensor<2xui32>) -> (tensor<2xf32>, tensor<2xui32>) {
  %0 = kiln.max %x, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.min %u, %v : (tensor<2xui32>, tensor<2xui32>) -> tensor<2xui32>
  return %0, %1 : tensor<2xf32>, tensor<2xui32>
}
