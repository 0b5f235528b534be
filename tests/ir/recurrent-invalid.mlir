// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// One case per shape-rule and verifier message of kiln.rnn, kiln.lstm and
// kiln.gru (ir/ops/Recurrent.h, ir/ops/Recurrent.cpp).

func.func @weights_of_wrong_gate_count(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+2 {{'kiln.lstm' op weights must be [1, 16, 3], got [1, 12, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:3 = kiln.lstm %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"],
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @recurrence_of_other_hidden_size(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x5xf32>) {
  // expected-error @+2 {{'kiln.rnn' op recurrence must be [1, 4, 4], got [1, 4, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x5xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @bidirectional_needs_two_directions(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op weights must be [2, 4, 3], got [1, 4, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0>, activations = ["Tanh", "Tanh"],
      direction = "bidirectional", hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x2x2x4xf32>, tensor<2x2x4xf32>)
  return
}

// -----

func.func @unknown_direction(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op direction must be 'forward', 'reverse' or 'bidirectional', got 'sideways'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "sideways",
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @layout_out_of_range(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op layout must be 0 or 1, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64,
      layout = 2 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @input_not_rank_3(%x: tensor<10x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op input must have rank 3, got [10, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<10x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @non_positive_hidden_size(%x: tensor<5x2x3xf32>, %w: tensor<1x0x3xf32>, %r: tensor<1x0x0xf32>) {
  // expected-error @+2 {{'kiln.rnn' op hidden_size must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 0 : i64}
      : (tensor<5x2x3xf32>, tensor<1x0x3xf32>, tensor<1x0x0xf32>)
      -> (tensor<5x1x2x0xf32>, tensor<1x2x0xf32>)
  return
}

// -----

func.func @bias_of_wrong_size(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>, %b: tensor<1x12xf32>) {
  // expected-error @+2 {{'kiln.gru' op bias must be [1, 24], got [1, 12]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.gru %x, %w, %r bias(%b) {activation_alpha = array<f32: 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"],
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x12xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @sequence_lens_of_other_batch(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %lens: tensor<3xi32>) {
  // expected-error @+2 {{'kiln.rnn' op sequence_lens must be [2], got [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r sequence_lens(%lens) {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<3xi32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @sequence_lens_not_integer(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %lens: tensor<2xf32>) {
  // expected-error @+2 {{'kiln.rnn' op sequence_lens must have integer elements}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r sequence_lens(%lens) {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<2xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @initial_h_in_other_layout(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>, %h0: tensor<2x1x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op initial_h must be [1, 2, 4], got [2, 1, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r initial_h(%h0) {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<2x1x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @peepholes_of_wrong_size(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>, %p: tensor<1x16xf32>) {
  // expected-error @+2 {{'kiln.lstm' op peepholes must be [1, 12], got [1, 16]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:3 = kiln.lstm %x, %w, %r peepholes(%p) {activation_alpha = array<f32: 0.0, 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"],
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>, tensor<1x16xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @weights_of_other_element_type(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf64>, %r: tensor<1x4x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op weights element type 'f64' differs from input element type 'f32'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf64>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @result_type_disagrees(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+2 {{'kiln.rnn' op inferred type(s) 'tensor<5x1x2x4xf32>', 'tensor<1x2x4xf32>' are incompatible with return type(s) of operation 'tensor<5x2x4xf32>', 'tensor<1x2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @activation_count(%x: tensor<5x2x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) {
  // expected-error @+1 {{'kiln.lstm' op expects 3 activations (3 per direction), got 2}}
  %y:3 = kiln.lstm %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"],
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @unknown_activation(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>) {
  // expected-error @+1 {{'kiln.gru' op unknown activation 'Swish'}}
  %y:2 = kiln.gru %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Swish"],
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @alpha_count(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{'kiln.rnn' op expects one activation_alpha and one activation_beta per activation (1), got 0 and 1}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @clip_not_positive(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) {
  // expected-error @+1 {{'kiln.rnn' op clip must be positive, got -1}}
  %y:2 = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], clip = -1.0 : f32,
      hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return
}
