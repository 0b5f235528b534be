// RUN: kiln-opt %s --split-input-file --convert-kiln-to-linalg --canonicalize --cse | FileCheck %s

// The recurrent ops of convert-kiln-to-linalg (Recurrent.cpp).

// GRU (linear_before_reset): the input projection of all steps is one matmul
// seeded with Wb + Rb (Rbh left out: the reset gate scales it), then an
// scf.for carries the state and the H R^T scratch; the body writes slices of
// loop-carried tensors only. Y is unused, so it is not carried.
// CHECK-LABEL: func.func @gru_hoists_input_projection(
//  CHECK-SAME:     %[[X:[^:]+]]: tensor<5x2x3xf32>, %[[W:[^:]+]]: tensor<1x12x3xf32>, %[[R:[^:]+]]: tensor<1x12x4xf32>, %[[B:[^:]+]]: tensor<1x24xf32>
//       CHECK:   %[[H0:.+]] = linalg.fill {{.*}} -> tensor<1x2x4xf32>
//       CHECK:   %[[SEED:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<10x12xf32>)
//       CHECK:     linalg.index 1
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]]
//       CHECK:   %[[WD:.+]] = tensor.extract_slice %[[W]][0, 0, 0] [1, 12, 3]
//       CHECK:   %[[XW:.+]] = linalg.matmul_transpose_b ins(%[[FLAT]], %[[WD]] : {{.*}}) outs(%[[SEED]] : tensor<10x12xf32>)
//       CHECK:   %[[STEPS:.+]] = tensor.expand_shape %[[XW]] {{.*}} into tensor<5x2x12xf32>
//       CHECK:   %[[SCRATCH:.+]] = tensor.empty() : tensor<2x12xf32>
//       CHECK:   %[[RD:.+]] = tensor.extract_slice %[[R]][0, 0, 0] [1, 12, 4]
//       CHECK:   %[[RBH:.+]] = tensor.extract_slice %[[B]][0, 20] [1, 4]
//       CHECK:   %[[LOOP:.+]]:2 = scf.for %[[T:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[H:.+]] = %[[H0]], %[[S:.+]] = %[[SCRATCH]])
//       CHECK:     %[[XT:.+]] = tensor.extract_slice %[[STEPS]][%[[T]], 0, 0] [1, 2, 12]
//       CHECK:     %[[HD:.+]] = tensor.extract_slice %[[H]][0, 0, 0] [1, 2, 4]
//       CHECK:     %[[ZERO:.+]] = linalg.fill {{.*}} outs(%[[S]] : tensor<2x12xf32>)
//       CHECK:     %[[HR:.+]] = linalg.matmul_transpose_b ins(%[[HD]], %[[RD]] : {{.*}}) outs(%[[ZERO]] : tensor<2x12xf32>)
//       CHECK:     %[[NEW:.+]] = linalg.generic {{.*}} ins({{.*}}%[[RBH]] : {{.*}}) outs(%[[HD]] : tensor<2x4xf32>)
//       CHECK:     %[[NEXT:.+]] = tensor.insert_slice %[[NEW]] into %[[H]][0, 0, 0] [1, 2, 4]
//       CHECK:     scf.yield %[[NEXT]], %[[HR]]
//       CHECK:   return %[[LOOP]]#0
//   CHECK-NOT:   kiln.
func.func @gru_hoists_input_projection(%x: tensor<5x2x3xf32>, %w: tensor<1x12x3xf32>, %r: tensor<1x12x4xf32>,
                                       %b: tensor<1x24xf32>) -> tensor<1x2x4xf32> {
  %y, %y_h = kiln.gru %x, %w, %r bias(%b) {activation_alpha = array<f32: 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"],
      hidden_size = 4 : i64, linear_before_reset = true}
      : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>, tensor<1x24xf32>)
      -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y_h : tensor<1x2x4xf32>
}

// -----

