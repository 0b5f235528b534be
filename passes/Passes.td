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

def TileAndVectorizeContractionsPass
    : Pass<"kiln-tile-and-vectorize-contractions", ""> {
  let summary = "Cache- and register-tiles matmuls on buffers and turns the "
                "register tiles into FMAs";
  let description = [{
    Runs on buffers, after bufferization and before
    `convert-linalg-to-loops`. For every statically shaped contraction with
    one M, one N and one K dimension (`linalg.matmul`, `matmul_transpose_a`,
    `matmul_transpose_b`, `batch_matmul` and contraction `linalg.generic`s
    with batch dims):

    1. `matmul_transpose_b` first copies B into a transposed buffer (a
       `linalg.transpose` into a `memref.alloc`), so that the register tiles
       read rows of B;
    2. batch dims are tiled by 1; then N, K and M by the cache tile sizes,
       then N, M and K by the register tile sizes, one dimension at a time,
       giving the loop order n, k, m (cache) and n, m, k (registers); a loop
       whose step does not divide its range is peeled, so every tile has a
       static shape (the remainder tiles are smaller but still vectorized);
    3. every tile is vectorized (`linalg::vectorize`) into a
       `vector.contract`; memref alias ops are folded into the transfers,
       LICM and CSE run, and the accumulator's transfer_read/transfer_write
       are hoisted out of the K loop into loop-carried vectors;
    4. with `lower-contractions` (the default) the contractions become
       outer products, i.e. broadcasts and `vector.fma`, and the transfers
       become 1-D loads and stores, ready for `convert-vector-to-llvm`.

    Without explicit sizes the register tile follows the host's widest
    vector: 8x32x1 (M x N x K) with AVX-512, 6x16x1 with AVX/AVX2, 4x8x1
    otherwise; the cache tile is 128x128x128 with M rounded down to a
    multiple of the register tile. Contractions with dynamic shapes, mixed
    element types or several M/N/K dims are left to
    `convert-linalg-to-loops`, as are ops on tensors.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<512x512xf32>, memref<512x512xf32>)
                  outs(%c : memref<512x512xf32>)
    ```
    After (the innermost loops):
    ```mlir
    scf.for %k = %c0 to %c128 step %c1 iter_args(%acc0 = %c0v, ...) {
      %b0 = vector.load %b[%kk, %j] : memref<512x512xf32>, vector<16xf32>
      %a0 = memref.load %a[%i, %kk] : memref<512x512xf32>
      %s0 = vector.broadcast %a0 : f32 to vector<16xf32>
      %r0 = vector.fma %s0, %b0, %acc0 : vector<16xf32>
      ...
    }
    ```
  }];
  let options = [
    ListOption<"cacheTileSizes", "cache-tile-sizes", "int64_t",
               "M,N,K sizes of the cache tiles (default 128,128,128, M "
               "rounded down to a multiple of the register tile)">,
    ListOption<"registerTileSizes", "register-tile-sizes", "int64_t",
               "M,N,K sizes of the register tiles (default from the host: "
               "8,32,1 with AVX-512, 6,16,1 with AVX2, 4,8,1 otherwise)">,
    Option<"lowerContractions", "lower-contractions", "bool",
           /*default=*/"true",
           "Lower vector.contract to FMAs and transfers to 1-D loads and "
           "stores (false: stop after hoisting, to inspect the contracts)">
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
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
