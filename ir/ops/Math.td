//===- Math.td - kiln ops: elementwise math ----------------*- tablegen -*-===//
//
// Elementwise math, comparisons, logic and casts of ONNX. Binary ops broadcast
// NumPy-style. Integer ops follow the signedness of the element type: `uiN`
// elements divide, compare, shift and convert as unsigned, signless `iN` as
// signed. Variadic ONNX ops (Max, Min, Sum, Mean) and Clip are imported as
// chains of the binary ops here.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Math.h,
// folders in ir/ops/Math.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MATH_TD
#define KILN_IR_OPS_MATH_TD

def Kiln_BoolTensor : StaticShapeTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Binary arithmetic beyond add/sub/mul/div
//===----------------------------------------------------------------------===//

def Kiln_MaxOp : Kiln_BroadcastBinaryOp<"max", "Max", [Commutative]> {
  let description = [{
    Imported from ONNX `Max`, whose N operands become a chain of `kiln.max`.
    A NaN operand gives NaN (NumPy `maximum`); integers compare with the
    signedness of the element type.

    ```mlir
    %r = kiln.max %a, %b
        : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    ```
  }];
}

def Kiln_MinOp : Kiln_BroadcastBinaryOp<"min", "Min", [Commutative]> {
  let description = [{
    Imported from ONNX `Min`, whose N operands become a chain of `kiln.min`.
    A NaN operand gives NaN (NumPy `minimum`); integers compare with the
    signedness of the element type.

    ```mlir
    %r = kiln.min %a, %b
        : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    ```
  }];
}

