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

#endif // KILN_PASSES_PASSES_TD
