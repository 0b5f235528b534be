// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// One case per shape-rule message of the Reduction group's ops. A failing
// shape rule reports its message, then the InferTypeOpInterface verifier adds
// "failed to infer returned types".

func.func @reduce_axes_not_increasing(%x: tensor<3x2x2xf32>) {
  // expected-error @+2 {{'kiln.reduce_sum' op axes [1, 0] must be increasing and in [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 1, 0>} : (tensor<3x2x2xf32>) -> tensor<1x1x2xf32>
  return
}

// -----

func.func @reduce_axis_out_of_range(%x: tensor<3x2x2xf32>) {
  // expected-error @+2 {{'kiln.reduce_mean' op axes [3] must be increasing and in [0, 3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_mean %x {axes = array<i64: 3>} : (tensor<3x2x2xf32>) -> tensor<3x2x2xf32>
  return
}

// -----

// keepdims = false drops the reduced dims; the stated type keeps them.
func.func @reduce_result_keeps_dims(%x: tensor<3x2x2xf32>) {
  // expected-error @+2 {{'kiln.reduce_max' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<3x1x2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<3x2x2xf32>) -> tensor<3x1x2xf32>
  return
}

// -----

// ReduceL2 is float-only.
func.func @reduce_l2_on_integers(%x: tensor<3xi32>) {
  // expected-error @+1 {{'kiln.reduce_l2' op operand #0 must be statically shaped tensor of floating-point values}}
  %0 = kiln.reduce_l2 %x {axes = array<i64: 0>} : (tensor<3xi32>) -> tensor<1xi32>
  return
}

// -----

func.func @arg_max_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.arg_max' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.arg_max %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return
}

// -----

func.func @arg_min_of_scalar(%x: tensor<f32>) {
  // expected-error @+2 {{'kiln.arg_min' op input must have rank >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.arg_min %x {axis = 0 : i64} : (tensor<f32>) -> tensor<i64>
  return
}

// -----

func.func @cumsum_axis_out_of_range(%x: tensor<5xf32>) {
  // expected-error @+2 {{'kiln.cumsum' op axis -1 is out of range for rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.cumsum %x {axis = -1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  return
}

// -----

func.func @top_k_larger_than_dim(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{'kiln.top_k' op k = 5 is out of range for dim 1 of size 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.top_k %x {axis = 1 : i64, k = 5 : i64} : (tensor<3x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return
}

// -----

func.func @hardmax_axis_out_of_range(%x: tensor<4x10xf32>) {
  // expected-error @+2 {{'kiln.hardmax' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "kiln.hardmax"(%x) <{axis = 2 : i64}> : (tensor<4x10xf32>) -> tensor<4x10xf32>
  return
}

// -----

func.func @nll_loss_target_shape(%x: tensor<3x5x2xf32>, %t: tensor<3x5xi64>) {
  // expected-error @+2 {{'kiln.nll_loss' op target must be [3, 2] for input [3, 5, 2], got [3, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %t : (tensor<3x5x2xf32>, tensor<3x5xi64>) -> tensor<f32>
  return
}

// -----

func.func @nll_loss_input_rank(%x: tensor<5xf32>, %t: tensor<i64>) {
  // expected-error @+2 {{'kiln.nll_loss' op input must be [N, C, D1, ...], got [5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %t : (tensor<5xf32>, tensor<i64>) -> tensor<f32>
  return
}

// -----

func.func @nll_loss_weight_shape(%x: tensor<3x5xf32>, %t: tensor<3xi64>, %w: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.nll_loss' op weight must be [5], got [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %t, %w : (tensor<3x5xf32>, tensor<3xi64>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func @nll_loss_bad_reduction(%x: tensor<3x5xf32>, %t: tensor<3xi64>) {
  // expected-error @+2 {{'kiln.nll_loss' op reduction must be none, sum or mean, got 'max'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.nll_loss %x, %t {reduction = "max"} : (tensor<3x5xf32>, tensor<3xi64>) -> tensor<f32>
  return
}

// -----

// The target holds class indices: integers only.
func.func @nll_loss_float_target(%x: tensor<3x5xf32>, %t: tensor<3xf32>) {
  // expected-error @+1 {{'kiln.nll_loss' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.nll_loss %x, %t : (tensor<3x5xf32>, tensor<3xf32>) -> tensor<f32>
  return
}

// -----

// reduction = "none" keeps the per-element losses.
func.func @sce_none_is_per_element(%x: tensor<3x5xf32>, %t: tensor<3xi64>) {
  // expected-error @+2 {{'kiln.softmax_cross_entropy_loss' op inferred type(s) 'tensor<3xf32>', 'tensor<3x5xf32>' are incompatible with return type(s) of operation 'tensor<f32>', 'tensor<3x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = kiln.softmax_cross_entropy_loss %x, %t {reduction = "none"} : (tensor<3x5xf32>, tensor<3xi64>) -> (tensor<f32>, tensor<3x5xf32>)
  return
}
