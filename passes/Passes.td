//===- Passes.td - The kiln pass catalogue ---------------------*- tablegen -*-===//
//
// Every kiln pass, grouped by stage and alphabetical within a group. The
// pipelines that order them are C++ functions in compiler/Pipeline.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_PASSES_TD
#define KILN_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Graph-level rewrites
//===----------------------------------------------------------------------===//

def FreezeParamsPass : Pass<"kiln-freeze-params", ""> {
  let summary = "Turns trainable parameters into constants for inference";
  let description = [{
    Replaces every `kiln.param` by a `kiln.constant` with the same value and
    location. An inference compile runs it first, so that folding and
    constant-weight rewrites (packing, BatchNorm folding) see the weights.
    A training compile must not run it.

    Before:
    ```mlir
    %w = kiln.param "fc.weight" = dense<1.0> : tensor<2x2xf32>
    ```
    After:
    ```mlir
    %w = kiln.constant dense<1.0> : tensor<2x2xf32>
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

def ApproximateMathPass : Pass<"kiln-approximate-math", ""> {
  let summary = "Expands f32 transcendental math ops into polynomials";
  let description = [{
    Rewrites `math.exp`, `math.log`, `math.tanh`, `math.erf` and friends on
    f32 (scalars and vectors) into arithmetic with MLIR's polynomial
    approximations (a few ulp), so generated code needs no libm call for
    them and vectorizes. Other element types are left for
    `convert-math-to-libm`.

    Before:
    ```mlir
    %y = math.tanh %x : f32
    ```
    After: a clamped rational approximation in `arith` ops.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def ExpandMemRefCopyPass : Pass<"kiln-expand-memref-copy", ""> {
  let summary = "Turns memref.copy into linalg.copy, so no runtime call remains";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` that it cannot prove
    contiguous into a call to `memrefCopy` from MLIR's C runner utilities,
    a library compiled models must not need. A `linalg.copy` lowers to plain
    loops instead.

    Before:
    ```mlir
    memref.copy %src, %dst : memref<4x3xf32> to memref<4x3xf32>
    ```
    After:
    ```mlir
    linalg.copy ins(%src : memref<4x3xf32>) outs(%dst : memref<4x3xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

def ConvertKilnToLinalgPass
    : Pass<"convert-kiln-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lowers kiln ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every kiln op becomes value-semantic upstream IR, ready for one-shot
    bufferization:

    - elementwise ops (with NumPy broadcasting): one `linalg.generic` each;
    - `kiln.matmul` on matrices: `linalg.matmul` (`linalg.batch_matmul` for
      equal batch dims, a contraction `linalg.generic` otherwise); `kiln.gemm`
      with `trans_b`: `linalg.matmul_transpose_b`, then the alpha/beta/C
      epilogue;
    - convolution and pooling: `tensor.pad`, then a `linalg.generic` over the
      output and window dims (groups split into their own dim); average
      pooling divides by a compile-time table of window sizes;
    - softmax, log-softmax, batch norm: reductions and elementwise generics;
    - reshape/flatten: `tensor.collapse_shape` + `tensor.expand_shape`;
      transpose: `linalg.transpose`; pad: `tensor.pad`;
    - `kiln.constant` and `kiln.param` (an inference lowering): `arith.constant`.

    Before:
    ```mlir
    %y = kiln.relu %x : tensor<2x8xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<2x8xf32>
    %y = linalg.generic {...} ins(%x : tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<2x8xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // KILN_PASSES_PASSES_TD