def Kiln_ModOp : Kiln_BroadcastBinaryOp<"mod", "Mod"> {
  let description = [{
    Imported from ONNX `Mod`. With `fmod = true` the remainder has the sign
    of the dividend (C `fmod`, `%` on integers); with `fmod = false` it has
    the sign of the divisor (Python `%`, NumPy `mod`). ONNX requires
    `fmod = true` for floats; `false` on floats follows NumPy `mod`.

    ```mlir
    %r = kiln.mod %a, %b {fmod = false}
        : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs,
                       DefaultValuedAttr<BoolAttr, "false">:$fmod);
}

def Kiln_PowOp : Kiln_InferredOp<"pow", "inferPow"> {
  let summary = "Elementwise power base^exponent with NumPy-style broadcasting";
  let description = [{
    Imported from ONNX `Pow`. The exponent may have another element type than
    the base (ONNX `T1`); the result has the base's element type. Integer
    bases are computed in f64 and truncated toward zero, as ONNX's reference
    (`np.power` then a cast) does.

    ```mlir
    %r = kiln.pow %a, %b
        : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Logic and bit operations
//===----------------------------------------------------------------------===//

class Kiln_LogicBinaryOp<string mnemonic, string onnxName,
                         list<Trait> traits = []>
    : Kiln_BroadcastBinaryOp<mnemonic, onnxName, traits> {
  let summary = "Elementwise logical " # onnxName # " of bool tensors";
  let description = [{
    Imported from ONNX `}] # onnxName # [{`. Operand shapes broadcast.

    ```mlir
    %r = kiln.}] # mnemonic # [{ %a, %b
        : (tensor<3x4xi1>, tensor<4xi1>) -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$lhs, Kiln_BoolTensor:$rhs);
  let results = (outs Kiln_BoolTensor:$result);
}

def Kiln_AndOp : Kiln_LogicBinaryOp<"and", "And", [Commutative]>;
def Kiln_OrOp : Kiln_LogicBinaryOp<"or", "Or", [Commutative]>;
def Kiln_XorOp : Kiln_LogicBinaryOp<"xor", "Xor", [Commutative]>;

class Kiln_ShiftOp<string mnemonic, string direction>
    : Kiln_BroadcastBinaryOp<mnemonic, "BitShift"> {
  let summary = "Elementwise bit shift " # direction # " of integers";
  let description = [{
    Imported from ONNX `BitShift` with `direction = "}] # direction # [{"`.
    Shifting right is logical for unsigned elements (the ONNX types) and
    arithmetic for signed ones.

    ```mlir
    %r = kiln.}] # mnemonic # [{ %a, %b
        : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[AnyInteger]>:$lhs,
                       StaticShapeTensorOf<[AnyInteger]>:$rhs);
  let results = (outs StaticShapeTensorOf<[AnyInteger]>:$result);
}

def Kiln_ShiftLeftOp : Kiln_ShiftOp<"shift_left", "LEFT">;
def Kiln_ShiftRightOp : Kiln_ShiftOp<"shift_right", "RIGHT">;

//===----------------------------------------------------------------------===//
// Comparisons and selection
//===----------------------------------------------------------------------===//

class Kiln_CompareOp<string mnemonic, string onnxName, string formula,
                     list<Trait> traits = []>
    : Kiln_InferredOp<mnemonic, "inferCompare", traits> {
  let summary = "Elementwise " # formula # " with a bool result";
  let description = [{
    Imported from ONNX `}] # onnxName # [{`. Operands have one element type
    and broadcast NumPy-style; the result is `i1`. Float comparisons with a
    NaN are false; integers compare with the signedness of the element type.

    ```mlir
    %r = kiln.}] # mnemonic # [{ %a, %b
        : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_BoolTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_EqualOp : Kiln_CompareOp<"equal", "Equal", "lhs == rhs",
                                  [Commutative]>;
def Kiln_LessOp : Kiln_CompareOp<"less", "Less", "lhs < rhs">;
def Kiln_LessEqualOp
    : Kiln_CompareOp<"less_equal", "LessOrEqual", "lhs <= rhs">;
def Kiln_GreaterOp : Kiln_CompareOp<"greater", "Greater", "lhs > rhs">;
def Kiln_GreaterEqualOp
    : Kiln_CompareOp<"greater_equal", "GreaterOrEqual", "lhs >= rhs">;

def Kiln_WhereOp : Kiln_InferredOp<"where", "inferWhere"> {
  let summary = "Elementwise select: condition ? lhs : rhs";
  let description = [{
    Imported from ONNX `Where`. The three operands broadcast NumPy-style;
    `lhs` and `rhs` have the result's element type.

    ```mlir
    %r = kiln.where %c, %a, %b
        : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$lhs,
                       Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $lhs `,` $rhs attr-dict `:`
    functional-type(operands, results)
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Unary math
//===----------------------------------------------------------------------===//

class Kiln_UnaryMathOp<string mnemonic, string onnxName, string formula,
                       Type tensor = Kiln_FloatTensor>
    : Kiln_InferredOp<mnemonic, "inferSameAsInput"> {
  let summary = "Elementwise " # onnxName # ": " # formula;
  let description = [{
    Imported from ONNX `}] # onnxName # [{`: `}] # formula # [{`.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<2x8xf32>
    ```
  }];
  let arguments = (ins tensor:$input);
  let results = (outs tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def Kiln_SqrtOp : Kiln_UnaryMathOp<"sqrt", "Sqrt", "y = sqrt(x)">;
def Kiln_ExpOp : Kiln_UnaryMathOp<"exp", "Exp", "y = e^x">;
def Kiln_LogOp : Kiln_UnaryMathOp<"log", "Log", "y = ln(x)">;
def Kiln_ErfOp : Kiln_UnaryMathOp<"erf", "Erf", "y = erf(x)">;
def Kiln_ReciprocalOp
    : Kiln_UnaryMathOp<"reciprocal", "Reciprocal", "y = 1 / x">;
def Kiln_FloorOp : Kiln_UnaryMathOp<"floor", "Floor", "y = floor(x)">;
def Kiln_CeilOp : Kiln_UnaryMathOp<"ceil", "Ceil", "y = ceil(x)">;
def Kiln_RoundOp
    : Kiln_UnaryMathOp<"round", "Round", "y = x rounded half to even">;
def Kiln_NegOp : Kiln_UnaryMathOp<"neg", "Neg", "y = -x", Kiln_Tensor>;
def Kiln_AbsOp : Kiln_UnaryMathOp<"abs", "Abs", "y = |x|", Kiln_Tensor>;
def Kiln_SignOp : Kiln_UnaryMathOp<"sign", "Sign",
    "y = -1, 0 or 1 by the sign of x (NaN stays NaN)", Kiln_Tensor>;
def Kiln_NotOp : Kiln_UnaryMathOp<"not", "Not", "y = !x", Kiln_BoolTensor>;

class Kiln_FloatClassOp<string mnemonic, string onnxName, string formula>
    : Kiln_InferredOp<mnemonic, "inferFloatClass"> {
  let summary = "Elementwise " # onnxName # ": " # formula;
  let description = [{
    Imported from ONNX `}] # onnxName # [{`: `}] # formula # [{`, an `i1`
    tensor of the input's shape.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : (tensor<2x8xf32>) -> tensor<2x8xi1>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_BoolTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_IsNaNOp : Kiln_FloatClassOp<"is_nan", "IsNaN", "y = x is NaN">;
def Kiln_IsInfOp : Kiln_FloatClassOp<"is_inf", "IsInf",
    "y = x is +inf (if detect_positive) or -inf (if detect_negative)"> {
  let arguments = (ins Kiln_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_negative,
                       DefaultValuedAttr<BoolAttr, "true">:$detect_positive);
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

def Kiln_CastOp : Kiln_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise conversion to the result's element type";
  let description = [{
    Imported from ONNX `Cast` and `CastLike`. Floats convert to integers
    truncating toward zero (out-of-range values are undefined, as in ONNX);
    integers convert with the signedness of their element type; anything
    converts to bool (`i1`) as `x != 0` (NaN is true), and bool converts to
    0 or 1. Conversions to `bf16` go through `f32` and then drop its low 16
    bits (truncation toward zero, NaN kept quiet), as ONNX's reference does
    for opset <= 17 (onnx 1.12; later versions round to nearest even).

    ```mlir
    %y = kiln.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi64>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

#endif // KILN_IR_OPS_MATH_TD
