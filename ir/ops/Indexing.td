//===- Indexing.td - kiln ops: gather, scatter, resize -----*- tablegen -*-===//
//
// Gather/scatter, one-hot, resize.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Indexing.h.
//
// Indices are data, not shapes: they arrive at run time. ONNX leaves
// out-of-range indices undefined (or an error); kiln never reads or writes
// outside a buffer, so every index is first made non-negative (a negative
// index counts from the end, as ONNX says) and then clamped to the valid
// range [0, dim - 1]. An index that is still out of range therefore reads,
// or writes, the nearest edge element.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_INDEXING_TD
#define KILN_IR_OPS_INDEXING_TD

def Kiln_IndexTensor : StaticShapeTensorOf<[I32, I64]>;

// ONNX `reduction` of ScatterElements/ScatterND at opset 17.
def Kiln_ScatterReduction : StringBasedAttr<And<[
    CPred<"::llvm::isa<::mlir::StringAttr>($_self)">,
    CPred<"::llvm::is_contained(::llvm::ArrayRef<::llvm::StringRef>{"
          "\"none\", \"add\", \"mul\"}, "
          "::llvm::cast<::mlir::StringAttr>($_self).getValue())">]>,
    "scatter reduction: none, add or mul">;

//===----------------------------------------------------------------------===//
// Gathers
//===----------------------------------------------------------------------===//

