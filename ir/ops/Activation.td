//===- Activation.td - kiln ops: activations ---------------*- tablegen -*-===//
//
// Activations beyond relu, sigmoid and tanh.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Activation.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_ACTIVATION_TD
#define KILN_IR_OPS_ACTIVATION_TD

#endif // KILN_IR_OPS_ACTIVATION_TD
