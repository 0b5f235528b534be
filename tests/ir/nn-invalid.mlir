// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// Shape-rule errors of the NN group's ops (ir/ops/NN.h).

func.func @conv_transpose_filter_channels(%x: tensor<1x8x4x4xf32>, %w: tensor<4x4x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv_transpose' op filter [4, 4, 3, 3] expects 4 input channels, input has 8}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_transpose_bias(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+2 {{'kiln.conv_transpose' op bias must be [4], got [2]}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w, %b {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_transpose_pads_too_large(%x: tensor<1x1x2xf32>, %w: tensor<1x1x2xf32>) {
  // expected-error @+2 {{'kiln.conv_transpose' op pads 2+2 leave no output in spatial dim 0}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 2, 2>, strides = array<i64: 1>} : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x1xf32>
  return
}

// -----

func.func @conv_transpose_result_type(%x: tensor<1x1x2xf32>, %w: tensor<1x1x2xf32>) {
  // expected-error @+2 {{'kiln.conv_transpose' op inferred type(s) 'tensor<1x1x3xf32>' are incompatible with return type(s) of operation 'tensor<1x1x4xf32>'}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {dilations = array<i64: 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x4xf32>
  return
}

// -----

func.func @max_pool_storage_order(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{'kiln.max_pool_with_indices' op storage_order must be 0 or 1, got 2}}
  // expected-error @+1 {{'kiln.max_pool_with_indices' op failed to infer returned types}}
  %0, %1 = kiln.max_pool_with_indices %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = 2 : i64, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return
}

// -----

func.func @lp_pool_p(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{'kiln.lp_pool' op p must be >= 1, got 0}}
  // expected-error @+1 {{'kiln.lp_pool' op failed to infer returned types}}
  %0 = kiln.lp_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, p = 0 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @batch_norm_training_channels(%x: tensor<2x3x4xf32>, %c: tensor<3xf32>, %bad: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.batch_norm_training' op var must be [3] (the channel dim of the input), got [4]}}
  // expected-error @+1 {{'kiln.batch_norm_training' op failed to infer returned types}}
  %0, %1, %2 = kiln.batch_norm_training %x, %c, %c, %c, %bad : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<4xf32>)
  return
}

// -----

func.func @instance_norm_rank(%x: tensor<2x3xf32>, %c: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.instance_norm' op input must be [N, C, D1, ...], got [2, 3]}}
  // expected-error @+1 {{'kiln.instance_norm' op failed to infer returned types}}
  %0 = kiln.instance_norm %x, %c, %c : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.layer_norm' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0, %1, %2 = kiln.layer_norm %x, %s {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x3xf32>, %s: tensor<2xf32>) {
  // expected-error @+2 {{'kiln.layer_norm' op scale of shape [2] does not broadcast to the normalised dims [3]}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0, %1, %2 = kiln.layer_norm %x, %s {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xf32>) -> (tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
  return
}

// -----

func.func @mvn_axes(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.mean_variance_norm' op axes [1, 0] must be sorted, distinct and in [0, 2)}}
  // expected-error @+1 {{'kiln.mean_variance_norm' op failed to infer returned types}}
  %0 = kiln.mean_variance_norm %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.lrn' op size must be >= 1, got 0}}
  // expected-error @+1 {{'kiln.lrn' op failed to infer returned types}}
  %0 = kiln.lrn %x {size = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}
