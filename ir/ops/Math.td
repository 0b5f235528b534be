//===- Math.td - kiln ops: elementwise math ----------------*- tablegen -*-===//
//
// Elementwise math, comparisons, logic, casts and activations beyond the MLP
// core.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Math.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MATH_TD
#define KILN_IR_OPS_MATH_TD

#endif // KILN_IR_OPS_MATH_TD