def Kiln_GatherOp : Kiln_InferredOp<"gather", "inferGather"> {
  let summary = "Gathers slices along one axis by runtime indices";
  let description = [{
    Imported from ONNX `Gather`. With `data` of rank r and `indices` of
    rank q, the result has rank q + r - 1:
    `result[i0.., j.., k..] = data[i0.., indices[j..], k..]`, the `j` dims
    replacing dim `axis` of `data`. `axis` is non-negative. Negative
    indices count from the end; indices still out of range are clamped.
    Folds when both operands are constants (shape subgraphs).

    ```mlir
    %y = kiln.gather %x, %i {axis = 1 : i64}
        : (tensor<3x5xf32>, tensor<2x2xi64>) -> tensor<3x2x2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_GatherElementsOp
    : Kiln_InferredOp<"gather_elements", "inferGatherElements"> {
  let summary = "Gathers single elements along one axis";
  let description = [{
    Imported from ONNX `GatherElements`. `indices` has the rank of `data`
    and the result its shape: `result[i..] = data[i..]` with coordinate
    `axis` replaced by `indices[i..]`. Other dims of `indices` may be
    smaller than those of `data`. Negative indices count from the end;
    indices still out of range are clamped.

    ```mlir
    %y = kiln.gather_elements %x, %i {axis = 1 : i64}
        : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_GatherNDOp : Kiln_InferredOp<"gather_nd", "inferGatherND"> {
  let summary = "Gathers slices addressed by index tuples";
  let description = [{
    Imported from ONNX `GatherND`. The last dim of `indices` (size k) holds
    coordinates into dims `batch_dims .. batch_dims + k - 1` of `data`; the
    first `batch_dims` dims of both are shared. The result shape is
    `indices.shape[:-1] + data.shape[batch_dims + k:]`. Negative indices
    count from the end; indices still out of range are clamped.

    ```mlir
    %y = kiln.gather_nd %x, %i {batch_dims = 0 : i64}
        : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Scatters
//===----------------------------------------------------------------------===//

def Kiln_ScatterElementsOp
    : Kiln_InferredOp<"scatter_elements", "inferScatterElements"> {
  let summary = "Copies data, then writes updates at per-element indices";
  let description = [{
    Imported from ONNX `ScatterElements` (and the deprecated `Scatter`).
    The result is `data` with, for every position `i..` of `updates`, the
    element at `i..` (coordinate `axis` replaced by `indices[i..]`) set to
    `updates[i..]`, or combined with it by `reduction` (`add`, `mul`).
    Updates are applied in row-major order, so with duplicate indices and
    `reduction = "none"` the last one wins. Negative indices count from the
    end; indices still out of range are clamped (they write the edge).

    ```mlir
    %y = kiln.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"}
        : (tensor<1x5xf32>, tensor<1x2xi64>, tensor<1x2xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       Kiln_Tensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<Kiln_ScatterReduction,
                                         "\"none\"">:$reduction);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_ScatterNDOp : Kiln_InferredOp<"scatter_nd", "inferScatterND"> {
  let summary = "Copies data, then writes update slices at index tuples";
  let description = [{
    Imported from ONNX `ScatterND`. The last dim of `indices` (size k)
    addresses a slice `data[idx.., :, ...]` of shape `data.shape[k:]`;
    `updates` has shape `indices.shape[:-1] + data.shape[k:]`. Each slice is
    replaced by its update or combined with it by `reduction` (`add`,
    `mul`), in row-major order of the index tuples. Negative indices count
    from the end; indices still out of range are clamped.

    ```mlir
    %y = kiln.scatter_nd %x, %i, %u {reduction = "none"}
        : (tensor<8xf32>, tensor<4x1xi64>, tensor<4xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       Kiln_Tensor:$updates,
                       DefaultValuedAttr<Kiln_ScatterReduction,
                                         "\"none\"">:$reduction);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// One-hot
//===----------------------------------------------------------------------===//

def Kiln_OneHotOp : Kiln_InferredOp<"one_hot", "inferOneHot"> {
  let summary = "One-hot encoding along a new axis";
  let description = [{
    Imported from ONNX `OneHot`; `depth` (an input in ONNX) must be a
    compile-time constant since it decides the shape. The result has the
    shape of `indices` with a dim of size `depth` inserted at `axis`
    (non-negative, at most the rank of `indices`) and the element type of
    `values = [off, on]`: `result[.., j, ..] = (indices[..] == j) ? on :
    off`. A negative index counts from the end (`index + depth`); an index
    outside `[-depth, depth - 1]` gives a row of `off`. Float indices are
    truncated towards zero first.

    ```mlir
    %y = kiln.one_hot %i, %v {axis = 1 : i64, depth = 10 : i64}
        : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x10xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$indices, Kiln_Tensor:$values,
                       I64Attr:$depth, I64Attr:$axis);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $indices `,` $values attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

def Kiln_ResizeOp : Kiln_Op<"resize", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Resizes every dim by nearest, linear or cubic interpolation";
  let description = [{
    Imported from ONNX `Resize` (opset 17; `Upsample` arrives as `Resize`
    through the loader's version conversion). `roi`, `scales` and `sizes`
    decide the shape, so the importer requires them as compile-time
    constants and turns `sizes` into `scales = sizes / input`. `scales` has
    one entry per dim; the result type holds the output sizes. `roi` (only
    read by `tf_crop_and_resize`) holds every dim's start, then every dim's
    end, normalised to [0, 1].

    `mode` is `nearest`, `linear` or `cubic` (applied to each dim in turn,
    so `linear` on two dims is bilinear); `coordinate_transformation_mode`
    is one of `half_pixel`, `pytorch_half_pixel`, `align_corners`,
    `asymmetric`, `tf_half_pixel_for_nn`, `tf_crop_and_resize`;
    `nearest_mode` is `round_prefer_floor`, `round_prefer_ceil`, `floor` or
    `ceil`. `cubic_coeff_a`, `exclude_outside` and `extrapolation_value`
    have their ONNX meaning. Neighbours outside the input repeat the edge.
    Only `nearest` accepts integer elements.

    ```mlir
    %y = kiln.resize %x {coordinate_transformation_mode = "half_pixel",
                         cubic_coeff_a = -7.5e-01 : f64, exclude_outside = false,
                         extrapolation_value = 0.0 : f64, mode = "linear",
                         nearest_mode = "round_prefer_floor",
                         roi = array<f64>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
        : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, StrAttr:$mode,
                       StrAttr:$coordinate_transformation_mode,
                       StrAttr:$nearest_mode, F64Attr:$cubic_coeff_a,
                       BoolAttr:$exclude_outside, F64Attr:$extrapolation_value,
                       DenseF64ArrayAttr:$scales, DenseF64ArrayAttr:$roi);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1; // Attribute values, scales/roi sizes, result rank.
}

#endif // KILN_IR_OPS_INDEXING_TD
