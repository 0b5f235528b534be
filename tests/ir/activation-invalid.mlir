// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// One case per verifier and shape-rule message of the ops of
// ir/ops/Activation.td and of kiln.einsum. A shape rule that fails reports
// its own message, then the InferTypeOpInterface verifier adds "failed to
// infer returned types".

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

// Activations are defined on floats only.
func.func @elu_on_integers(%x: tensor<4xi32>) {
  // expected-error @+1 {{'kiln.elu' op operand #0 must be statically shaped tensor of floating-point values}}
  %0 = "kiln.elu"(%x) : (tensor<4xi32>) -> tensor<4xi32>
  return
}

// -----

// The result of an activation has the input's type.
func.func @sin_result_type_differs(%x: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.sin' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<4xf64>'}}
  // expected-error @+1 {{'kiln.sin' op failed to infer returned types}}
  %0 = "kiln.sin"(%x) : (tensor<4xf32>) -> tensor<4xf64>
  return
}

// -----

// An attribute of the wrong type is rejected.
func.func @leaky_relu_alpha_not_f32(%x: tensor<4xf32>) {
  // expected-error @+1 {{'kiln.leaky_relu' op attribute 'alpha' failed to satisfy constraint: 32-bit float attribute}}
  %0 = "kiln.leaky_relu"(%x) {alpha = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// PRelu's slope broadcasts to the input, never the input to the slope.
func.func @prelu_slope_larger_than_input(%x: tensor<5xf32>, %s: tensor<3x5xf32>) {
  // expected-error @+2 {{'kiln.prelu' op slope of shape [3, 5] does not broadcast to the input shape [5]}}
  // expected-error @+1 {{'kiln.prelu' op failed to infer returned types}}
  %0 = kiln.prelu %x, %s : (tensor<5xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return
}

// -----

// A slope dim must be 1 or the input's dim.
func.func @prelu_slope_dim_mismatch(%x: tensor<3x4x5xf32>, %s: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.prelu' op slope of shape [4] does not broadcast to the input shape [3, 4, 5]}}
  // expected-error @+1 {{'kiln.prelu' op failed to infer returned types}}
  %0 = kiln.prelu %x, %s : (tensor<3x4x5xf32>, tensor<4xf32>) -> tensor<3x4x5xf32>
  return
}

// -----

// Input and slope share one element type.
func.func @prelu_mixed_element_types(%x: tensor<5xf32>, %s: tensor<5xf64>) {
  // expected-error @+1 {{'kiln.prelu' op requires the same element type for all operands and results}}
  %0 = "kiln.prelu"(%x, %s) : (tensor<5xf32>, tensor<5xf64>) -> tensor<5xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

// kiln.einsum carries the explicit form: the importer spells out the result.
func.func @einsum_implicit_result(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.einsum' op equation 'ij' must name its result after '->'}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij" %x : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

// ... and expands `...` into letters.
func.func @einsum_ellipsis(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.einsum' op operand term 0 '...j' must not use '...'}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "...j->j" %x : (tensor<3x4xf32>) -> tensor<4xf32>
  return
}

// -----

// One term per operand.
func.func @einsum_term_count(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.einsum' op equation 'ij,jk->ik' has 2 operand terms but there are 1 operands}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij,jk->ik" %x : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

// One letter per dim.
func.func @einsum_term_rank(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.einsum' op operand term 0 'ijk' names 3 dims but operand 0 has rank 2}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ijk->i" %x : (tensor<3x4xf32>) -> tensor<3xf32>
  return
}

// -----

// Only letters name dims.
func.func @einsum_bad_character(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.einsum' op operand term 0 'i1' has '1', which is neither a letter nor part of '...'}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "i1->i" %x : (tensor<3x4xf32>) -> tensor<3xf32>
  return
}

// -----

// The result names each letter at most once ...
func.func @einsum_result_repeats(%x: tensor<3x3xf32>) {
  // expected-error @+2 {{'kiln.einsum' op result term 'ii' repeats 'i'}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij->ii" %x : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

// ... and only letters of the operands.
func.func @einsum_result_unknown_letter(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.einsum' op result term 'ik' has 'k', which no operand term has}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij->ik" %x : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

// A letter's dims agree in size unless one is 1.
func.func @einsum_size_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'kiln.einsum' op letter 'j' has size 3 in operand 0 and size 4 in operand 1}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Operands share one element type.
func.func @einsum_mixed_element_types(%a: tensor<2x3xf32>, %b: tensor<3x5xf64>) {
  // expected-error @+2 {{'kiln.einsum' op operand 1 element type 'f64' differs from operand 0 element type 'f32'}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<3x5xf64>) -> tensor<2x5xf32>
  return
}

// -----

// The stated result type must be the inferred one.
func.func @einsum_wrong_result_shape(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{'kiln.einsum' op inferred type(s) 'tensor<2x5xf32>' are incompatible with return type(s) of operation 'tensor<5x2xf32>'}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<5x2xf32>
  return
}

// -----

// At least one operand.
func.func @einsum_no_operands() {
  // expected-error @+2 {{'kiln.einsum' op needs at least one operand}}
  // expected-error @+1 {{'kiln.einsum' op failed to infer returned types}}
  %0 = kiln.einsum "->" : () -> tensor<f32>
  return
}
