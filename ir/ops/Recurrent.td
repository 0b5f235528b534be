//===- Recurrent.td - kiln ops: RNN, LSTM, GRU -------------*- tablegen -*-===//
//
// Recurrent layers: RNN, LSTM, GRU.
// Included at the end of ir/KilnOps.td, whose classes (Kiln_InferredOp,
// Kiln_BroadcastBinaryOp, ...) it uses; shape rules in ir/ops/Recurrent.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_RECURRENT_TD
#define KILN_IR_OPS_RECURRENT_TD

#endif // KILN_IR_OPS_RECURRENT_TD
