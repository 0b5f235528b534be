//===- KilnOps.td - Operations of the kiln dialect -------------*- tablegen -*-===//
//
// One op per ONNX operator family, with ONNX semantics normalised at import:
// negative axes are made non-negative, `auto_pad` becomes explicit pads, and
// optional attributes carry their defaults. Result shapes come from each op's
// `inferReturnTypes`, the single home of its shape rules.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_KILNOPS_TD
#define KILN_IR_KILNOPS_TD

include "ir/KilnBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Shared body of ops whose shape rule is a function in ir/ShapeInference.h:
// `$cppClass::inferReturnTypes` forwards to `inferFn(location, opName,
// adaptor, inferred)`.
class Kiln_InferredOp<string mnemonic, string inferFn, list<Trait> traits = []>
    : Kiln_Op<mnemonic, traits # [Pure, InferTypeOpAdaptor]> {
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::kiln::}] # inferFn # [{(location, getOperationName(), adaptor,
                                        inferred);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Constants and parameters
//===----------------------------------------------------------------------===//

def Kiln_ConstantOp : Kiln_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "A compile-time constant tensor";
  let description = [{
    Imported from ONNX `Constant` nodes and produced by constant folding.
    Large values are `dense_resource` blobs so that IR dumps stay readable
    (`--mlir-elide-resource-strings-if-larger`).

    ```mlir
    %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Kiln_ParamOp : Kiln_Op<"param",
    [Pure, AllTypesMatch<["value", "result"]>,
     DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A named model parameter with its initial value";
  let description = [{
    Imported from an ONNX graph initializer. `name` is the initializer name,
    unique within the module. Inference treats a parameter as a constant;
    training treats it as state: its value is the initial value, updated by
    each `train_step`. Parameters therefore do not constant-fold.

    ```mlir
    %w = kiln.param "fc1.weight" = dense_resource<fc1.weight> : tensor<8x4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$name attr-dict `=` $value";
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops (NumPy broadcasting)
//===----------------------------------------------------------------------===//

class Kiln_BroadcastBinaryOp<string mnemonic, string onnxName,
                             list<Trait> traits = []>
    : Kiln_InferredOp<mnemonic, "inferBroadcastBinary",
                      traits # [SameOperandsAndResultElementType]> {
  let summary = "Elementwise " # onnxName # " with NumPy-style broadcasting";
  let description = [{
    Imported from ONNX `}] # onnxName # [{`. Operand shapes broadcast
    right-aligned and the result has the broadcast shape.

    ```mlir
    %r = kiln.}] # mnemonic # [{ %a, %b
        : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_AddOp : Kiln_BroadcastBinaryOp<"add", "Add", [Commutative]>;
def Kiln_SubOp : Kiln_BroadcastBinaryOp<"sub", "Sub">;
def Kiln_MulOp : Kiln_BroadcastBinaryOp<"mul", "Mul", [Commutative]>;
def Kiln_DivOp : Kiln_BroadcastBinaryOp<"div", "Div">;

//===----------------------------------------------------------------------===//
// Elementwise unary ops (activations)
//===----------------------------------------------------------------------===//

class Kiln_UnaryFloatOp<string mnemonic, string onnxName, string formula>
    : Kiln_InferredOp<mnemonic, "inferSameAsInput"> {
  let summary = "Elementwise " # onnxName # ": " # formula;
  let description = [{
    Imported from ONNX `}] # onnxName # [{`: `}] # formula # [{`.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_ReluOp : Kiln_UnaryFloatOp<"relu", "Relu", "y = max(x, 0)">;
def Kiln_SigmoidOp
    : Kiln_UnaryFloatOp<"sigmoid", "Sigmoid", "y = 1 / (1 + exp(-x))">;
def Kiln_TanhOp : Kiln_UnaryFloatOp<"tanh", "Tanh", "y = tanh(x)">;

class Kiln_AxisNormalizationOp<string mnemonic, string onnxName,
                               string formula>
    : Kiln_InferredOp<mnemonic, "inferSoftmaxLike"> {
  let summary = onnxName # " along one axis: " # formula;
  let description = [{
    Imported from ONNX `}] # onnxName # [{` (opset 13 semantics: one axis).
    `axis` is non-negative; the importer normalises negative ONNX axes.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {axis = 1 : i64} : tensor<4x10xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_SoftmaxOp : Kiln_AxisNormalizationOp<"softmax", "Softmax",
    "exp(x) / sum(exp(x))">;
def Kiln_LogSoftmaxOp : Kiln_AxisNormalizationOp<"log_softmax", "LogSoftmax",
    "x - log(sum(exp(x)))">;

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Kiln_MatMulOp : Kiln_InferredOp<"matmul", "inferMatMul",
    [SameOperandsAndResultElementType]> {
  let summary = "Matrix product with NumPy `matmul` semantics";
  let description = [{
    Imported from ONNX `MatMul`. A 1-D operand is promoted to a matrix (and
    the added dimension removed from the result); leading batch dimensions
    broadcast.

    ```mlir
    %y = kiln.matmul %a, %b
        : (tensor<2x4x6xf32>, tensor<6x5xf32>) -> tensor<2x4x5xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_GemmOp : Kiln_InferredOp<"gemm", "inferGemm"> {
  let summary = "General matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    Imported from ONNX `Gemm`. `op(X)` is `X` or its transpose per
    `trans_a`/`trans_b`. `c` is optional and broadcasts to `[M, N]`.

    ```mlir
    %y = kiln.gemm %x, %w, %b {trans_b = true}
        : (tensor<2x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$a, Kiln_FloatTensor:$b,
                       Optional<Kiln_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_EinsumOp : Kiln_InferredOp<"einsum", "inferEinsum"> {
  let summary = "Einstein summation over one or more operands";
  let description = [{
    Imported from ONNX `Einsum`. `equation` is in explicit form: one letter
    per dim of each operand, then `->` and one letter per result dim. The
    importer expands `...` into letters of their own and spells out an
    implicit result, so no `...` and no spaces remain (ir/Einsum.h).

    The result element at an index is the sum, over every letter that is not
    in the result, of the product of the operand elements the letters pick.
    A letter repeated within one operand reads its diagonal. A letter's dims
    agree in size, except that a dim of size 1 broadcasts. All operands have
    the element type of the result.

    ```mlir
    %y = kiln.einsum "bij,bjk->bik" %a, %b
        : (tensor<5x2x3xf64>, tensor<5x3x4xf64>) -> tensor<5x2x4xf64>
    %d = kiln.einsum "Aii->Ai" %x : (tensor<3x5x5xf64>) -> tensor<3x5xf64>
    ```
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, StrAttr:$equation);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $equation $inputs attr-dict `:` functional-type($inputs, results)
  }];
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_Op<"reshape", [Pure,
    SameOperandsAndResultElementType]> {
  let summary = "Reinterprets a tensor with another static shape";
  let description = [{
    Imported from ONNX `Reshape` whose `shape` input is a constant; the
    importer resolves `0` and `-1` entries, so the result type is the shape.

    ```mlir
    %y = kiln.reshape %x : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1; // Element counts must agree.
  let hasFolder = 1;   // Same type, reshape of reshape, constant input.
}

def Kiln_FlattenOp : Kiln_InferredOp<"flatten", "inferFlatten",
    [SameOperandsAndResultElementType]> {
  let summary = "Flattens to 2-D: [prod(d[0:axis]), prod(d[axis:])]";
  let description = [{
    Imported from ONNX `Flatten`; `0 <= axis <= rank`.

    ```mlir
    %y = kiln.flatten %x {axis = 1 : i64}
        : (tensor<1x16x5x5xf32>) -> tensor<1x400xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_TransposeOp : Kiln_InferredOp<"transpose", "inferTranspose",
    [SameOperandsAndResultElementType]> {
  let summary = "Permutes dimensions: result dim i is input dim perm[i]";
  let description = [{
    Imported from ONNX `Transpose` (a missing `perm` reverses the dims).

    ```mlir
    %y = kiln.transpose %x {perm = array<i64: 2, 0, 1>}
        : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_PadOp : Kiln_InferredOp<"pad", "inferPad",
    [SameOperandsAndResultElementType]> {
  let summary = "Pads every dim: constant, reflect or edge mode";
  let description = [{
    Imported from ONNX `Pad`. `pads` holds the begin pads of every dim, then
    the end pads; entries are non-negative (the importer turns negative ONNX
    pads, which crop, into a `kiln.slice`). `mode` is `constant` (fill with
    `value`), `reflect` (mirror without repeating the edge; a pad must be
    smaller than its dim) or `edge` (repeat the edge element).

    A constant-mode fill value that is only known at run time (data, not a
    shape) is the optional `value` operand: one element of the input's
    element type, rank 0 or 1; the `value` attribute then stays 0.

    ```mlir
    %y = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0.0 : f64}
        : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
    %z = kiln.pad %x {mode = "reflect", pads = array<i64: 0, 0, 2, 0, 0, 0, 0, 1>}
        : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x5xf32>
    %w = kiln.pad %x value(%v) {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>}
        : (tensor<1x3x4x4xf32>, tensor<f32>) -> tensor<1x3x6x6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input,
                       Optional<Kiln_Tensor>:$dynamic_value,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<F64Attr, "0.0">:$value,
                       DefaultValuedAttr<StrAttr, "\"constant\"">:$mode);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $input (`value` `(` $dynamic_value^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasFolder = 1; // All-zero pads.
}

//===----------------------------------------------------------------------===//
// Convolution and pooling (NCHW, any number of spatial dims)
//===----------------------------------------------------------------------===//

def Kiln_ConvOp : Kiln_InferredOp<"conv", "inferConv"> {
  let summary = "N-d grouped convolution (cross-correlation), NCHW layout";
  let description = [{
    Imported from ONNX `Conv`. The input is `[N, C, D1, ...]`, the filter
    `[M, C / group, K1, ...]` and the optional bias `[M]`. `pads` holds the
    begin pads of every spatial dim, then the end pads (ONNX order);
    `auto_pad` has been resolved into it. Output spatial size:
    `floor((D + pad_begin + pad_end - dilation * (K - 1) - 1) / stride) + 1`.

    ```mlir
    %y = kiln.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                               pads = array<i64: 1, 1, 1, 1>,
                               strides = array<i64: 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>)
        -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$filter,
                       Optional<Kiln_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

// Max pooling also takes 8-bit integers (ONNX MaxPool: int8 and uint8 since
// opset 12); the other pooling ops are float-only.
def Kiln_MaxPoolTensor : StaticShapeTensorOf<[AnyFloat, I8, UI8]>;

def Kiln_MaxPoolOp : Kiln_InferredOp<"max_pool", "inferMaxPool"> {
  let summary = "N-d max pooling, NCHW layout";
  let description = [{
    Imported from ONNX `MaxPool` without its `Indices` output (with it:
    `kiln.max_pool_with_indices`). Elements are floats or 8-bit integers
    (`i8` for ONNX int8, `ui8` for uint8). Padding is the element type's
    lowest value (-inf, -128, 0), so padded positions never win. With
    `ceil_mode` the output size rounds up.

    ```mlir
    %y = kiln.max_pool %x {ceil_mode = false, dilations = array<i64: 1, 1>,
                           kernel_shape = array<i64: 2, 2>,
                           pads = array<i64: 0, 0, 0, 0>,
                           strides = array<i64: 2, 2>}
        : (tensor<1x6x28x28xf32>) -> tensor<1x6x14x14xf32>
    ```
  }];
  let arguments = (ins Kiln_MaxPoolTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
  let results = (outs Kiln_MaxPoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_AveragePoolOp : Kiln_InferredOp<"average_pool", "inferAveragePool"> {
  let summary = "N-d average pooling, NCHW layout";
  let description = [{
    Imported from ONNX `AveragePool`. With `count_include_pad` the divisor is
    the full window size; otherwise only positions inside the input count.

    ```mlir
    %y = kiln.average_pool %x {ceil_mode = false, count_include_pad = false,
                               kernel_shape = array<i64: 2, 2>,
                               pads = array<i64: 0, 0, 0, 0>,
                               strides = array<i64: 2, 2>}
        : (tensor<1x16x10x10xf32>) -> tensor<1x16x5x5xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Kiln_GlobalAveragePoolOp
    : Kiln_InferredOp<"global_average_pool", "inferGlobalPool"> {
  let summary = "Mean over all spatial dims: [N, C, D...] -> [N, C, 1...]";
  let description = [{
    Imported from ONNX `GlobalAveragePool`.

    ```mlir
    %y = kiln.global_average_pool %x
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

def Kiln_BatchNormOp : Kiln_InferredOp<"batch_norm", "inferBatchNorm"> {
  let summary = "Inference-mode batch normalisation over channel dim 1";
  let description = [{
    Imported from ONNX `BatchNormalization` with `training_mode = 0`:
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias`, where `scale`,
    `bias`, `mean` and `var` are `[C]` and broadcast along dim 1 of `x`.

    ```mlir
    %y = kiln.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
        : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
           tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$var,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Op groups, one file each (shape rules in the matching ir/ops/*.h)
//===----------------------------------------------------------------------===//

include "ir/ops/Activation.td"
include "ir/ops/Indexing.td"
include "ir/ops/Math.td"
include "ir/ops/Movement.td"
include "ir/ops/NN.td"
include "ir/ops/Recurrent.td"
include "ir/ops/Reduction.td"

#endif // KILN_IR_KILNOPS_TD
