// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of the elementwise math, comparison, logic and cast ops
// (ir/ops/Math.td) in custom and generic form.

// Binary arithmetic broadcasts; mod keeps fmod, pow mixes element types.
// CHECK-LABEL: func.func @binary(
//       CHECK:   kiln.max %{{.+}}, %{{.+}} : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
//       CHECK:   kiln.min %{{.+}}, %{{.+}} : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
//       CHECK:   kiln.mod %{{.+}}, %{{.+}} {fmod = true} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
//       CHECK:   kiln.mod %{{.+}}, %{{.+}} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
//       CHECK:   kiln.pow %{{.+}}, %{{.+}} : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
//       CHECK:   kiln.div %{{.+}}, %{{.+}} : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
func.func @binary(%a: tensor<4x1xf32>, %b: tensor<3xf32>, %i: tensor<3xi32>,
                  %u: tensor<3xui8>, %e: tensor<3xi64>) {
  %0 = kiln.max %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = kiln.min %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = kiln.mod %i, %i {fmod = true} : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  %3 = kiln.mod %u, %u : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  %4 = kiln.pow %b, %e : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
  %5 = kiln.div %u, %u : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return
}

// Comparisons give i1; logic and shifts keep their operand type.
// CHECK-LABEL: func.func @compare_and_logic(
//       CHECK:   kiln.equal {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.less {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.less_equal {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.greater {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.greater_equal {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.where %{{.+}}, %{{.+}}, %{{.+}} : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
//       CHECK:   kiln.and {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.or {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.xor {{.*}} -> tensor<3x4xi1>
//       CHECK:   kiln.not %{{.+}} : tensor<3x4xi1>
//       CHECK:   kiln.shift_left {{.*}} -> tensor<3xui8>
//       CHECK:   kiln.shift_right {{.*}} -> tensor<3xui8>
func.func @compare_and_logic(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %u: tensor<3xui8>) {
  %0 = kiln.equal %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %1 = kiln.less %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %2 = kiln.less_equal %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %3 = kiln.greater %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %4 = kiln.greater_equal %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %5 = kiln.where %0, %a, %b : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %6 = kiln.and %0, %1 : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  %7 = kiln.or %0, %1 : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  %8 = kiln.xor %0, %1 : (tensor<3x4xi1>, tensor<3x4xi1>) -> tensor<3x4xi1>
  %9 = kiln.not %0 : tensor<3x4xi1>
  %10 = kiln.shift_left %u, %u : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  %11 = kiln.shift_right %u, %u : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return
}

// Unary math keeps the type; is_nan/is_inf give i1; cast changes it.
// CHECK-LABEL: func.func @unary(
//       CHECK:   kiln.sqrt %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.exp %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.log %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.erf %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.reciprocal %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.floor %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.ceil %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.round %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.neg %{{.+}} : tensor<2xi64>
//       CHECK:   kiln.abs %{{.+}} : tensor<2xi64>
//       CHECK:   kiln.sign %{{.+}} : tensor<2xf32>
//       CHECK:   kiln.is_nan %{{.+}} : (tensor<2xf32>) -> tensor<2xi1>
//       CHECK:   kiln.is_inf %{{.+}} {detect_negative = false} : (tensor<2xf32>) -> tensor<2xi1>
//       CHECK:   kiln.cast %{{.+}} : (tensor<2xf32>) -> tensor<2xui16>
func.func @unary(%x: tensor<2xf32>, %i: tensor<2xi64>) {
  %0 = kiln.sqrt %x : tensor<2xf32>
  %1 = kiln.exp %x : tensor<2xf32>
  %2 = kiln.log %x : tensor<2xf32>
  %3 = kiln.erf %x : tensor<2xf32>
  %4 = kiln.reciprocal %x : tensor<2xf32>
  %5 = kiln.floor %x : tensor<2xf32>
  %6 = kiln.ceil %x : tensor<2xf32>
  %7 = kiln.round %x : tensor<2xf32>
  %8 = kiln.neg %i : tensor<2xi64>
  %9 = kiln.abs %i : tensor<2xi64>
  %10 = kiln.sign %x : tensor<2xf32>
  %11 = kiln.is_nan %x : (tensor<2xf32>) -> tensor<2xi1>
  %12 = kiln.is_inf %x {detect_negative = false} : (tensor<2xf32>) -> tensor<2xi1>
  %13 = kiln.cast %x : (tensor<2xf32>) -> tensor<2xui16>
  return
}
