// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Round-trip of kiln.rnn, kiln.lstm and kiln.gru in their custom form and,
// via the second RUN line, their generic form.

// The minimal RNN: no optional operand, defaults elided.
// CHECK-LABEL: func.func @rnn_minimal(
//       CHECK:   %{{.+}}, %{{.+}} = kiln.rnn %{{.+}}, %{{.+}}, %{{.+}} {activation_alpha = array<f32: 0.000000e+00>, activation_beta = array<f32: 0.000000e+00>, activations = ["Tanh"], hidden_size = 4 : i64} : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
func.func @rnn_minimal(%x: tensor<5x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>)
    -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>) {
  %y, %y_h = kiln.rnn %x, %w, %r {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], hidden_size = 4 : i64}
      : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %y_h : tensor<5x1x2x4xf32>, tensor<1x2x4xf32>
}

// Every optional operand of LSTM, bidirectional, layout 1, clip.
// CHECK-LABEL: func.func @lstm_everything(
//       CHECK:   %{{.+}}, %{{.+}}, %{{.+}} = kiln.lstm %{{.+}}, %{{.+}}, %{{.+}} bias(%{{.+}}) sequence_lens(%{{.+}}) initial_h(%{{.+}}) initial_c(%{{.+}}) peepholes(%{{[^)]+}})
//  CHECK-SAME:     activations = ["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Tanh", "Tanh"]
//  CHECK-SAME:     clip = 5.000000e-01 : f32
//  CHECK-SAME:     direction = "bidirectional"
//  CHECK-SAME:     input_forget = true
//  CHECK-SAME:     layout = 1 : i64
//  CHECK-SAME:     -> (tensor<2x5x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
func.func @lstm_everything(%x: tensor<2x5x3xf32>, %w: tensor<2x16x3xf32>, %r: tensor<2x16x4xf32>,
                           %b: tensor<2x32xf32>, %lens: tensor<2xi32>, %h0: tensor<2x2x4xf32>,
                           %c0: tensor<2x2x4xf32>, %p: tensor<2x12xf32>)
    -> (tensor<2x5x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>) {
  %y, %y_h, %y_c = kiln.lstm %x, %w, %r bias(%b) sequence_lens(%lens) initial_h(%h0)
      initial_c(%c0) peepholes(%p) {
      activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.2, 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0, 0.0, 0.5, 0.0, 0.0>,
      activations = ["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "Tanh", "Tanh"],
      clip = 0.5 : f32, direction = "bidirectional", hidden_size = 4 : i64,
      input_forget = true, layout = 1 : i64}
      : (tensor<2x5x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>, tensor<2x32xf32>,
         tensor<2xi32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x12xf32>)
      -> (tensor<2x5x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  return %y, %y_h, %y_c : tensor<2x5x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>
}

// An optional operand after a missing one (initial_h without bias).
// CHECK-LABEL: func.func @gru_initial_h_only(
//       CHECK:   kiln.gru %{{.+}}, %{{.+}}, %{{.+}} initial_h(%{{.+}}) {{{.*}}direction = "reverse"{{.*}}linear_before_reset = true
func.func @gru_initial_h_only(%x: tensor<5x2x3xf64>, %w: tensor<1x12x3xf64>, %r: tensor<1x12x4xf64>,
                              %h0: tensor<1x2x4xf64>) -> tensor<1x2x4xf64> {
  %y, %y_h = kiln.gru %x, %w, %r initial_h(%h0) {
      activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>,
      activations = ["Sigmoid", "Tanh"], direction = "reverse", hidden_size = 4 : i64,
      linear_before_reset = true}
      : (tensor<5x2x3xf64>, tensor<1x12x3xf64>, tensor<1x12x4xf64>, tensor<1x2x4xf64>)
      -> (tensor<5x1x2x4xf64>, tensor<1x2x4xf64>)
  return %y_h : tensor<1x2x4xf64>
}
