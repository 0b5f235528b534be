// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// Shape-rule and ODS messages of the elementwise math ops (ir/ops/Math.td).

// Comparison operands must share an element type.
func.func @compare_element_types_differ(%a: tensor<3xf32>, %b: tensor<3xi32>) {
  // expected-error @+2 {{'kiln.less' op rhs element type 'i32' differs from lhs element type 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "kiln.less"(%a, %b) : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xi1>
  return
}

// -----

// Where broadcasts all three operands.
func.func @where_not_broadcastable(%c: tensor<2xi1>, %a: tensor<3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.where' op operand shapes [2], [3], [3] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "kiln.where"(%c, %a, %b) : (tensor<2xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// The condition of where is a bool tensor.
func.func @where_condition_not_bool(%c: tensor<3xf32>, %a: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.where' op operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = "kiln.where"(%c, %a, %a) : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// A comparison's result is i1.
func.func @compare_result_not_bool(%a: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.equal' op result #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = "kiln.equal"(%a, %a) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// Pow's result has the base's element type.
func.func @pow_result_type(%a: tensor<3xf32>, %b: tensor<3xi64>) {
  // expected-error @+2 {{'kiln.pow' op inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<3xi64>'}}
  // expected-error @+1 {{'kiln.pow' op failed to infer returned types}}
  %0 = "kiln.pow"(%a, %b) : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xi64>
  return
}

// -----

// Float-only unary ops reject integers.
func.func @sqrt_of_int(%a: tensor<3xi32>) {
  // expected-error @+1 {{'kiln.sqrt' op operand #0 must be statically shaped tensor of floating-point values}}
  %0 = "kiln.sqrt"(%a) : (tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

// Logic ops take bool tensors only.
func.func @and_of_int(%a: tensor<3xi32>) {
  // expected-error @+1 {{'kiln.and' op operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = "kiln.and"(%a, %a) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return
}

// -----

// A cast keeps the shape.
func.func @cast_changes_shape(%a: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.cast' op requires the same shape for all operands and results}}
  %0 = kiln.cast %a : (tensor<3xf32>) -> tensor<4xi32>
  return
}

// -----

// Shifts take integers only.
func.func @shift_of_float(%a: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.shift_left' op operand #0 must be statically shaped tensor of integer values}}
  %0 = "kiln.shift_left"(%a, %a) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}
