//===- Reduction.td - kiln ops: reductions, losses ---------*- tablegen -*-===//
//
// Reductions, arg-reductions, cumulative sums, top-k, softmax variants and
// losses.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Reduction.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_REDUCTION_TD
#define KILN_IR_OPS_REDUCTION_TD

#endif // KILN_IR_OPS_REDUCTION_TD
