//===- Indexing.td - kiln ops: gather, scatter, resize -----*- tablegen -*-===//
//
// Gather/scatter, one-hot, resize, einsum.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Indexing.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_INDEXING_TD
#define KILN_IR_OPS_INDEXING_TD

#endif // KILN_IR_OPS_INDEXING_TD