// Reverse RNN with sequence_lens, Y used: the step runs backwards
// (t = S - 1 - i), Y is carried and written at [t, 0], and the gate generic
// selects on t < sequence_lens[n] (old state, zero Y row otherwise).
// CHECK-LABEL: func.func @rnn_reverse_with_lengths(
//  CHECK-SAME:     %[[LENS:[^:]+]]: tensor<2xi32>
//       CHECK:   %[[Y0:.+]] = tensor.empty() : tensor<3x1x2x4xf32>
//       CHECK:   scf.for %[[I:.+]] = {{.*}} iter_args(%{{.+}} = %{{.+}}, %[[Y:.+]] = %[[Y0]], %{{.+}} = %{{.+}})
//       CHECK:     %[[T:.+]] = arith.subi %{{.+}}, %[[I]] : index
//       CHECK:     %[[YT:.+]] = tensor.extract_slice %[[Y]][%[[T]], 0, 0, 0] [1, 1, 2, 4]
//       CHECK:     %[[TLEN:.+]] = arith.index_cast %[[T]] : index to i32
//       CHECK:     linalg.generic {{.*}} ins({{.*}}, %[[LENS]] : {{.*}}, tensor<2xi32>) outs(%{{.+}}, %[[YT]] : tensor<2x4xf32>, tensor<2x4xf32>)
//       CHECK:       %[[VALID:.+]] = arith.cmpi slt, %[[TLEN]], %{{.+}} : i32
//       CHECK:       arith.select %[[VALID]]
//       CHECK:       arith.select %[[VALID]]
//       CHECK:     tensor.insert_slice %{{.+}} into %[[Y]][%[[T]], 0, 0, 0] [1, 1, 2, 4]
func.func @rnn_reverse_with_lengths(%x: tensor<3x2x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>,
                                    %lens: tensor<2xi32>) -> (tensor<3x1x2x4xf32>, tensor<1x2x4xf32>) {
  %y, %y_h = kiln.rnn %x, %w, %r sequence_lens(%lens) {activation_alpha = array<f32: 0.0>,
      activation_beta = array<f32: 0.0>, activations = ["Tanh"], direction = "reverse",
      hidden_size = 4 : i64}
      : (tensor<3x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>, tensor<2xi32>)
      -> (tensor<3x1x2x4xf32>, tensor<1x2x4xf32>)
  return %y, %y_h : tensor<3x1x2x4xf32>, tensor<1x2x4xf32>
}

// -----

// Bidirectional LSTM: one loop per direction, the second continuing from the
// first's Y_h and Y_c (each direction owns its slice [d]).
// CHECK-LABEL: func.func @lstm_bidirectional_two_loops(
//       CHECK:   %[[FWD:.+]]:3 = scf.for
//       CHECK:     tensor.extract_slice %{{.+}}[0, 0, 0] [1, 2, 4]
//       CHECK:   scf.for {{.*}} iter_args(%{{.+}} = %[[FWD]]#0, %{{.+}} = %[[FWD]]#1, %{{.+}} = %{{.+}})
//       CHECK:     tensor.extract_slice %{{.+}}[1, 0, 0] [1, 2, 4]
func.func @lstm_bidirectional_two_loops(%x: tensor<3x2x3xf32>, %w: tensor<2x16x3xf32>, %r: tensor<2x16x4xf32>)
    -> (tensor<2x2x4xf32>, tensor<2x2x4xf32>) {
  %y, %y_h, %y_c = kiln.lstm %x, %w, %r {
      activation_alpha = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>,
      activation_beta = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0>,
      activations = ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Tanh", "Tanh"],
      direction = "bidirectional", hidden_size = 4 : i64}
      : (tensor<3x2x3xf32>, tensor<2x16x3xf32>, tensor<2x16x4xf32>)
      -> (tensor<3x2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x2x4xf32>)
  return %y_h, %y_c : tensor<2x2x4xf32>, tensor<2x2x4xf32>
}
