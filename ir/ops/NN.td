//===- NN.td - kiln ops: conv family, normalisation --------*- tablegen -*-===//
//
// Convolution-family and normalisation ops beyond the CNN core.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/NN.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_NN_TD
#define KILN_IR_OPS_NN_TD

#endif // KILN_IR_OPS_NN_TD
