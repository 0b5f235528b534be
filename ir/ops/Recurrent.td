//===- Recurrent.td - kiln ops: RNN, LSTM, GRU -------------*- tablegen -*-===//
//
// Recurrent layers: RNN, LSTM, GRU, one op per layer kind with the ONNX
// semantics, so that autodiff can give each a backprop-through-time rule
// (they are not unrolled at import). Included at the end of ir/KilnOps.td,
// whose classes it uses; shape rules in ir/ops/Recurrent.h, attribute checks
// in ir/ops/Recurrent.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_RECURRENT_TD
#define KILN_IR_OPS_RECURRENT_TD

// Shared parts of the three ops. Attributes are normalised at import: every
// optional ONNX attribute carries its default, `activations` holds one name
// per activation function and direction (forward's, then reverse's), and
// `activation_alpha`/`activation_beta` hold one value per entry of
// `activations` (the ONNX default where the function takes none).
class Kiln_RecurrentOp<string mnemonic, string onnxName, list<Trait> traits = []>
    : Kiln_InferredOp<mnemonic, "infer" # onnxName,
                      traits # [AttrSizedOperandSegments]> {
}

defvar Kiln_RecurrentCommonDoc = [{
    Operands, with `D` directions (2 when bidirectional), `G` gates, hidden
    size `H` and layout 0 (layout 1 swaps the sequence and batch dims of
    `input` and `Y`, and the direction and batch dims of the states):

    | operand | shape |
    |---|---|
    | `input` (X) | `[S, N, I]` |
    | `weights` (W) | `[D, G*H, I]` |
    | `recurrence` (R) | `[D, G*H, H]` |
    | `bias` (B, optional) | `[D, 2*G*H]`: W's biases, then R's |
    | `sequence_lens` (optional) | `[N]`, integer |
    | `initial_h` (optional) | `[D, N, H]` |

    Results: `Y` `[S, D, N, H]` (every step's hidden state) and `Y_h`
    `[D, N, H]` (the last one). Every result is always present; a result
    without uses is not computed by the lowering. With `sequence_lens`, the
    steps at and beyond a batch entry's length leave its state unchanged and
    its `Y` zero (the reverse direction starts at the entry's last valid
    step). Missing initial states are zero.

    `direction` is `forward`, `reverse` or `bidirectional`. Activation
    names are the ONNX ones: `Relu`, `Tanh`, `Sigmoid`, `Affine`,
    `LeakyRelu`, `ThresholdedRelu`, `ScaledTanh`, `HardSigmoid`, `Elu`,
    `Softsign`, `Softplus`. `clip`, when present, clamps every gate's input
    to `[-clip, clip]` before its activation.
}];

def Kiln_RnnOp : Kiln_RecurrentOp<"rnn", "Rnn"> {
  let summary = "Elman recurrent layer: H = f(X W^T + H R^T + Wb + Rb)";
  let description = [{
    Imported from ONNX `RNN`: one gate (`G = 1`) and one activation `f` per
    direction (default `Tanh`).
  }] # Kiln_RecurrentCommonDoc # [{

    ```mlir
    %y, %y_h = kiln.rnn %x, %w, %r bias(%b) {
        activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>,
        activations = ["Tanh"], direction = "forward", hidden_size = 4 : i64,
        layout = 0 : i64}
        : (tensor<5x2x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>,
           tensor<1x8xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weights,
                       Kiln_FloatTensor:$recurrence,
                       Optional<Kiln_FloatTensor>:$bias,
                       Optional<Kiln_Tensor>:$sequence_lens,
                       Optional<Kiln_FloatTensor>:$initial_h,
                       I64Attr:$hidden_size,
                       DefaultValuedStrAttr<StrAttr, "forward">:$direction,
                       StrArrayAttr:$activations,
                       DenseF32ArrayAttr:$activation_alpha,
                       DenseF32ArrayAttr:$activation_beta,
                       OptionalAttr<F32Attr>:$clip,
                       DefaultValuedAttr<I64Attr, "0">:$layout);
  let results = (outs Kiln_FloatTensor:$Y, Kiln_FloatTensor:$Y_h);
  let assemblyFormat = [{
    $input `,` $weights `,` $recurrence (`bias` `(` $bias^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_LstmOp : Kiln_RecurrentOp<"lstm", "Lstm"> {
  let summary = "Long short-term memory layer (ONNX LSTM)";
  let description = [{
    Imported from ONNX `LSTM`: gates `i, o, f, c` in that order in W, R and
    B (`G = 4`), activations `f, g, h` per direction (default `Sigmoid,
    Tanh, Tanh`):

    ```
    i = f(X Wi^T + H Ri^T + Pi * C + Wbi + Rbi)
    f = f(X Wf^T + H Rf^T + Pf * C + Wbf + Rbf)    (1 - i with input_forget)
    c = g(X Wc^T + H Rc^T + Wbc + Rbc)
    C' = f * C + i * c
    o = f(X Wo^T + H Ro^T + Po * C' + Wbo + Rbo)
    H' = o * h(C')
    ```

    Besides the common operands it takes `initial_c` (`[D, N, H]`) and the
    peepholes `peepholes` (P, `[D, 3*H]`: `Pi, Po, Pf`), both optional, and
    returns the last cell state `Y_c` (`[D, N, H]`) as a third result.
  }] # Kiln_RecurrentCommonDoc # [{

    ```mlir
    %y, %y_h, %y_c = kiln.lstm %x, %w, %r {
        activation_alpha = array<f32: 0.0, 0.0, 0.0>,
        activation_beta = array<f32: 0.0, 0.0, 0.0>,
        activations = ["Sigmoid", "Tanh", "Tanh"], direction = "forward",
        hidden_size = 4 : i64, input_forget = false, layout = 0 : i64}
        : (tensor<5x2x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>)
        -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weights,
                       Kiln_FloatTensor:$recurrence,
                       Optional<Kiln_FloatTensor>:$bias,
                       Optional<Kiln_Tensor>:$sequence_lens,
                       Optional<Kiln_FloatTensor>:$initial_h,
                       Optional<Kiln_FloatTensor>:$initial_c,
                       Optional<Kiln_FloatTensor>:$peepholes,
                       I64Attr:$hidden_size,
                       DefaultValuedStrAttr<StrAttr, "forward">:$direction,
                       StrArrayAttr:$activations,
                       DenseF32ArrayAttr:$activation_alpha,
                       DenseF32ArrayAttr:$activation_beta,
                       OptionalAttr<F32Attr>:$clip,
                       DefaultValuedAttr<BoolAttr, "false">:$input_forget,
                       DefaultValuedAttr<I64Attr, "0">:$layout);
  let results = (outs Kiln_FloatTensor:$Y, Kiln_FloatTensor:$Y_h,
                      Kiln_FloatTensor:$Y_c);
  let assemblyFormat = [{
    $input `,` $weights `,` $recurrence (`bias` `(` $bias^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)? (`initial_c` `(` $initial_c^ `)`)?
    (`peepholes` `(` $peepholes^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_GruOp : Kiln_RecurrentOp<"gru", "Gru"> {
  let summary = "Gated recurrent unit layer (ONNX GRU)";
  let description = [{
    Imported from ONNX `GRU`: gates `z, r, h` in that order in W, R and B
    (`G = 3`), activations `f, g` per direction (default `Sigmoid, Tanh`):

    ```
    z = f(X Wz^T + H Rz^T + Wbz + Rbz)
    r = f(X Wr^T + H Rr^T + Wbr + Rbr)
    h = g(X Wh^T + (r * H) Rh^T + Rbh + Wbh)      linear_before_reset = false
    h = g(X Wh^T + r * (H Rh^T + Rbh) + Wbh)      linear_before_reset = true
    H' = (1 - z) * h + z * H
    ```

    PyTorch's `nn.GRU` exports with `linear_before_reset`.
  }] # Kiln_RecurrentCommonDoc # [{

    ```mlir
    %y, %y_h = kiln.gru %x, %w, %r bias(%b) {
        activation_alpha = array<f32: 0.0, 0.0>,
        activation_beta = array<f32: 0.0, 0.0>,
        activations = ["Sigmoid", "Tanh"], direction = "forward",
        hidden_size = 4 : i64, layout = 0 : i64, linear_before_reset = true}
        : (tensor<5x2x3xf32>, tensor<1x12x3xf32>, tensor<1x12x4xf32>,
           tensor<1x24xf32>) -> (tensor<5x1x2x4xf32>, tensor<1x2x4xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weights,
                       Kiln_FloatTensor:$recurrence,
                       Optional<Kiln_FloatTensor>:$bias,
                       Optional<Kiln_Tensor>:$sequence_lens,
                       Optional<Kiln_FloatTensor>:$initial_h,
                       I64Attr:$hidden_size,
                       DefaultValuedStrAttr<StrAttr, "forward">:$direction,
                       StrArrayAttr:$activations,
                       DenseF32ArrayAttr:$activation_alpha,
                       DenseF32ArrayAttr:$activation_beta,
                       OptionalAttr<F32Attr>:$clip,
                       DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset,
                       DefaultValuedAttr<I64Attr, "0">:$layout);
  let results = (outs Kiln_FloatTensor:$Y, Kiln_FloatTensor:$Y_h);
  let assemblyFormat = [{
    $input `,` $weights `,` $recurrence (`bias` `(` $bias^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // KILN_IR_OPS_RECURRENT_TD
