// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// One case per verifier and shape-rule message of the kiln ops. A shape rule
// that fails reports its own message, then the InferTypeOpInterface verifier
// adds "failed to infer returned types". Ops whose custom syntax infers the
// result type while parsing (softmax, log_softmax) use the generic form, so
// that the verifier, not the parser, reports the message.

//===----------------------------------------------------------------------===//
// ODS constraints and the inferred result type
//===----------------------------------------------------------------------===//

// A constant's result type must be the type of its value.
func.func @constant_type_differs_from_value() {
  // expected-error @+1 {{'kiln.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "kiln.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  return
}

// -----

// A param's result type must be the type of its value.
func.func @param_type_differs_from_value() {
  // expected-error @+1 {{'kiln.param' op failed to verify that all of {value, result} have same type}}
  %0 = "kiln.param"() <{name = "w", value = dense<1.0> : tensor<2xf32>}> : () -> tensor<2xf16>
  return
}

// -----

// Activations are defined on floats only.
func.func @relu_on_integers(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'kiln.relu' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = kiln.relu %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// Kiln ops take ranked tensors only.
func.func @add_on_unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{'kiln.add' op operand #0 must be statically shaped tensor of floating-point or integer values, but got 'tensor<*xf32>'}}
  %0 = "kiln.add"(%x, %x) : (tensor<*xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

// Binary ops do not mix element types.
func.func @add_mixed_element_types(%a: tensor<2xf32>, %b: tensor<2xi32>) {
  // expected-error @+1 {{'kiln.add' op requires the same element type for all operands and results}}
  %0 = "kiln.add"(%a, %b) : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

// The stated result type must be the one the shape rule infers.
func.func @transpose_result_type_mismatch(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// kiln IR has static shapes only: the importer specialises symbolic dims.
func.func @pad_dynamic_shape(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{'kiln.pad' op operand #0 must be statically shaped tensor}}
  %0 = "kiln.pad"(%x) <{pads = array<i64: 1, 0, 1, 0>, value = 0.0 : f64}> : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise and softmax-like ops
//===----------------------------------------------------------------------===//

// Broadcasting aligns shapes at the right: 3 and 4 clash.
func.func @add_incompatible_shapes(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.add' op operand shapes [2, 3] and [4] are not broadcast-compatible}}
  // expected-error @+1 {{'kiln.add' op failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The softmax axis must name a dim of the input.
func.func @softmax_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.softmax' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.softmax' op failed to infer returned types}}
  %0 = "kiln.softmax"(%x) <{axis = 2 : i64}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Negative axes are normalised at import, so the op rejects them.
func.func @log_softmax_negative_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.log_softmax' op axis -1 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.log_softmax' op failed to infer returned types}}
  %0 = "kiln.log_softmax"(%x) <{axis = -1 : i64}> : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// The custom parser infers the result type, so it reports a bad axis itself.
func.func @softmax_custom_form_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.softmax' op axis 2 is out of range for rank 2}}
  %0 = kiln.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

// The custom parser also reports a missing axis (it used to crash).
func.func @softmax_custom_form_without_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.softmax' op requires attribute 'axis'}}
  %0 = kiln.softmax %x : tensor<2x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// matmul and gemm
//===----------------------------------------------------------------------===//

// matmul has no scalar operands.
func.func @matmul_scalar_operand(%a: tensor<f32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.matmul' op operands must have rank >= 1}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

// The last dim of lhs must match the second-to-last of rhs.
func.func @matmul_contraction_mismatch(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'kiln.matmul' op contraction dims differ: lhs [2, 3] has 3, rhs [4, 5] has 4}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Batch dims broadcast like elementwise operands: 2 and 3 clash.
func.func @matmul_batch_mismatch(%a: tensor<2x4x6xf32>, %b: tensor<3x6x5xf32>) {
  // expected-error @+2 {{'kiln.matmul' op batch dims of [2, 4, 6] and [3, 6, 5] are not broadcast-compatible}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x4x6xf32>, tensor<3x6x5xf32>) -> tensor<2x4x5xf32>
  return
}

// -----

// gemm multiplies matrices only.
func.func @gemm_operand_not_matrix(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{'kiln.gemm' op A and B must be matrices, got [2, 3, 4] and [4, 5]}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// The contraction dims are checked after trans_a/trans_b apply.
func.func @gemm_contraction_mismatch(%a: tensor<2x4xf32>, %b: tensor<4x8xf32>) {
  // expected-error @+2 {{'kiln.gemm' op contraction dims differ: op(A) is [2, 4], op(B) is [8, 4]}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b {trans_b = true} : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return
}

// -----

// A and B share one element type.
func.func @gemm_mixed_element_types(%a: tensor<2x4xf32>, %b: tensor<4x3xf16>) {
  // expected-error @+2 {{'kiln.gemm' op A and B element types differ}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<2x4xf32>, tensor<4x3xf16>) -> tensor<2x3xf32>
  return
}

// -----

// C has the element type of A and B.
func.func @gemm_c_element_type(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<3xf16>) {
  // expected-error @+2 {{'kiln.gemm' op C element type 'f16' differs from A element type 'f32'}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf16>) -> tensor<2x3xf32>
  return
}

// -----

// C broadcasts one way only, to [M, N].
func.func @gemm_c_does_not_broadcast(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<2xf32>) {
  // expected-error @+2 {{'kiln.gemm' op C of shape [2] does not broadcast to [2, 3]}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

// A reshape keeps the number of elements.
func.func @reshape_element_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'kiln.reshape' op cannot reshape [2, 3] (6 elements) to [4] (4 elements)}}
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<4xf32>
  return
}

// -----

// The importer resolves every reshape target, so shapes are static.
func.func @reshape_dynamic_shape(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{'kiln.reshape' op operand #0 must be statically shaped tensor}}
  %0 = kiln.reshape %x : (tensor<?x3xf32>) -> tensor<6xf32>
  return
}

// -----

// The flatten axis may be the rank, not beyond.
func.func @flatten_axis_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.flatten' op axis 3 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.flatten' op failed to infer returned types}}
  %0 = kiln.flatten %x {axis = 3 : i64} : (tensor<2x3xf32>) -> tensor<6x1xf32>
  return
}

// -----

// perm must name every dim exactly once.
func.func @transpose_repeated_dim(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{'kiln.transpose' op perm [0, 0, 1] is not a permutation of the 3 dims of [2, 3, 4]}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 0, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<2x2x3xf32>
  return
}

// -----

// pads holds a begin and an end pad per dim.
func.func @pad_wrong_pad_count(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.pad' op expects 4 entries in 'pads', got 2}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x {pads = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

// Negative (cropping) pads are not supported.
func.func @pad_negative(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{'kiln.pad' op expects 'pads' entries >= 0, got [0, -1, 0, 0]}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x {pads = array<i64: 0, -1, 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

// conv needs batch, channel and at least one spatial dim.
func.func @conv_input_rank(%x: tensor<1x3xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op input must be [N, C, D1, ...], got [1, 3]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64>, group = 1 : i64, pads = array<i64>, strides = array<i64>}
      : (tensor<1x3xf32>, tensor<4x3xf32>) -> tensor<1x4xf32>
  return
}

// -----

// The filter has as many dims as the input.
func.func @conv_filter_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op filter rank 3 differs from input rank 4}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// The filter has the input's element type.
func.func @conv_filter_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @+2 {{'kiln.conv' op filter element type 'f16' differs from input element type 'f32'}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// group divides both channel counts: 3 input channels do not split in 2.
func.func @conv_group_does_not_divide(%x: tensor<1x3x8x8xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op group 2 must divide input channels 3 and output channels 4}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// The filter's dim 1 is the input channels per group.
func.func @conv_filter_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op filter [6, 4, 3, 3] expects 8 input channels (group 2), input has 4}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x4x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

// The bias has one entry per output channel.
func.func @conv_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.conv' op bias must be [4], got [3]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// The bias has the input's element type.
func.func @conv_bias_element_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xbf16>) {
  // expected-error @+2 {{'kiln.conv' op bias element type 'bf16' differs from input element type 'f32'}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xbf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// strides has one entry per spatial dim.
func.func @conv_strides_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op expects 2 entries in 'strides', got 1}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Dilations start at 1.
func.func @conv_zero_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op expects 'dilations' entries >= 1, got [1, 0]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 0>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// A dilated 3x3 window spans 5 and does not fit a 4-wide input.
func.func @conv_window_does_not_fit(%x: tensor<1x3x8x4xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'kiln.conv' op window of size 3 (dilation 2) does not fit spatial dim 1 of size 4 with pads 0+0}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 2, 2>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x8x4xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x1xf32>
  return
}

// -----

// Pooling needs batch, channel and at least one spatial dim.
func.func @max_pool_input_rank(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{'kiln.max_pool' op input must be [N, C, D1, ...], got [4, 4]}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64>, kernel_shape = array<i64>,
                         pads = array<i64>, strides = array<i64>}
      : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

// kernel_shape has one entry per spatial dim.
func.func @max_pool_kernel_shape_count(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'kiln.max_pool' op expects 2 entries in 'kernel_shape', got 3}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2, 2>,
                         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// A window covers at least one element.
func.func @average_pool_empty_kernel(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'kiln.average_pool' op expects 'kernel_shape' entries >= 1, got [0, 2]}}
  // expected-error @+1 {{'kiln.average_pool' op failed to infer returned types}}
  %0 = kiln.average_pool %x {ceil_mode = false, count_include_pad = false, kernel_shape = array<i64: 0, 2>,
                             pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// Strides start at 1.
func.func @average_pool_zero_stride(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{'kiln.average_pool' op expects 'strides' entries >= 1, got [2, 0]}}
  // expected-error @+1 {{'kiln.average_pool' op failed to infer returned types}}
  %0 = kiln.average_pool %x {ceil_mode = false, count_include_pad = false, kernel_shape = array<i64: 2, 2>,
                             pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 0>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return
}

// -----

// A 3-wide pooling window does not fit a 2-wide input without padding.
func.func @max_pool_window_does_not_fit(%x: tensor<1x3x2x2xf32>) {
  // expected-error @+2 {{'kiln.max_pool' op window of size 3 (dilation 1) does not fit spatial dim 0 of size 2 with pads 0+0}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>,
                         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
      : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
  return
}

// -----

// Global pooling needs at least one spatial dim.
func.func @global_average_pool_input_rank(%x: tensor<1x64xf32>) {
  // expected-error @+2 {{'kiln.global_average_pool' op input must be [N, C, D1, ...], got [1, 64]}}
  // expected-error @+1 {{'kiln.global_average_pool' op failed to infer returned types}}
  %0 = kiln.global_average_pool %x : (tensor<1x64xf32>) -> tensor<1x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// batch_norm
//===----------------------------------------------------------------------===//

// batch_norm normalises along dim 1, so the input has one.
func.func @batch_norm_input_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) {
  // expected-error @+2 {{'kiln.batch_norm' op input must be [N, C, ...], got [4]}}
  // expected-error @+1 {{'kiln.batch_norm' op failed to infer returned types}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Each statistic has one entry per channel; here the mean is too short.
func.func @batch_norm_mean_shape(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>, %m: tensor<3xf32>) {
  // expected-error @+2 {{'kiln.batch_norm' op mean must be [4] (the channel dim of the input), got [3]}}
  // expected-error @+1 {{'kiln.batch_norm' op failed to infer returned types}}
  %0 = kiln.batch_norm %x, %p, %p, %m, %p
      : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// The statistics have the input's element type.
func.func @batch_norm_var_element_type(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>, %v: tensor<4xf16>) {
  // expected-error @+2 {{'kiln.batch_norm' op var element type 'f16' differs from input element type 'f32'}}
  // expected-error @+1 {{'kiln.batch_norm' op failed to infer returned types}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %v
      : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Max pooling takes floats and 8-bit integers only (as ONNX MaxPool).
func.func @max_pool_wide_integers(%x: tensor<1x1x4x4xi32>) {
  // expected-error @+1 {{'kiln.max_pool' op operand #0 must be statically shaped tensor of floating-point or 8-bit signless integer or 8-bit unsigned integer values}}
  %0 = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
                         pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x1x4x4xi32>) -> tensor<1x1x2x2xi32>
  return
}

// -----

// Average pooling stays float-only.
func.func @average_pool_unsigned(%x: tensor<1x1x4x4xui8>) {
  // expected-error @+1 {{'kiln.average_pool' op operand #0 must be statically shaped tensor of floating-point values}}
  %0 = kiln.average_pool %x {ceil_mode = false, count_include_pad = false, kernel_shape = array<i64: 2, 2>,
                             pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
      : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  return
}
