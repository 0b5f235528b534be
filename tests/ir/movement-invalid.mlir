// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// Shape-rule messages of the data-movement ops and the pad modes.

func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<2x8xf32> {
  // expected-error @+2 {{'kiln.concat' op input 1 of shape [3, 5] does not match input 0 of shape [2, 3] outside axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.concat' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_element_types(%a: tensor<2xf32>, %b: tensor<2xi64>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.concat' op input 1 element type 'i64' differs from input 0 element type 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_out_of_bounds(%x: tensor<4x10xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'kiln.slice' op dim 1 reads elements 9 to 15 (step 3) outside the input's 10}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x {sizes = array<i64: 2, 3>, starts = array<i64: 0, 9>, steps = array<i64: 1, 3>} : (tensor<4x10xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.slice' op steps must be non-zero, got [0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x {sizes = array<i64: 2>, starts = array<i64: 0>, steps = array<i64: 0>} : (tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @slice_rank(%x: tensor<4x2xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.slice' op expects 2 entries in 'starts', got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.slice %x {sizes = array<i64: 2>, starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4x2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @expand_incompatible(%x: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'kiln.expand' op input shape [3] does not broadcast with [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.expand %x {shape = array<i64: 4>} : (tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @trilu_vector(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'kiln.trilu' op input must have rank >= 2, got [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x {k = 0 : i64, upper = true} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @trilu_k_not_i64(%x: tensor<3x3xf32>, %k: tensor<i32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'kiln.trilu' op k operand must be one i64, got 'tensor<i32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x k(%k) {upper = true} : (tensor<3x3xf32>, tensor<i32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @trilu_k_not_scalar(%x: tensor<3x3xf32>, %k: tensor<2xi64>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'kiln.trilu' op k operand must be one i64, got 'tensor<2xi64>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x k(%k) {upper = true} : (tensor<3x3xf32>, tensor<2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @trilu_k_twice(%x: tensor<3x3xf32>, %k: tensor<i64>) -> tensor<3x3xf32> {
  // expected-error @+2 {{'kiln.trilu' op takes k from the attribute or the operand, not both}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.trilu %x k(%k) {k = 1 : i64, upper = true} : (tensor<3x3xf32>, tensor<i64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @pad_value_operand_reflect(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  // expected-error @+2 {{'kiln.pad' op value operand needs mode 'constant', got 'reflect'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x value(%v) {mode = "reflect", pads = array<i64: 1, 1>} : (tensor<3xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_value_twice(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  // expected-error @+2 {{'kiln.pad' op takes the value from the attribute or the operand, not both}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x value(%v) {pads = array<i64: 1, 1>, value = 2.0 : f64} : (tensor<3xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_value_not_scalar(%x: tensor<3xf32>, %v: tensor<2xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'kiln.pad' op value operand must have one element, got 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x value(%v) {pads = array<i64: 1, 1>} : (tensor<3xf32>, tensor<2xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_value_element_type(%x: tensor<3xf32>, %v: tensor<f64>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.pad' op requires the same element type for all operands and results}}
  %0 = kiln.pad %x value(%v) {pads = array<i64: 1, 1>} : (tensor<3xf32>, tensor<f64>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_unknown_mode(%x: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{'kiln.pad' op mode 'wrap' is not one of constant, reflect, edge}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x {mode = "wrap", pads = array<i64: 1, 1>} : (tensor<3xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_reflect_too_wide(%x: tensor<3xf32>) -> tensor<6xf32> {
  // expected-error @+2 {{'kiln.pad' op reflect pads [3, 0] must be smaller than dim 0 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.pad %x {mode = "reflect", pads = array<i64: 3, 0>} : (tensor<3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}
