// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// One case per shape-rule and verifier message of the Indexing op group; a
// failing shape rule is followed by "failed to infer returned types".

func.func @gather_axis_out_of_range(%x: tensor<3x5xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.gather' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.gather' op failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 2 : i64} : (tensor<3x5xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<3x5xf32>, %i: tensor<2xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.gather %x, %i {axis = 0 : i64} : (tensor<3x5xf32>, tensor<2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @gather_wrong_result(%x: tensor<3x5xf32>, %i: tensor<2xi64>) -> tensor<5x2xf32> {
  // expected-error @+2 {{'kiln.gather' op inferred type(s) 'tensor<2x5xf32>' are incompatible with return type(s) of operation 'tensor<5x2xf32>'}}
  // expected-error @+1 {{'kiln.gather' op failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 0 : i64} : (tensor<3x5xf32>, tensor<2xi64>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

func.func @gather_elements_rank(%x: tensor<3x5xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.gather_elements' op indices rank 1 differs from data rank 2}}
  // expected-error @+1 {{'kiln.gather_elements' op failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x5xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_elements_too_wide(%x: tensor<3x5xf32>, %i: tensor<4x2xi64>) -> tensor<4x2xf32> {
  // expected-error @+2 {{'kiln.gather_elements' op indices [4, 2] exceed data [3, 5] in dim 0}}
  // expected-error @+1 {{'kiln.gather_elements' op failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x5xf32>, tensor<4x2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @gather_nd_tuple_too_long(%x: tensor<3x5xf32>, %i: tensor<2x3xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.gather_nd' op index tuples of size 3 do not fit data of rank 2 with batch_dims 0}}
  // expected-error @+1 {{'kiln.gather_nd' op failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i : (tensor<3x5xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_nd_batch_mismatch(%x: tensor<3x5xf32>, %i: tensor<2x1xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{'kiln.gather_nd' op the first 1 dims of data [3, 5] and indices [2, 1] differ}}
  // expected-error @+1 {{'kiln.gather_nd' op failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<3x5xf32>, tensor<2x1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @scatter_elements_updates_shape(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x1xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'kiln.scatter_elements' op updates [3, 1] must have the shape of indices [3, 2]}}
  // expected-error @+1 {{'kiln.scatter_elements' op failed to infer returned types}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x1xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @scatter_bad_reduction(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'kiln.scatter_elements' op attribute 'reduction' failed to satisfy constraint: scatter reduction: none, add or mul}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "max"} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @scatter_nd_updates_shape(%x: tensor<3x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'kiln.scatter_nd' op updates [2, 4] must be [2, 5]}}
  // expected-error @+1 {{'kiln.scatter_nd' op failed to infer returned types}}
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<3x5xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @scatter_nd_element_type(%x: tensor<3x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x5xf64>) -> tensor<3x5xf32> {
  // expected-error @+2 {{'kiln.scatter_nd' op updates element type 'f64' differs from data element type 'f32'}}
  // expected-error @+1 {{'kiln.scatter_nd' op failed to infer returned types}}
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<3x5xf32>, tensor<2x1xi64>, tensor<2x5xf64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @one_hot_values(%i: tensor<3xi64>, %v: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{'kiln.one_hot' op values must be [off, on], got [3]}}
  // expected-error @+1 {{'kiln.one_hot' op failed to infer returned types}}
  %0 = kiln.one_hot %i, %v {axis = 1 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @one_hot_axis(%i: tensor<3xi64>, %v: tensor<2xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{'kiln.one_hot' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.one_hot' op failed to infer returned types}}
  %0 = kiln.one_hot %i, %v {axis = 2 : i64, depth = 4 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @resize_bad_mode(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op mode 'bilinear' is not one of nearest, linear, cubic}}
  %0 = kiln.resize %x {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "bilinear",
                       nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @resize_scales_count(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op expects 2 scales, got 1}}
  %0 = kiln.resize %x {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "linear",
                       nearest_mode = "floor", roi = array<f64>, scales = array<f64: 2.0>}
      : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @resize_crop_needs_roi(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op tf_crop_and_resize needs a roi}}
  %0 = kiln.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "linear",
                       nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @resize_linear_on_integers(%x: tensor<2x3xi32>) -> tensor<2x6xi32> {
  // expected-error @+1 {{'kiln.resize' op mode 'linear' needs float elements, got 'i32'}}
  %0 = kiln.resize %x {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -0.75 : f64,
                       exclude_outside = false, extrapolation_value = 0.0 : f64, mode = "linear",
                       nearest_mode = "floor", roi = array<f64>, scales = array<f64: 1.0, 2.0>}
      : (tensor<2x3xi32>) -> tensor<2x6xi32>
  return %0 : tensor<2x6xi32>
}
