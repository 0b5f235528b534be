//===- Movement.td - kiln ops: data movement ---------------*- tablegen -*-===//
//
// Shape and data movement: concat, split, slice, squeeze, expand, tile, ....
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Movement.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_MOVEMENT_TD
#define KILN_IR_OPS_MOVEMENT_TD

#endif // KILN_IR_OPS_MOVEMENT_TD
