//===- Activation.td - kiln ops: activations ---------------*- tablegen -*-===//
//
// Activations beyond relu, sigmoid and tanh, and the trigonometric and
// hyperbolic functions. Included at the end of ir/KilnOps.td, whose classes
// (Kiln_InferredOp, Kiln_UnaryFloatOp, ...) it uses; shape rules in
// ir/ops/Activation.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_ACTIVATION_TD
#define KILN_IR_OPS_ACTIVATION_TD

//===----------------------------------------------------------------------===//
// Activations with scalar parameters
//===----------------------------------------------------------------------===//

// An elementwise float activation whose parameters are attributes `attrs`
// (each with the ONNX default). `example` is the custom form of one use.
class Kiln_ActivationOp<string mnemonic, string onnxName, string formula,
                        dag attrs, string example>
    : Kiln_InferredOp<mnemonic, "inferSameAsInput"> {
  let summary = "Elementwise " # onnxName # ": " # formula;
  let description = [{
    Imported from ONNX `}] # onnxName # [{`: `}] # formula # [{`. The
    parameters are attributes with the ONNX defaults; the arithmetic happens
    in the input's element type.

    ```mlir
    }] # example # [{
    ```
  }];
  let arguments = !con((ins Kiln_FloatTensor:$input), attrs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_LeakyReluOp : Kiln_ActivationOp<"leaky_relu", "LeakyRelu",
    "y = x < 0 ? alpha * x : x",
    (ins DefaultValuedAttr<F32Attr, "0.01">:$alpha),
    "%y = kiln.leaky_relu %x {alpha = 1.0e-01 : f32} : tensor<2x8xf32>">;

def Kiln_EluOp : Kiln_ActivationOp<"elu", "Elu",
    "y = x < 0 ? alpha * (exp(x) - 1) : x",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha),
    "%y = kiln.elu %x {alpha = 2.0 : f32} : tensor<2x8xf32>">;

def Kiln_SeluOp : Kiln_ActivationOp<"selu", "Selu",
    "y = gamma * (x <= 0 ? alpha * (exp(x) - 1) : x)",
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma),
    "%y = kiln.selu %x : tensor<2x8xf32>">;

def Kiln_CeluOp : Kiln_ActivationOp<"celu", "Celu",
    "y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha),
    "%y = kiln.celu %x {alpha = 2.0 : f32} : tensor<2x8xf32>">;

def Kiln_HardSigmoidOp : Kiln_ActivationOp<"hard_sigmoid", "HardSigmoid",
    "y = max(0, min(1, alpha * x + beta))",
    (ins DefaultValuedAttr<F32Attr, "0.2">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5">:$beta),
    "%y = kiln.hard_sigmoid %x {alpha = 0.5 : f32} : tensor<2x8xf32>">;

def Kiln_HardSwishOp : Kiln_ActivationOp<"hard_swish", "HardSwish",
    "y = x * max(0, min(1, x / 6 + 1 / 2))", (ins),
    "%y = kiln.hard_swish %x : tensor<2x8xf32>">;

def Kiln_SoftplusOp : Kiln_ActivationOp<"softplus", "Softplus",
    "y = log(exp(x) + 1)", (ins),
    "%y = kiln.softplus %x : tensor<2x8xf32>">;

def Kiln_SoftsignOp : Kiln_ActivationOp<"softsign", "Softsign",
    "y = x / (1 + |x|)", (ins),
    "%y = kiln.softsign %x : tensor<2x8xf32>">;

def Kiln_ThresholdedReluOp : Kiln_ActivationOp<"thresholded_relu",
    "ThresholdedRelu", "y = x > alpha ? x : 0",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha),
    "%y = kiln.thresholded_relu %x {alpha = 2.0 : f32} : tensor<2x8xf32>">;

def Kiln_ShrinkOp : Kiln_ActivationOp<"shrink", "Shrink",
    "y = x < -lambd ? x + bias : (x > lambd ? x - bias : 0)",
    (ins DefaultValuedAttr<F32Attr, "0.5">:$lambd,
         DefaultValuedAttr<F32Attr, "0.0">:$bias),
    "%y = kiln.shrink %x {bias = 1.5 : f32, lambd = 1.5 : f32} : tensor<5xf32>">;

def Kiln_PReluOp : Kiln_InferredOp<"prelu", "inferPRelu",
    [SameOperandsAndResultElementType]> {
  let summary = "Elementwise PRelu: y = x < 0 ? slope * x : x";
  let description = [{
    Imported from ONNX `PRelu`. `slope` broadcasts to the shape of `input`
    (ONNX unidirectional broadcasting: right-aligned, each slope dim is 1 or
    the input's), and the result has the shape of `input`.

    ```mlir
    %y = kiln.prelu %x, %slope
        : (tensor<3x4x5xf32>, tensor<5xf32>) -> tensor<3x4x5xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$slope);
  let results = (outs Kiln_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $slope attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Trigonometric and hyperbolic functions
//===----------------------------------------------------------------------===//

def Kiln_SinOp : Kiln_UnaryFloatOp<"sin", "Sin", "y = sin(x)">;
def Kiln_CosOp : Kiln_UnaryFloatOp<"cos", "Cos", "y = cos(x)">;
def Kiln_TanOp : Kiln_UnaryFloatOp<"tan", "Tan", "y = tan(x)">;
def Kiln_AsinOp : Kiln_UnaryFloatOp<"asin", "Asin",
    "y = asin(x), NaN outside [-1, 1]">;
def Kiln_AcosOp : Kiln_UnaryFloatOp<"acos", "Acos",
    "y = acos(x), NaN outside [-1, 1]">;
def Kiln_AtanOp : Kiln_UnaryFloatOp<"atan", "Atan", "y = atan(x)">;
def Kiln_SinhOp : Kiln_UnaryFloatOp<"sinh", "Sinh", "y = sinh(x)">;
def Kiln_CoshOp : Kiln_UnaryFloatOp<"cosh", "Cosh", "y = cosh(x)">;
def Kiln_AsinhOp : Kiln_UnaryFloatOp<"asinh", "Asinh", "y = asinh(x)">;
def Kiln_AcoshOp : Kiln_UnaryFloatOp<"acosh", "Acosh",
    "y = acosh(x), NaN below 1">;
def Kiln_AtanhOp : Kiln_UnaryFloatOp<"atanh", "Atanh",
    "y = atanh(x), NaN outside [-1, 1]">;

#endif // KILN_IR_OPS_ACTIVATION_TD
