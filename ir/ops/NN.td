//===- NN.td - kiln ops: conv family, normalisation --------*- tablegen -*-===//
//
// Convolution-family and normalisation ops beyond the CNN core.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/NN.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_NN_TD
#define KILN_IR_OPS_NN_TD

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

def Kiln_ConvTransposeOp
    : Kiln_InferredOp<"conv_transpose", "inferConvTranspose"> {
  let summary = "N-d grouped transposed convolution, NCHW layout";
  let description = [{
    Imported from ONNX `ConvTranspose`. The input is `[N, C, D1, ...]`, the
    filter `[C, M / group, K1, ...]` and the optional bias `[M]`. Input
    position `i` and tap `k` contribute to output position
    `i * stride + k * dilation - pad_begin`. `pads` holds the begin pads of
    every spatial dim, then the end pads; the importer has resolved
    `auto_pad` and `output_shape` into `pads`. A negative pad extends the
    output by positions no input reaches (they hold the bias). Output size:
    `stride * (D - 1) + output_padding + dilation * (K - 1) + 1
     - pad_begin - pad_end`.

    ```mlir
    %y = kiln.conv_transpose %x, %w {dilations = array<i64: 1, 1>,
                                     group = 1 : i64,
                                     output_padding = array<i64: 0, 0>,
                                     pads = array<i64: 1, 1, 1, 1>,
                                     strides = array<i64: 2, 2>}
        : (tensor<1x8x4x4xf32>, tensor<8x4x4x4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$filter,
                       Optional<Kiln_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$output_padding, I64Attr:$group);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_MaxPoolWithIndicesOp
    : Kiln_InferredOp<"max_pool_with_indices", "inferMaxPoolWithIndices"> {
  let summary = "N-d max pooling that also returns where each maximum is";
  let description = [{
    Imported from ONNX `MaxPool` when its `Indices` output is used. The
    window attributes are those of `kiln.max_pool`. `indices` holds the flat
    position of each maximum in the unpadded input: row-major over
    `[N, C, D1, ...]` when `storage_order` is 0, and with the spatial dims
    column-major (the last varying slowest) when it is 1. Ties go to the
    first position in row-major window order. Element types are those of
    `kiln.max_pool` (floats, `i8`, `ui8`).

    ```mlir
    %y, %i = kiln.max_pool_with_indices %x {ceil_mode = false,
        dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>,
        pads = array<i64: 0, 0, 0, 0>, storage_order = 0 : i64,
        strides = array<i64: 2, 2>}
        : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
    ```
  }];
  let arguments = (ins Kiln_MaxPoolTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                       I64Attr:$storage_order);
  let results = (outs Kiln_MaxPoolTensor:$result, Kiln_Tensor:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_LpPoolOp : Kiln_InferredOp<"lp_pool", "inferLpPool"> {
  let summary = "N-d Lp pooling: (sum over the window of |x|^p)^(1/p)";
  let description = [{
    Imported from ONNX `LpPool`. Padded positions count as zeros.

    ```mlir
    %y = kiln.lp_pool %x {dilations = array<i64: 1, 1>,
                          kernel_shape = array<i64: 2, 2>, p = 2 : i64,
                          pads = array<i64: 0, 0, 0, 0>,
                          strides = array<i64: 1, 1>}
        : (tensor<1x3x4x4xf32>) -> tensor<1x3x3x3xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$p);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_GlobalMaxPoolOp
    : Kiln_InferredOp<"global_max_pool", "inferGlobalPool"> {
  let summary = "Max over all spatial dims: [N, C, D...] -> [N, C, 1...]";
  let description = [{
    Imported from ONNX `GlobalMaxPool`.

    ```mlir
    %y = kiln.global_max_pool %x
        : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

def Kiln_BatchNormTrainingOp
    : Kiln_InferredOp<"batch_norm_training", "inferBatchNormTraining"> {
  let summary = "Training-mode batch normalisation with running statistics";
  let description = [{
    Imported from ONNX `BatchNormalization` with `training_mode = 1`. The
    statistics are those of the batch: `m` and `v` (the biased variance) of
    `x` over every dim but the channel dim 1, and
    `y = scale * (x - m) / sqrt(v + epsilon) + bias`. The running statistics
    are `mean * momentum + m * (1 - momentum)` and
    `var * momentum + v * (1 - momentum)`.

    ```mlir
    %y, %rm, %rv = kiln.batch_norm_training %x, %scale, %bias, %mean, %var
        {epsilon = 1.0e-05 : f32, momentum = 0.9 : f32}
        : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>,
           tensor<3xf32>) -> (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$var,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<F32Attr, "0.9">:$momentum);
  let results = (outs Kiln_FloatTensor:$result, Kiln_FloatTensor:$running_mean,
                      Kiln_FloatTensor:$running_var);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_InstanceNormOp : Kiln_InferredOp<"instance_norm", "inferInstanceNorm"> {
  let summary = "Normalises each [n, c] slice over its spatial dims";
  let description = [{
    Imported from ONNX `InstanceNormalization`:
    `y = scale[c] * (x - mean) / sqrt(var + epsilon) + bias[c]`, with the
    mean and the biased variance of `x[n, c, ...]`.

    ```mlir
    %y = kiln.instance_norm %x, %scale, %bias {epsilon = 1.0e-05 : f32}
        : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>)
        -> tensor<2x3x4x5xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_LayerNormOp : Kiln_InferredOp<"layer_norm", "inferLayerNorm"> {
  let summary = "Normalises over the dims from `axis` on";
  let description = [{
    Imported from ONNX `LayerNormalization`. With `m` and `v` the mean and
    the biased variance of `x` over dims `[axis, rank)`:
    `y = (x - m) / sqrt(v + epsilon) * scale + bias`, where `scale` and the
    optional `bias` broadcast (NumPy-style) to the normalised dims.
    `mean` is `m` and `inv_std_dev` is `1 / sqrt(v + epsilon)`, both of the
    input's shape with the normalised dims set to 1. The statistics are
    computed in f32 when `stash_type` is 1 (ONNX FLOAT), else in the input's
    element type.

    ```mlir
    %y, %m, %r = kiln.layer_norm %x, %scale, %bias {axis = 2 : i64,
        epsilon = 1.0e-05 : f32, stash_type = 1 : i64}
        : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>)
        -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Optional<Kiln_FloatTensor>:$bias, I64Attr:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<I64Attr, "1">:$stash_type);
  let results = (outs Kiln_FloatTensor:$result, Kiln_FloatTensor:$mean,
                      Kiln_FloatTensor:$inv_std_dev);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_MeanVarianceNormOp
    : Kiln_InferredOp<"mean_variance_norm", "inferMeanVarianceNorm"> {
  let summary = "(x - mean) / (sqrt(var) + 1e-9) over the given axes";
  let description = [{
    Imported from ONNX `MeanVarianceNormalization`: the mean and the biased
    variance are taken over `axes` (sorted, non-negative, distinct), and
    `y = (x - mean) / (sqrt(var) + 1e-9)`, as the ONNX function body
    computes it.

    ```mlir
    %y = kiln.mean_variance_norm %x {axes = array<i64: 0, 2, 3>}
        : (tensor<3x3x3x1xf32>) -> tensor<3x3x3x1xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, DenseI64ArrayAttr:$axes);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_LRNOp : Kiln_InferredOp<"lrn", "inferLRN"> {
  let summary = "Local response normalisation across channels";
  let description = [{
    Imported from ONNX `LRN`. With `s[n, c, ...]` the sum of `x^2` over the
    channels `[c - floor((size - 1) / 2), c + ceil((size - 1) / 2)]` that
    exist: `y = x / (bias + alpha / size * s)^beta`.

    ```mlir
    %y = kiln.lrn %x {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32,
                      bias = 1.0 : f32, size = 3 : i64}
        : (tensor<1x5x4x4xf32>) -> tensor<1x5x4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<F32Attr, "1.0e-4">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.75">:$beta,
                       DefaultValuedAttr<F32Attr, "1.0">:$bias, I64Attr:$size);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // KILN_IR_OPS_NN_TD
