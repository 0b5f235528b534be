//===- Movement.td - kiln ops: data movement ---------------*- tablegen -*-===//
//
// Shape and data movement: concat, slice, expand, trilu (reshape, flatten,
// transpose and pad are in the "Shape and data movement" section of
// ir/KilnOps.td). Included at the end of ir/KilnOps.td, whose classes
// (Kiln_InferredOp, ...) it uses; shape rules in ir/ops/Movement.h, folders
// in ir/ops/Movement.cpp.
//
// Several ONNX operators need no op of their own: the importer
// (frontends/onnx/ops/Shape.cpp) decomposes them into the ops here.
//   Squeeze, Unsqueeze          -> kiln.reshape
//   Split                       -> one kiln.slice per output
//   Tile                        -> kiln.reshape, kiln.expand, kiln.reshape
//   DepthToSpace, SpaceToDepth  -> kiln.reshape, kiln.transpose, kiln.reshape
//                                  (the ONNX definition of both)
//   Shape, Size, ConstantOfShape, Range -> kiln.constant (shapes are static)
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MOVEMENT_TD
#define KILN_IR_OPS_MOVEMENT_TD

def Kiln_ConcatOp : Kiln_InferredOp<"concat", "inferConcat"> {
  let summary = "Joins tensors along one axis";
  let description = [{
    Imported from ONNX `Concat`. All inputs have the same rank and element
    type and agree on every dim except `axis` (non-negative; the importer
    normalises negative ONNX axes).

    ```mlir
    %y = kiln.concat %a, %b {axis = 1 : i64}
        : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1; // Constant inputs; a single input.
}

def Kiln_SliceOp : Kiln_InferredOp<"slice", "inferSlice",
    [SameOperandsAndResultElementType]> {
  let summary = "Strided window of a tensor; steps may be negative";
  let description = [{
    Imported from ONNX `Slice` (and `Split`). Every dim `i` has an entry in
    `starts`, `sizes` and `steps`: result element `j` along dim `i` is input
    element `starts[i] + j * steps[i]`. The importer resolves ONNX's
    negative and out-of-range starts/ends and missing axes, so every index
    read lies inside the input; `steps` are non-zero.

    ```mlir
    %y = kiln.slice %x {sizes = array<i64: 2, 3>, starts = array<i64: 0, 9>,
                        steps = array<i64: 1, -3>}
        : (tensor<4x10xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$steps);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1; // Whole-tensor slice; constant input.
}

def Kiln_ExpandOp : Kiln_InferredOp<"expand", "inferExpand",
    [SameOperandsAndResultElementType]> {
  let summary = "Broadcasts a tensor against a shape (NumPy rules)";
  let description = [{
    Imported from ONNX `Expand` with a constant `shape`; also the middle of
    the `Tile` decomposition. The result shape is the NumPy broadcast of
    the input shape and `shape` (so a 1 in `shape` keeps the input dim).

    ```mlir
    %y = kiln.expand %x {shape = array<i64: 2, 1, 6>}
        : (tensor<3x1xf32>) -> tensor<2x3x6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1; // Same type; constant input.
}

def Kiln_TriluOp : Kiln_InferredOp<"trilu", "inferTrilu"> {
  let summary = "Keeps the upper or lower triangle of the last two dims";
  let description = [{
    Imported from ONNX `Trilu`. Element `[..., i, j]` is kept when
    `j - i >= k` (`upper`) or `j - i <= k` (lower) and set to zero
    otherwise; leading dims are batch dims.

    `k` is the attribute when ONNX's `k` is a compile-time constant; when it
    is a run-time value, the optional `k` operand (an `i64` tensor of one
    element, rank 0 or 1) holds it and the attribute is absent. Without
    either, `k` is 0. The result shape never depends on `k`.

    ```mlir
    %y = kiln.trilu %x {k = 1 : i64, upper = true}
        : (tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
    %z = kiln.trilu %x k(%k) {upper = false}
        : (tensor<2x4x5xf32>, tensor<i64>) -> tensor<2x4x5xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Optional<Kiln_Tensor>:$dynamic_k,
                       BoolAttr:$upper, OptionalAttr<I64Attr>:$k);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $input (`k` `(` $dynamic_k^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // KILN_IR_OPS_MOVEMENT_TD
