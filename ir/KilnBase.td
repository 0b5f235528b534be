//===- KilnBase.td - The kiln dialect and its type constraints -*- tablegen -*-===//
//
// The `kiln` dialect is the compiler's entry IR: value-semantic tensor ops at
// ONNX granularity, on ranked tensors with static shapes. Importers produce it;
// graph passes, autodiff and fusion rewrite it; conversions lower it to linalg.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_KILNBASE_TD
#define KILN_IR_KILNBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "Framework-neutral tensor graph; the compiler's entry IR";
  let description = [{
    Ops have value semantics and operate on ranked tensors. Shapes are static
    once a model is imported: a symbolic ONNX dimension is specialised at
    import time. Every op carries the location of the ONNX node it came from,
    so diagnostics of every later pass point at the model.

    Shape rules live in one place per op, its `inferReturnTypes`
    (`InferTypeOpInterface`): builders use it to compute result types and the
    verifier checks the stated result type against it.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

// Static-shape tensors of the element types ONNX models use. Unsigned ONNX
// types map to `uiN`, signed to signless `iN`, bool to `i1`. A symbolic ONNX
// dim is specialised at import (--input-shape), so kiln IR never has `?`.
def Kiln_Tensor : StaticShapeTensorOf<[AnyFloat, AnyInteger]>;
def Kiln_FloatTensor : StaticShapeTensorOf<[AnyFloat]>;

#endif // KILN_IR_KILNBASE_TD
