//===- Activation.h - Shape rules of the Activation group -------*- C++ -*-===//
//
// Infer functions of the ops in ir/ops/Activation.td. Included by ir/KilnOps.cpp
// before the generated op definitions, which call them from
// `inferReturnTypes`. Report errors through ir/ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_IR_OPS_ACTIVATION_H
#define KILN_IR_OPS_ACTIVATION_H

#include "ir/ShapeRules.h"

namespace kiln {} // namespace kiln

#endif // KILN_IR_OPS_ACTIVATION_H
