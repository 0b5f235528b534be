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

def PackWeightsPass : Pass<"kiln-pack-weights", ""> {
  let summary = "Stores constant weights in the layout the kernels read";
  let description = [{
    Inference only (after `kiln-freeze-params`). A `kiln.gemm` whose `B` is
    a constant given transposed (`trans_b`, as PyTorch exports `Linear`)
    gets the transposed constant and `trans_b = false`; likewise a constant
    `A` with `trans_a`. The contraction kernels read `B` row-major along N:
    a transposed `B` would otherwise be transposed again on every call (for
    a batch-1 MLP that copy costs more than the product). Only f32/f64
    constants whose data is available are rewritten.

    Before:
    ```mlir
    %y = kiln.gemm %x, %w, %b {trans_b = true}
        : (tensor<1x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<1x8xf32>
    ```
    After (`%wt` holds the transpose of `%w`):
    ```mlir
    %y = kiln.gemm %x, %wt, %b
        : (tensor<1x4xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}


//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

def FoldBatchNormPass : Pass<"kiln-fold-batch-norm", ""> {
  let summary = "Folds inference BatchNormalization into the preceding Conv, ConvTranspose or Gemm";
  let description = [{
    Inference only (after `kiln-freeze-params`): a `kiln.batch_norm` whose
    input is a `kiln.conv`, `kiln.conv_transpose` or `kiln.gemm` used by
    nothing else, with constant weights, bias and statistics, becomes that
    op with rescaled weights. With `s = scale / sqrt(var + epsilon)` per
    output channel `m`: the weights of channel `m` (conv filter row `m`;
    conv_transpose filter column `m mod M/group` of group `m div M/group`;
    column `m` of the gemm's `op(B)`) are multiplied by `s[m]`, and
    `bias'[m] = (bias[m] - mean[m]) * s[m] + shift[m]` (a missing bias counts
    as zero; a gemm's `C` must be one row, and `beta` is folded into it). One
    pass over memory and one buffer fewer per folded pair; the result
    differs from the unfolded graph only by rounding.

    Before:
    ```mlir
    %c = kiln.conv %x, %w, %b {...} : (...) -> tensor<1x4x8x8xf32>
    %y = kiln.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0e-05 : f32}
        : (...) -> tensor<1x4x8x8xf32>
    ```
    After:
    ```mlir
    %y = kiln.conv %x, %w2, %b2 {...} : (...) -> tensor<1x4x8x8xf32>
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def FuseElementwisePass : Pass<"kiln-fuse-elementwise", ""> {
  let summary = "Fuses chains of elementwise linalg ops into one loop nest";
  let description = [{
    On tensors, after `convert-kiln-to-linalg`: an all-parallel
    `linalg.generic` whose result only feeds another all-parallel generic is
    merged into it (MLIR's elementwise fusion, restricted to single-use
    producers so that nothing is computed twice). A chain such as
    `add(bias) -> relu`, `mul -> add -> tanh` or a residual `add -> relu`
    then reads and writes memory once, and its intermediate tensors vanish
    from the memory plan. Reductions and contractions are left alone.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

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

def ElementwiseInPlacePass : Pass<"kiln-elementwise-in-place", ""> {
  let summary = "Lets elementwise ops write over an input that dies with them";
  let description = [{
    On tensors, before bufferization: an all-parallel `linalg.generic` whose
    output is a fresh `tensor.empty` takes as its output instead an input of
    the same type that it reads at the same position (identity map) and that
    nothing else uses. One-shot bufferization then writes the result into
    that input's buffer in place: one temporary fewer for the memory plan.
    Function arguments and constants are never overwritten.

    Before:
    ```mlir
    %e = tensor.empty() : tensor<64xf32>
    %r = linalg.generic ... ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>)
    ```
    After:
    ```mlir
    %r = linalg.generic ... ins(%a : tensor<64xf32>) outs(%a : tensor<64xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PlanMemoryPass : Pass<"kiln-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Places every intermediate buffer in one static scratch arena";
  let description = [{
    Runs after bufferization and `buffer-results-to-out-params`. Every
    `memref.alloc` of an entry point becomes a `memref.view` at a static
    offset of a scratch arena, which the function takes as a new last
    argument (`memref<N x i8> {kiln.scratch}`); generated code then never
    calls an allocator. Offsets come from live ranges over the function's
    top-level steps: largest buffers first, each at the lowest aligned
    offset free for its whole lifetime. The plan (offsets, sizes, live
    ranges, producing ONNX nodes, arena size, lower bound, naive sum) is
    left on the function as `kiln.memory_plan`. A zero-size buffer (a 0
    among its sizes) takes no arena bytes and is not planned: it becomes an
    empty `memref.alloca`, so a function whose buffers are all empty takes
    no scratch argument.

    Before:
    ```mlir
    func.func @f(%x: memref<4xf32>, %y: memref<4xf32>) {
      %t = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
      ...
    }
    ```
    After:
    ```mlir
    func.func @f(%x: memref<4xf32>, %y: memref<4xf32>,
                 %scratch: memref<64xi8> {kiln.scratch}) {
      %c0 = arith.constant 0 : index
      %t = memref.view %scratch[%c0][] : memref<64xi8> to memref<4xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"reuse", "reuse", "bool", /*default=*/"true",
           "Share arena bytes between buffers that are never live at the "
           "same time (false: every buffer its own slot, for debugging)">,
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Alignment of every buffer in the arena, in bytes">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def PrepareEntryPointsPass
    : Pass<"kiln-prepare-entry-points", "::mlir::ModuleOp"> {
  let summary = "Makes entry points bufferize to the caller-owned buffer ABI";
  let description = [{
    Runs on tensors just before one-shot bufferization, on every public
    function:

    - arguments get `bufferization.writable = false`: inputs belong to the
      caller and are never written, even when an op could reuse one in place
      (a Gemm whose bias has the output's shape);
    - a returned value that is an argument, or that is returned more than
      once, is copied into a fresh tensor (`bufferization.alloc_tensor
      copy(...)`), so that every output gets its own out-parameter.

    Before:
    ```mlir
    func.func @f(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      return %x, %x : tensor<4xf32>, tensor<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @f(%x: tensor<4xf32> {bufferization.writable = false}) -> ... {
      %0 = bufferization.alloc_tensor() copy(%x) : tensor<4xf32>
      %1 = bufferization.alloc_tensor() copy(%x) : tensor<4xf32>
      return %0, %1 : tensor<4xf32>, tensor<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def StrideEmptyArgumentsPass
    : Pass<"kiln-stride-empty-arguments", "::mlir::ModuleOp"> {
  let summary = "Gives zero-size memref arguments static strides";
  let description = [{
    The strides of a memref with a 0 among its sizes are dynamic outside
    the 0 dimension (memref<20x0x5xf32> is strided<[?, 5, 1]>), and the
    bare-pointer calling convention of `convert-func-to-llvm` accepts only
    static strides: it left such a function unconverted, which LLVM
    translation then rejected. Nothing is ever read or written through a
    zero-size buffer, so the pass states its strides (the suffix products of
    the sizes) and casts back to the identity layout for the body. Runs
    before `finalize-memref-to-llvm`.

    Before:
    ```mlir
    func.func @f(%y: memref<20x0x5xf32>) { ... %y ... }
    ```
    After:
    ```mlir
    func.func @f(%arg: memref<20x0x5xf32, strided<[0, 5, 1]>>) {
      %y = memref.cast %arg
          : memref<20x0x5xf32, strided<[0, 5, 1]>> to memref<20x0x5xf32>
      ... %y ...
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
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

def PackWeightStripsPass : Pass<"kiln-pack-weight-strips", ""> {
  let summary = "Stores constant matmul B operands as the contraction "
                "kernels' strips";
  let description = [{
    Runs on tensors, after `convert-kiln-to-linalg`. A `linalg.matmul` or
    `linalg.matmul_transpose_b` whose B is a constant (directly or through
    static `tensor.extract_slice`s, e.g. one direction's weights of a
    recurrent layer) and whose N is a multiple of the strip width NR gets
    B stored as `[N / NR, K, NR]`: the K x NR strips that
    `kiln-tile-and-vectorize-contractions` reads, each contiguous. The
    product becomes a contraction `linalg.generic` over that layout, on
    the result viewed as `[M, N / NR, NR]`; the contraction pass finds its
    strips contiguous and copies nothing. Without this, every call copies
    (for `matmul_transpose_b`: transposes) every strip of B, once per M
    cache block; a recurrent layer did so at every step.

    NR defaults to the host's register tile width (16 floats with AVX2, 32
    with AVX-512; `strip-width` overrides it). Float element types only;
    a B whose N is not a multiple of NR, a splat B, and data that is not
    available (an elided blob) are left alone.

    A `linalg.matmul` whose B is the collapse into [K, N] of an
    all-parallel `linalg.generic` read by nothing else (a convolution's
    im2col columns), N a multiple of NR, gets the generic rewritten to
    write B as strips: the N dim where NR falls is split in two (a 32-wide
    image row is one strip of 32; 16-wide rows go two to a strip), the
    generic's loops are reordered to the strips' layout (outer N dims, K
    dims, the strip's width) so that its output map stays the identity,
    and the product reads the collapsed `[N / NR, K, NR]` as above. The
    contraction pass then copies no strip on any call, and the im2col
    writes each strip contiguously.

    Before:
    ```mlir
    %r = arith.constant dense<...> : tensor<32x8xf32>
    %y = linalg.matmul_transpose_b ins(%h, %r : tensor<1x8xf32>, tensor<32x8xf32>)
                                   outs(%c : tensor<1x32xf32>) -> tensor<1x32xf32>
    ```
    After (strip width 16; `%p[s][k][r] = %r[16 * s + r][k]`):
    ```mlir
    %p = arith.constant dense<...> : tensor<2x8x16xf32>
    %e = tensor.expand_shape %c [[0], [1, 2]] output_shape [1, 2, 16]
        : tensor<1x32xf32> into tensor<1x2x16xf32>
    %g = linalg.generic {indexing_maps = [(m, s, r, k) -> (m, k),
                                          (m, s, r, k) -> (s, k, r),
                                          (m, s, r, k) -> (m, s, r)],
                         iterator_types = ["parallel", "parallel",
                                           "parallel", "reduction"]}
        ins(%h, %p : tensor<1x8xf32>, tensor<2x8x16xf32>)
        outs(%e : tensor<1x2x16xf32>) {...}  // c + a * b
    %y = tensor.collapse_shape %g [[0], [1, 2]]
        : tensor<1x2x16xf32> into tensor<1x32xf32>
    ```
  }];
  let options = [
    Option<"stripWidth", "strip-width", "int64_t", /*default=*/"0",
           "Columns per strip (0: the host's register tile width)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def VectorizeDepthwiseConvPass
    : Pass<"kiln-vectorize-depthwise-conv", ""> {
  let summary = "Turns depthwise convolutions on buffers into register "
                "blocks of FMAs along the output width";
  let description = [{
    Runs on buffers, after `kiln-parallelize-loops` (which splits the
    convolution over batch or channels) and before
    `convert-linalg-to-loops`. It takes the depthwise generic that
    convert-kiln-to-linalg emits (loops n, c, m, oh, ow | kh, kw; input
    `(n, c, oh * s0 + kh * d0, ow * s1 + kw * d1)`, filter
    `(c, m, 0, kh, kw)`, output `(n, c, m, oh, ow)`, body `out + in * w`) with
    static shapes and f32 elements, and replaces it by loops over n, c, m
    and blocks of output rows. A block holds R rows of V vectors of the
    host's width (8 f32 with AVX2) in registers: it loads them from the
    output (which holds the bias), and for every tap (kh, kw), unrolled,
    broadcasts the filter value and adds it times the input vectors with
    `vector.fma`. Input vectors are plain loads for stride 1; for stride s
    one load of (lanes - 1) * s + 1 elements and a `vector.shuffle` keeping
    every s-th. The output width is covered by vectors of the host's width
    and one narrower vector for the remainder (static shapes: no masks); a
    row that needs more vectors than there are accumulators is split into
    a loop over chunks. Rows per block: accumulators / vectors per row.

    The pooling generics of convert-kiln-to-linalg's in-place 2-D pooling
    (loops n, c, oh, ow | kh, kw; the same input map, a `(kh, kw)` operand
    that only gives the taps their extents, output `(n, c, oh, ow)`) take
    the same register blocks: body `max(in, out)` becomes `arith.maximumf`
    on the vectors; body `out + in * c`, with `c` an `arith.constant` (an
    average pool's 1 / kernel size) or a third input `c[oh, ow]` (the
    per-output scales of a band), sums the taps and adds `c * sum` to the
    output once (reassociated: one rounding per tap fewer).

    Defaults from the host: 16 lanes and 16 accumulators with AVX-512, 8
    lanes and 8 accumulators with AVX/AVX2, 4 and 8 otherwise.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"0",
           "f32 lanes per vector (0: the host's widest)">,
    Option<"accumulators", "accumulators", "int64_t", /*default=*/"0",
           "Vector accumulators per register block (0: from the host)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def TileAndVectorizeContractionsPass
    : Pass<"kiln-tile-and-vectorize-contractions", ""> {
  let summary = "Cache- and register-tiles matmuls on buffers and turns the "
                "register tiles into FMAs";
  let description = [{
    Runs on buffers, after bufferization and before
    `convert-linalg-to-loops`. It takes every statically shaped contraction
    with one element type: `linalg.matmul`, `matmul_transpose_a/b`,
    `batch_matmul` and contraction `linalg.generic`s (e.g. batch dims that
    only A has). Batch dims, and the M/N/K dims other than the innermost
    ones, are tiled by 1. Then, one dimension at a time:

    1. N and K are tiled by the cache tile sizes; with `pack-rhs`, a K x N
       block of a row-major B that more than one M cache tile reads is
       copied into column panels (its whole NR-wide strips, each K x NR
       contiguous) before the M cache loop, once for all of them;
    2. M is tiled by the cache tile size, N by the register tile's width;
    3. each K x NR strip of B not read from a column panel is copied into
       a contiguous stack buffer (one `memref.alloca` per function, viewed
       per strip) unless A is no taller than one register tile or the strip
       is contiguous already (a constant that `kiln-pack-weight-strips`
       stored as strips); `matmul_transpose_b` is always packed, the copy
       transposing it, and becomes a `linalg.matmul`;
    4. with `pack-lhs`, a block of a row-major A that at least
       `lhs-panel-columns` register tiles read is copied into row panels
       (MR rows stored K-major) before the N register loop: unpacked, the
       MR rows of a tile lie a row stride apart, with power-of-two strides
       all in one L1 set, where they evict B's strip;
    5. M is tiled by the register tile's height and K by its depth.

    Panels live in stack buffers (one per function and side): up to
    K x N cache tile (B, 1 MiB with the AVX-512 defaults, 512 KiB with
    AVX2) plus M x K cache tile (A, 240 KiB) per thread; the runtime's
    pool workers get 16 MiB stacks, the calling thread needs about 2 MiB
    free.

    A loop whose step does not divide its range is peeled, so the remainder
    tiles get static shapes too and are vectorized like the others (no
    scalar tail). A remainder narrower than NR whose width is not a whole
    number of vector registers (the N edge) is vectorized a whole number of
    registers wide with masks: masked loads and stores of C (and of B when
    it is read in place), while its strip of B is packed zero-padded to
    that width and read without masks; the M edge stays a shorter static
    tile (rows are separate registers). Every tile then becomes a `vector.contract`
    (`linalg::vectorize`); memref subviews are folded into the transfers,
    LICM and CSE run, and the accumulator's transfer_read/transfer_write are
    hoisted out of the K loop into loop-carried vectors, one per row.

    A contraction followed by its epilogue (`kiln.epilogue`, from
    `kiln-fuse-epilogues`) takes it along into every M/N tile; across K it
    stays after the K loop, and K is left untiled up to 1024 (the M cache
    tile shrinks instead) so that the epilogue reaches the register tile.
    There it is vectorized, `vector::transferOpflowOpt` forwards the
    accumulators into it and drops the store of the bare sums. With
    `lower-contractions` (the default) the contractions become broadcasts
    and `vector.fma` (outer products) and the transfers 1-D loads and
    stores, ready for `convert-vector-to-llvm`. Before each K loop that
    runs at least 16 times, the rows of the next register tile's
    accumulators (the enclosing loop's next iteration) are prefetched, so
    that their loads after this tile's K loop hit L1; inside the K loop,
    the rows of B's panel or strip `prefetch-rhs-bytes` ahead.

    Defaults: the register tile follows the host's widest vectors, 12x32x1
    (M x N x K) with AVX-512 (6x64x1 for products of at least 120 x 256 x
    128), 6x16x1 with AVX/AVX2, 4x8x1 otherwise; the cache tile (10
    register rows) x 512 x 512 with AVX-512 (x 256 x 512 for the wide tile)
    and (40 register rows) x 512 x 256 otherwise (`hostCacheTile` and
    `hostWideCacheTile` in RegisterTile.h say how each was measured). Contractions with dynamic
    shapes or mixed element types, and ops on tensors, are left to
    `convert-linalg-to-loops`.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<512x512xf32>, memref<512x512xf32>)
                  outs(%c : memref<512x512xf32>)
    ```
    After (the K loop of one 6x16 register tile; B's strip is packed):
    ```mlir
    %r:6 = scf.for %k = %c0 to %c256 step %c1
        iter_args(%c0v = %row0, ...) -> (vector<16xf32>, ...) {
      %b = vector.load %strip[%k, %c0] : memref<256x16xf32>, vector<16xf32>
      %a0 = memref.load %a[%i, %kk] : memref<512x512xf32>
      %s0 = vector.splat %a0 : vector<16xf32>
      %f0 = vector.fma %s0, %b, %c0v : vector<16xf32>
      ...
      scf.yield %f0, ... : vector<16xf32>, ...
    }
    ```
  }];
  let options = [
    ListOption<"cacheTileSizes", "cache-tile-sizes", "int64_t",
               "M,N,K sizes of the cache tiles, 0 for untiled (default: "
               "10 register rows,512,512 with AVX-512, 10 register rows,256,512 "
               "for its wide tile, 40 register rows,512,256 otherwise)">,
    ListOption<"registerTileSizes", "register-tile-sizes", "int64_t",
               "M,N,K sizes of the register tiles (default from the host: "
               "12,32,1 with AVX-512, 6,16,1 with AVX2, 4,8,1 otherwise)">,
    ListOption<"wideRegisterTileSizes", "wide-register-tile-sizes",
               "int64_t",
               "M,N,K sizes of the register tiles of products at least "
               "120 x 256 x 128 (default from the host when "
               "register-tile-sizes is not given: 6,64,1 with AVX-512, "
               "none otherwise)">,
    Option<"lowerContractions", "lower-contractions", "bool",
           /*default=*/"true",
           "Lower vector.contract to FMAs and transfers to 1-D loads and "
           "stores (false: stop after hoisting, to inspect the contracts)">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"0",
           "Bits per vector register, the unit the N edge of the register "
           "tile is masked up to (0: the host's widest)">,
    Option<"packLhs", "pack-lhs", "bool", /*default=*/"true",
           "Copy the blocks of a row-major A into row panels (MR rows, "
           "K-major) before the register tiles sweep them">,
    Option<"lhsPanelColumns", "lhs-panel-columns", "int64_t",
           /*default=*/"32",
           "Columns of register tiles that must read a block of A for it to "
           "be packed (measured on Zen 3: the copy, a transpose at about a "
           "cycle per element, made 256^3 6% slower with 16 columns; 1024^3 "
           "gains with 32, one N cache tile)">,
    Option<"packRhs", "pack-rhs", "bool", /*default=*/"true",
           "Copy the K x N cache blocks of a row-major B into column panels "
           "(its NR-wide strips) once for all M cache tiles">,
    Option<"prefetchRhsBytes", "prefetch-rhs-bytes", "int64_t",
           /*default=*/"-1",
           "Prefetch, in each K loop of 16 or more steps, the rows of B "
           "(panels and strips) this many bytes ahead; 0 for none, -1 for "
           "the host's default (4096 with AVX-512, 0 otherwise)">
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def VectorizeElementwisePass : Pass<"kiln-vectorize-elementwise", ""> {
  let summary = "Vectorizes all-parallel linalg ops on buffers (copies, im2col, elementwise)";
  let description = [{
    Runs after `kiln-tile-and-vectorize-contractions` and before
    `convert-linalg-to-loops`. An all-parallel linalg op on static buffers
    whose payload is arith/math only, and whose operands each move along
    the innermost loop in at most one dim with a constant stride (identity,
    broadcast, transposed, im2col's `c * ow + kw`), is tiled by 1 along its
    outer loops and by T along the innermost (T the largest divisor of the
    range up to 256), and each tile becomes a 1-D generic over rank-reduced
    strided views, vectorized to `vector<Txf32>` transfers and arithmetic.
    Unit-stride transfers become vector loads and stores; strided ones
    unrolled scalar loads. Other ops stay for the scalar loop lowering.

    Example: the im2col copy of a 3x3 convolution
    ```mlir
    linalg.generic {indexing_maps = [
        affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 + d1, d5 + d2)>,
        affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], ...}
      ins(%padded : memref<1x16x34x34xf32>) outs(%cols : memref<16x3x3x1x32x32xf32>)
    ```
    becomes five loops of `vector.load ... vector<32xf32>` /
    `vector.store`.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect"];
}

def VerifyMemoryPlanPass : Pass<"kiln-verify-memory-plan", "::mlir::ModuleOp"> {
  let summary = "Proves that no two live buffers share scratch bytes";
  let description = [{
    Checks a planned entry point independently of the planner: every
    `memref.view` of the scratch argument has a constant offset, is
    aligned, lies inside the arena, and overlaps no other view whose live
    range (over top-level steps, following every view of a buffer)
    intersects its own; and no `memref.alloc` remains. Reports each
    violation at the offending view, with a note at the other buffer.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Required alignment of every buffer offset">
  ];
}

def FuseEpiloguesPass : Pass<"kiln-fuse-epilogues", ""> {
  let summary = "Makes the elementwise consumer of a contraction its epilogue";
  let description = [{
    Runs on buffers, after the memory plan and before
    `kiln-parallelize-loops`. A contraction (a static `linalg` contraction
    with one reduction dim) followed - with only memory-effect-free ops in
    between - by an all-parallel `linalg.generic` that reads the whole
    contraction output C at the identity map (a bias add, an activation, a
    residual add, or a chain of them fused by `kiln-fuse-elementwise`)
    gets that generic as its epilogue: the generic is rewritten over C's
    shape (its operands reshaped when it iterated over a reshape of C, e.g.
    a convolution's `[1, F, H, W]` view of its `[F, H*W]` product), placed
    right after the contraction and marked `kiln.epilogue`. The tiling
    passes carry the epilogue into each tile: `kiln-parallelize-loops` into
    each thread's tile, `kiln-tile-and-vectorize-contractions` into each
    register tile, where it is applied to the accumulators before the one
    store of the result.

    The consumer qualifies only when interleaving it with the contraction
    tile by tile cannot change a value: no other operand of it shares bytes
    with C, and its output is C (in place), an input it reads in place, or
    memory that neither C nor the contraction's inputs use (the memory plan
    may give a dead input's bytes to the output: then it is left alone).
    Across a reshape of C, its other operands must be whole (identity) or
    scalars.

    Before:
    ```mlir
    linalg.matmul ins(%w, %cols : memref<16x144xf32>, memref<144x1024xf32>)
                  outs(%c : memref<16x1024xf32>)
    %v = memref.expand_shape %c [[0, 1], [2, 3]] output_shape [1, 16, 32, 32]
        : memref<16x1024xf32> into memref<1x16x32x32xf32>
    linalg.generic {... ["parallel", "parallel", "parallel", "parallel"]}
        ins(%v, %residual : ...) outs(%v : memref<1x16x32x32xf32>) { add, relu }
    ```
    After:
    ```mlir
    %r = memref.collapse_shape %residual [[0, 1], [2, 3]] ...
    linalg.matmul ins(%w, %cols : ...) outs(%c : memref<16x1024xf32>)
    linalg.generic {... ["parallel", "parallel"], kiln.epilogue}
        ins(%c, %r : memref<16x1024xf32>, memref<16x1024xf32>)
        outs(%c : memref<16x1024xf32>) { add, relu }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def ParallelizeLoopsPass : Pass<"kiln-parallelize-loops", "::mlir::ModuleOp"> {
  let summary = "Splits large linalg ops into tiles that run on the runtime's "
                "thread pool";
  let description = [{
    Runs on buffers, after the memory plan and before
    `kiln-tile-and-vectorize-contractions` and the loop lowering. Each
    top-level linalg op of an entry point (a public `func.func`) whose
    estimated cost - its iteration count times the ops of its payload, at
    least 1, plus for an op with reduction dims 4 per input element (the
    streaming of a matrix-vector product's weights outweighs its
    arithmetic) - reaches `min-cost`, and, for a contraction, whose
    multiply-adds are at least `min-macs-per-moved-element` per element of
    its operands that are not constants (split, those move between cores),
    is tiled along one parallel dim that
    every output is indexed by and that holds at least two aligned tiles
    (for a contraction, a dim of its larger input when there is one: each
    tile reads all of the input its dim does not index; then the one with
    the largest range; on ties the outermost, but the innermost for an op
    with reduction dims, so that a matmul's tiles pack disjoint strips of
    B), so that distinct tiles write distinct elements. An op whose
    inputs may overlap an output (other than an in-place elementwise op
    reading each element where it writes it) is left alone. A contraction's
    epilogue (`kiln.epilogue`, the op right after it) is never split on its
    own: each tile of the contraction gets its own copy of it, on the same
    output tile, in the same loop body.

    A split contraction's prologues go into its tiles too: all-parallel ops
    before it (past views, constants and linalg ops they may safely move
    past) that each write, whole and at the identity map, an input the
    contraction reads along the split dim - directly or through a
    `memref.collapse_shape` - and write more elements than they read of
    activations: a 3x3 convolution's im2col columns. Each tile first
    computes the slice of them it reads (a box of the prologue's dims:
    whole inner dims, a slice of one, single indices outside), on the core
    that then reads it, instead of the calling thread computing all of it
    and the other cores pulling their slices from its caches. Only when
    every tile is whole (no remainder tile), and only when moving them is
    safe by the memory plan: no prologue reads what another prologue, an op
    it moves past, the contraction or its epilogue writes, and none writes
    anything else they touch. For `min-macs-per-moved-element`, an input
    written by a prologue does not move between cores; the prologue's own
    inputs do.

    The tile size aims at 8 tiles, is at least `min-tile-cost` worth of
    work, is a multiple of 32 when the dim is the contiguous one of the
    output (8 for a contraction's dim of A, its M; whole strips for a dim
    that counts the strips of a B stored as `[N / NR, K, NR]`, at least
    512 columns' worth or half of them, as N in columns gets) and, when
    one is near, a divisor of the range; a remainder tile runs after the
    loop, on the calling thread. Fewer than 2 tiles: the op is left alone. The cost
    thresholds keep small ops single-threaded, where waking a thread (some
    microseconds) costs more than the split saves.

    The loop of full tiles is outlined into
    `func.func private @F_parallelN(%ctx: !llvm.ptr, %begin: i64, %end: i64)`
    running tiles [begin, end): each captured memref (static layouts only)
    is passed as a pointer in `%ctx`, an array on the caller's stack, and
    rebuilt in the body as an LLVM memref descriptor cast to the memref type;
    constants are cloned. The loop becomes a call of the runtime's
    `kiln_parallel_for(body, ctx, tiles, 1, threads)` (kiln/threads.h).

    A top-level `scf.for` from 0 by 1 without results that carries
    `kiln.parallel_rows = C` (convert-kiln-to-linalg's row loop of softmax
    and layer norm: iterations write disjoint rows, C estimates one row's
    cost) is outlined the same way without tiling when rows x C reaches
    `min-cost`: its iterations are the tiles, and the grain (aiming at 8
    chunks, each at least `min-tile-cost`) is passed to `kiln_parallel_for`.
    Each tile's iterations and each element's arithmetic are unchanged, so
    results are bit-identical at any thread count. Allocations later passes
    put into the body (the contraction pass's packing buffer) are per call,
    hence per thread.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<256x512xf32>, memref<512x1024xf32>)
                  outs(%c : memref<256x1024xf32>)
    ```
    After:
    ```mlir
    func.func @main(...) {
      %ctx = llvm.alloca %c1 x !llvm.array<3 x ptr> : (i64) -> !llvm.ptr
      ...  // llvm.store of the pointers of %a, %b, %c into %ctx
      %f = constant @main_parallel0 : (!llvm.ptr, i64, i64) -> ()
      call @kiln_parallel_for(%f, %ctx, %c8, %c1, %c0) : (...) -> ()
    }
    func.func private @main_parallel0(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
      ...  // %a, %b, %c from %ctx
      scf.for %j = %lo to %hi step %c128 {
        %bt = memref.subview %b[0, %j] [512, 128] [1, 1] : ...
        %ct = memref.subview %c[0, %j] [256, 128] [1, 1] : ...
        linalg.matmul ins(%a, %bt : ...) outs(%ct : ...)
      }
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int32_t", /*default=*/"0",
           "The compiled default thread count passed to kiln_parallel_for "
           "(0: the runtime decides)">,
    Option<"minCost", "min-cost", "int64_t", /*default=*/"1 << 20",
           "Smallest estimated cost (iterations x payload ops) of an op "
           "worth splitting">,
    Option<"minTileCost", "min-tile-cost", "int64_t", /*default=*/"1 << 17",
           "Smallest estimated cost of one tile">,
    Option<"minMacsPerMovedElement", "min-macs-per-moved-element", "int64_t",
           /*default=*/"32",
           "Smallest number of multiply-adds per element of non-constant "
           "operands for a contraction to be split (its activations move "
           "between cores when it is)">
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
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
      softmax and log-softmax over the last axis and layer norm, of static
      f32 tensors: an `scf.for` over the rows (marked `kiln.parallel_rows`)
      whose sweeps of one row are loops of `vector<32xf32>` (then 8, 1)
      transfers, so the tensor is read once and written once;
    - RNN/LSTM/GRU: the input projection of all steps as one matmul, then an
      `scf.for` over the steps (recurrent matmul + gate generic on slices of
      loop-carried tensors, in place after bufferization);
    - reshape/flatten: `tensor.collapse_shape` + `tensor.expand_shape`;
      transpose: `linalg.transpose`; pad: `tensor.pad`;
    - gathers and one-hot: a `linalg.generic` over the result reading with
      `tensor.extract`; scatters: an `scf.for` nest over the updates carrying
      the result tensor (`tensor.insert`); resize: one generic per resized
      dim with compile-time neighbour/weight tables;
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
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // KILN_PASSES_PASSES_TD
