//===- Reduction.td - kiln ops: reductions, losses ---------*- tablegen -*-===//
//
// Reductions, arg-reductions, cumulative sums, top-k, softmax variants and
// losses.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Reduction.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_REDUCTION_TD
#define KILN_IR_OPS_REDUCTION_TD

// Class indices of the losses (targets, labels).
def Kiln_ClassIndexTensor : StaticShapeTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// Reductions over a set of axes
//===----------------------------------------------------------------------===//

class Kiln_ReduceOp<string mnemonic, string onnxName, string formula,
                    Type tensorType = Kiln_Tensor>
    : Kiln_InferredOp<mnemonic, "inferReduce",
                      [SameOperandsAndResultElementType]> {
  let summary = onnxName # " over a set of axes: " # formula;
  let description = [{
    Imported from ONNX `}] # onnxName # [{`: `}] # formula # [{`, over the
    dims in `axes`. `axes` is sorted, without duplicates, and non-negative:
    the importer normalises negative ONNX axes and turns an empty `axes`
    into all dims (or, with `noop_with_empty_axes`, into no op at all). An
    empty `axes` here reduces over nothing: the per-element part of the
    formula still applies. With `keepdims` the reduced dims stay with size 1,
    otherwise they are dropped.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {axes = array<i64: 1>, keepdims = true}
        : (tensor<3x2x2xf32>) -> tensor<3x1x2xf32>
    ```
  }];
  let arguments = (ins tensorType:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "ReduceSum", "sum(x)">;
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "ReduceMean",
    "sum(x) / count">;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "ReduceMax", "max(x)">;
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min", "ReduceMin", "min(x)">;
def Kiln_ReduceProdOp : Kiln_ReduceOp<"reduce_prod", "ReduceProd",
    "prod(x)">;
def Kiln_ReduceL1Op : Kiln_ReduceOp<"reduce_l1", "ReduceL1", "sum(|x|)">;
def Kiln_ReduceL2Op : Kiln_ReduceOp<"reduce_l2", "ReduceL2",
    "sqrt(sum(x * x))", Kiln_FloatTensor>;
def Kiln_ReduceLogSumOp : Kiln_ReduceOp<"reduce_log_sum", "ReduceLogSum",
    "log(sum(x))", Kiln_FloatTensor>;
def Kiln_ReduceLogSumExpOp : Kiln_ReduceOp<"reduce_log_sum_exp",
    "ReduceLogSumExp", "log(sum(exp(x)))", Kiln_FloatTensor>;
def Kiln_ReduceSumSquareOp : Kiln_ReduceOp<"reduce_sum_square",
    "ReduceSumSquare", "sum(x * x)">;

//===----------------------------------------------------------------------===//
// Arg-reductions
//===----------------------------------------------------------------------===//

class Kiln_ArgReduceOp<string mnemonic, string onnxName, string which>
    : Kiln_InferredOp<mnemonic, "inferArgReduce"> {
  let summary = "Index of the " # which # " element along one axis";
  let description = [{
    Imported from ONNX `}] # onnxName # [{`: the `i64` index of the }] #
    which # [{ element along `axis` (non-negative). Ties resolve to the
    first such index, or to the last one with `select_last_index`. With
    `keepdims` the axis stays with size 1, otherwise it is dropped.

    ```mlir
    %i = kiln.}] # mnemonic # [{ %x {axis = 1 : i64, keepdims = false,
                                 select_last_index = false}
        : (tensor<2x3xf32>) -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs TensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_ArgMaxOp : Kiln_ArgReduceOp<"arg_max", "ArgMax", "largest">;
def Kiln_ArgMinOp : Kiln_ArgReduceOp<"arg_min", "ArgMin", "smallest">;

//===----------------------------------------------------------------------===//
// Scans and selection
//===----------------------------------------------------------------------===//

def Kiln_CumSumOp : Kiln_InferredOp<"cumsum", "inferCumSum"> {
  let summary = "Cumulative sum along one axis";
  let description = [{
    Imported from ONNX `CumSum` whose `axis` input is a constant, made
    non-negative. `y[i] = sum(x[j] for j <= i)` along `axis`; `exclusive`
    leaves out `x[i]` itself, `reverse` sums from the end instead.

    ```mlir
    %y = kiln.cumsum %x {axis = 0 : i64, exclusive = false, reverse = true}
        : (tensor<5xf64>) -> tensor<5xf64>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_TopKOp : Kiln_InferredOp<"top_k", "inferTopK"> {
  let summary = "The k largest (or smallest) elements along one axis";
  let description = [{
    Imported from ONNX `TopK` whose `K` input is a constant. `values` holds
    the `k` largest elements along `axis` (the smallest without `largest`),
    in sorted order, and `indices` their `i64` positions in the input. Equal
    elements keep their input order (the lower index comes first), as ONNX
    specifies. ONNX leaves the order unspecified without `sorted`; kiln
    always sorts, which is one valid order.

    ```mlir
    %v, %i = kiln.top_k %x {axis = 1 : i64, k = 3 : i64, largest = true,
                           sorted = true}
        : (tensor<3x4xf32>) -> (tensor<3x3xf32>, tensor<3x3xi64>)
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, I64Attr:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs Kiln_Tensor:$values, TensorOf<[I64]>:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Softmax variants (Softmax and LogSoftmax are in ir/KilnOps.td)
//===----------------------------------------------------------------------===//

def Kiln_HardmaxOp : Kiln_AxisNormalizationOp<"hardmax", "Hardmax",
    "1 at the first maximum along the axis, 0 elsewhere">;

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def Kiln_NllLossOp : Kiln_InferredOp<"nll_loss", "inferNllLoss"> {
  let summary = "Negative log-likelihood loss of log-probabilities";
  let description = [{
    Imported from ONNX `NegativeLogLikelihoodLoss`. `input` is
    `[N, C, D1, ...]` (log-probabilities), `target` `[N, D1, ...]` holds
    class indices in `[0, C)` and the optional `weight` is `[C]`. Per
    element, `loss = -weight[t] * input[n, t, d...]` with `t = target[n,
    d...]`; an element whose target equals `ignore_index` has loss and
    weight 0. `reduction` is `none` (result `[N, D1, ...]`), `sum` (a scalar)
    or `mean` (a scalar: the sum divided by the sum of the weights used).

    ```mlir
    %l = kiln.nll_loss %x, %t, %w {ignore_index = -1 : i64,
                                   reduction = "mean"}
        : (tensor<3x5xf32>, tensor<3xi64>, tensor<5xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       Kiln_ClassIndexTensor:$target,
                       Optional<Kiln_FloatTensor>:$weight,
                       DefaultValuedAttr<StrAttr, "\"mean\"">:$reduction,
                       OptionalAttr<I64Attr>:$ignore_index);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $target (`,` $weight^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_SoftmaxCrossEntropyLossOp
    : Kiln_InferredOp<"softmax_cross_entropy_loss", "inferSoftmaxCrossEntropy"> {
  let summary = "Cross-entropy loss of unnormalised scores, with log-probs";
  let description = [{
    Imported from ONNX `SoftmaxCrossEntropyLoss`: `log_prob` is the log
    softmax of `scores` (`[N, C, D1, ...]`) along dim 1, and `loss` is
    `kiln.nll_loss` of `log_prob` with the same `labels`, `weights`,
    `reduction` and `ignore_index`.

    ```mlir
    %l, %p = kiln.softmax_cross_entropy_loss %x, %t {reduction = "sum"}
        : (tensor<3x5xf32>, tensor<3xi64>) -> (tensor<f32>, tensor<3x5xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$scores,
                       Kiln_ClassIndexTensor:$labels,
                       Optional<Kiln_FloatTensor>:$weights,
                       DefaultValuedAttr<StrAttr, "\"mean\"">:$reduction,
                       OptionalAttr<I64Attr>:$ignore_index);
  let results = (outs Kiln_FloatTensor:$loss, Kiln_FloatTensor:$log_prob);
  let assemblyFormat = [{
    $scores `,` $labels (`,` $weights^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // KILN_IR_OPS_REDUCTION_TD
