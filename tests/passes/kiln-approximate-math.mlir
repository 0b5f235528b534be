// RUN: kiln-opt %s --split-input-file --kiln-approximate-math | FileCheck %s

// f32 transcendental functions become arithmetic: no libm call remains.
// CHECK-LABEL: func.func @f32_math_is_expanded(
//   CHECK-NOT:   math.tanh
//   CHECK-NOT:   math.exp
//   CHECK-NOT:   math.log
//       CHECK:   math.fma
func.func @f32_math_is_expanded(%x: f32) -> (f32, f32, f32) {
  %0 = math.tanh %x : f32
  %1 = math.exp %x : f32
  %2 = math.log %x : f32
  return %0, %1, %2 : f32, f32, f32
}

// -----

// Must not touch f64: those go to libm, which is exact.
// CHECK-LABEL: func.func @f64_is_left_for_libm(
//       CHECK:   math.tanh %{{.+}} : f64
func.func @f64_is_left_for_libm(%x: f64) -> f64 {
  %0 = math.tanh %x : f64
  return %0 : f64
}
